"""Concurrent writers on PostgreSQL (row locks are a no-op on SQLite).

A multi-row service takes all its row locks, in primary-key order
(`opportunities/lock_objects.py`), before its first write, so it waits for a transaction that
holds one of its rows and then writes, instead of deadlocking with it."""

import threading
import time

import pytest
from django.db import transaction

from opportunities.models import Opportunity
from opportunities.services import (
    opportunity_move_to_stage,
    opportunity_set_access_many,
    opportunity_tag_add_many,
)
from tests.concurrency import NO_ROW_LOCKS, postgresql_only, run_at_once, run_in_threads
from tests.factories import OpportunityFactory, default_stage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    postgresql_only(NO_ROW_LOCKS),
]


def _race(*, hold_row: Opportunity, writer_in_holder, batch) -> list[Exception]:
    """One thread locks `hold_row`, waits until the batch is under way, then writes it and
    commits; the other runs `batch`, which needs that row too. Returns what either raised."""
    holding = threading.Event()

    def holder():
        try:
            with transaction.atomic():
                Opportunity.objects.select_for_update().get(pk=hold_row.pk)
                holding.set()
                time.sleep(0.5)  # the batch is now waiting for this row (or deadlocked)
                writer_in_holder()
        finally:
            holding.set()

    def batcher():
        holding.wait(5)
        batch()

    return run_in_threads(holder, batcher)


def test_batch_access_waits_instead_of_deadlocking_when_another_transaction_writes_its_row(user):
    first = OpportunityFactory(title="First", created_by=user)
    second = OpportunityFactory(title="Second", created_by=user)
    proposal = default_stage("Proposal")

    errors = _race(
        hold_row=second,
        writer_in_holder=lambda: opportunity_move_to_stage(
            opportunity=second, stage=proposal, moved_by=user
        ),
        batch=lambda: opportunity_set_access_many(
            opportunities=[first, second], is_private=True, access_list=[], set_by=user
        ),
    )

    assert errors == []
    assert set(Opportunity.objects.values_list("title", "is_private")) == {
        ("First", True),
        ("Second", True),
    }
    assert Opportunity.objects.get(pk=second.pk).stage == proposal


def test_batch_tagging_waits_instead_of_deadlocking_when_another_transaction_writes_its_row(user):
    first = OpportunityFactory(title="First", created_by=user)
    second = OpportunityFactory(title="Second", created_by=user)
    proposal = default_stage("Proposal")

    errors = _race(
        hold_row=second,
        writer_in_holder=lambda: opportunity_move_to_stage(
            opportunity=second, stage=proposal, moved_by=user
        ),
        batch=lambda: opportunity_tag_add_many(
            opportunity_ids=[first.pk, second.pk], tag_name="brand-new tag", added_by=user
        ),
    )

    assert errors == []
    for opportunity in (first, second):
        assert list(opportunity.tags.values_list("title", flat=True)) == ["brand-new tag"]
    assert Opportunity.objects.get(pk=second.pk).stage == proposal


def test_concurrent_moves_of_one_opportunity_keep_both_history_rows_when_racing(user):
    opportunity = OpportunityFactory(created_by=user)
    stages = [default_stage("Proposal"), default_stage("Negotiations")]

    errors = run_at_once(
        *(
            lambda stage=stage: opportunity_move_to_stage(
                opportunity=opportunity, stage=stage, moved_by=user
            )
            for stage in stages
        ),
        wait=5,
    )

    assert errors == []
    history = list(opportunity.stage_changes.order_by("changed_at", "id"))
    moves = [change for change in history if change.from_stage_id is not None]
    assert len(moves) == 2
    # The second move starts from where the first one left it: no lost update.
    assert moves[1].from_stage == moves[0].to_stage
    assert Opportunity.objects.get(pk=opportunity.pk).stage == moves[1].to_stage
