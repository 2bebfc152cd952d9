"""Deleting a contact while its opportunities are moved, edited or deleted (PostgreSQL: row
locks are a no-op on SQLite).

A contact delete writes every opportunity the contact is linked to (contact and customer
cleared, member rows deleted). It locks those opportunities in primary-key order before its
first write, as every service that locks several rows does, so it waits for a write in flight
instead of deadlocking with it; there is no row that every writer locks."""

import random
import threading
import time

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue
from contacts.models import Contact
from contacts.services import contact_delete
from opportunities.models import Opportunity, OpportunityMember
from opportunities.services import (
    opportunity_delete,
    opportunity_move_to_stage,
    opportunity_update,
)
from tests.concurrency import NO_ROW_LOCKS, postgresql_only, run_at_once, run_in_threads
from tests.factories import OpportunityFactory, PersonFactory, default_stage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    postgresql_only(NO_ROW_LOCKS),
]

API = "/api/2.0/crm"
WRITES = {
    "move": lambda o, user: opportunity_move_to_stage(
        opportunity=o, stage=default_stage("Proposal"), moved_by=user
    ),
    "edit": lambda o, user: opportunity_update(
        opportunity=o, updated_by=user, title="Edited meanwhile", bid_value="250"
    ),
    "edit keeping the contact": lambda o, user: opportunity_update(
        opportunity=o, updated_by=user, contact=o.contact, description="Same contact"
    ),
    "unlink": lambda o, user: opportunity_update(opportunity=o, updated_by=user, members=[]),
    "delete": lambda o, user: opportunity_delete(opportunity=o, deleted_by=user),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_contact_delete_waits_for_a_write_to_its_opportunity_when_racing(write, user):
    contact = PersonFactory(created_by=user)
    first, second = (
        OpportunityFactory(created_by=user, contact=contact, customer=contact, members=[contact])
        for _ in range(2)
    )
    holding = threading.Event()

    def writer():
        """Holds the second opportunity while the delete gets under way, then writes it."""
        try:
            with transaction.atomic():
                locked = Opportunity.objects.select_for_update().get(pk=second.pk)
                holding.set()
                time.sleep(0.5)  # the delete now waits for this row (or has deadlocked)
                WRITES[write](locked, user)
        finally:
            holding.set()

    def deleter():
        holding.wait(5)
        contact_delete(contact=contact, deleted_by=user)

    errors = run_in_threads(writer, deleter)

    assert errors == []
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not OpportunityMember.objects.filter(contact_id=contact.pk).exists()
    left = Opportunity.objects.filter(pk__in=[first.pk, second.pk])
    assert not left.filter(contact_id=contact.pk).exists()
    assert not left.filter(customer_id=contact.pk).exists()
    assert left.count() == (1 if write == "delete" else 2)


def test_every_request_succeeds_when_moves_edits_deletes_and_contact_deletes_race(
    user, shared_cache
):
    """Four clients over HTTP for a few seconds: three move, edit and delete their own
    opportunities, all linked to the same contacts, while the fourth deletes those contacts.
    Every answer is a success (a deadlock would be a 500), and the cached total is right."""
    stages = [default_stage("Initial contact"), default_stage("Proposal")]
    contacts = [PersonFactory(created_by=user) for _ in range(6)]
    owned: dict[int, list[int]] = {}
    for writer in range(3):
        owned[writer] = [
            OpportunityFactory(
                created_by=user,
                contact=contacts[n % 6],
                customer=contacts[(n + 1) % 6],
                members=[contacts[n % 6], contacts[(n + 2) % 6]],
            ).pk
            for n in range(12)
        ]
    token, _ = token_issue(user)
    failures: list[str] = []
    deadline = time.monotonic() + 4

    def client() -> APIClient:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=token)
        return api

    def check(response, what: str) -> None:
        if response.status_code != 200:
            failures.append(f"{what}: {response.status_code} {response.content[:200]!r}")

    def writer(number: int):
        api, rng = client(), random.Random(number)
        mine = list(owned[number])
        while time.monotonic() < deadline and mine:
            pk = rng.choice(mine)
            action = rng.choice(("move", "move", "edit", "edit", "delete"))
            if action == "move":
                stage = rng.choice(stages).pk
                check(api.put(f"{API}/opportunity/{pk}/stage/{stage}"), f"move {pk}")
            elif action == "edit":
                body = {"title": f"Edited {rng.random()}", "bidValue": rng.randint(1, 99)}
                check(api.put(f"{API}/opportunity/{pk}", body, format="json"), f"edit {pk}")
            else:
                check(api.delete(f"{API}/opportunity/{pk}"), f"delete {pk}")
                mine.remove(pk)

    def contact_deleter():
        api = client()
        for contact in contacts:
            time.sleep(0.3)
            check(api.delete(f"{API}/contact/{contact.pk}"), f"contact delete {contact.pk}")

    errors = run_at_once(
        *(lambda number=number: writer(number) for number in range(3)),
        contact_deleter,
        timeout=60,
    )

    assert errors == []
    assert failures == []
    assert not Contact.objects.filter(pk__in=[c.pk for c in contacts]).exists()
    assert not OpportunityMember.objects.exists()
    body = client().get(f"{API}/opportunity/filter").json()
    assert body["total"] == Opportunity.objects.count()


def test_linking_a_contact_being_deleted_is_refused_when_the_delete_commits_first(user):
    """The delete holds the contact's row while the link is attempted: the link waits for it
    and then finds the contact gone, a "not found" (400) instead of an integrity error when
    its own transaction commits."""
    contact = PersonFactory(created_by=user)
    deal = OpportunityFactory(created_by=user)
    deleting = threading.Event()

    def deleter():
        try:
            with transaction.atomic():
                contact_delete(contact=contact, deleted_by=user)
                deleting.set()
                time.sleep(0.5)  # the link now waits for the contact's row
        finally:
            deleting.set()

    def linker():
        deleting.wait(5)
        opportunity_update(opportunity=deal, updated_by=user, contact=contact)

    errors = run_in_threads(deleter, linker)

    assert [type(error).__name__ for error in errors] == ["InvalidInput"]
    assert errors[0].field == "contact"
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert Opportunity.objects.get(pk=deal.pk).contact_id is None
