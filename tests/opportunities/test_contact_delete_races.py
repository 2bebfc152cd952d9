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
from django.db import connection, connections, transaction
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
from tests.factories import OpportunityFactory, PersonFactory, default_stage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite has no row locks to wait for"
    ),
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
    errors: list[Exception] = []
    holding = threading.Event()

    def writer():
        """Holds the second opportunity while the delete gets under way, then writes it."""
        try:
            with transaction.atomic():
                locked = Opportunity.objects.select_for_update().get(pk=second.pk)
                holding.set()
                time.sleep(0.5)  # the delete now waits for this row (or has deadlocked)
                WRITES[write](locked, user)
        except Exception as exc:
            errors.append(exc)
        finally:
            holding.set()
            connections.close_all()

    def deleter():
        try:
            holding.wait(5)
            contact_delete(contact=contact, deleted_by=user)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer), threading.Thread(target=deleter)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not any(thread.is_alive() for thread in threads)
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
    start = threading.Barrier(4)

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
        try:
            start.wait(10)
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
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(repr(exc))
        finally:
            connections.close_all()

    def contact_deleter():
        api = client()
        try:
            start.wait(10)
            for contact in contacts:
                time.sleep(0.3)
                check(api.delete(f"{API}/contact/{contact.pk}"), f"contact delete {contact.pk}")
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    threads.append(threading.Thread(target=contact_deleter))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
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
    errors: list[Exception] = []
    deleting = threading.Event()

    def deleter():
        try:
            with transaction.atomic():
                contact_delete(contact=contact, deleted_by=user)
                deleting.set()
                time.sleep(0.5)  # the link now waits for the contact's row
        except Exception as exc:
            errors.append(exc)
        finally:
            deleting.set()
            connections.close_all()

    def linker():
        try:
            deleting.wait(5)
            opportunity_update(opportunity=deal, updated_by=user, contact=contact)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deleter), threading.Thread(target=linker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not any(thread.is_alive() for thread in threads)
    assert [type(error).__name__ for error in errors] == ["InvalidInput"]
    assert errors[0].field == "contact"
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert Opportunity.objects.get(pk=deal.pk).contact_id is None
