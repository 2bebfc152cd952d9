"""Writes to different opportunities do not queue behind each other (PostgreSQL: row locks
are a no-op on SQLite): no row is locked by every write. One transaction writes an opportunity
and keeps its transaction open; another writes a different one and must commit meanwhile
(a lock wait would hit `lock_timeout`)."""

import threading

import pytest
from django.db import connection, transaction

from opportunities.models import Opportunity
from opportunities.services import (
    opportunity_add_member,
    opportunity_add_tag,
    opportunity_create,
    opportunity_delete,
    opportunity_move_to_stage,
    opportunity_set_access,
    opportunity_update,
)
from tests.concurrency import NO_ROW_LOCKS, postgresql_only, run_in_threads
from tests.factories import OpportunityFactory, PersonFactory, default_stage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    postgresql_only(NO_ROW_LOCKS),
]

WRITES = {
    "move": lambda o, user: opportunity_move_to_stage(
        opportunity=o, stage=default_stage("Negotiations"), moved_by=user
    ),
    "edit": lambda o, user: opportunity_update(opportunity=o, updated_by=user, title="Other"),
    "tag": lambda o, user: opportunity_add_tag(opportunity=o, tag_name="busy", added_by=user),
    "member": lambda o, user: opportunity_add_member(
        opportunity=o, contact=PersonFactory(created_by=user), added_by=user
    ),
    "access": lambda o, user: opportunity_set_access(
        opportunity=o, is_private=True, access_list=[], set_by=user
    ),
    "create": lambda o, user: opportunity_create(created_by=user, title="Created meanwhile"),
    "delete": lambda o, user: opportunity_delete(opportunity=o, deleted_by=user),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_to_another_opportunity_commits_when_one_is_held_open(write, user):
    held, other = OpportunityFactory(created_by=user), OpportunityFactory(created_by=user)
    wrote = threading.Event()
    other_done = threading.Event()
    holder_open_when_other_committed: list[bool] = []
    holder_closed = threading.Event()

    def holder():
        try:
            with transaction.atomic():
                opportunity_move_to_stage(
                    opportunity=held, stage=default_stage("Proposal"), moved_by=user
                )
                wrote.set()
                other_done.wait(10)  # keeps every lock it took until the other is done
        finally:
            holder_closed.set()
            wrote.set()

    def writer():
        try:
            wrote.wait(5)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                WRITES[write](Opportunity.objects.get(pk=other.pk), user)
            holder_open_when_other_committed.append(not holder_closed.is_set())
        finally:
            other_done.set()

    errors = run_in_threads(holder, writer)

    assert errors == []
    assert holder_open_when_other_committed == [True]
    assert Opportunity.objects.get(pk=held.pk).stage == default_stage("Proposal")
