"""Task writes on a deal that is being trashed and purged (or restored) at the same moment, on
PostgreSQL (row locks are a no-op on SQLite). Every task write locks the deal before the task,
in the order `purge_trash` takes them (the deals, then their tasks as it deletes them), so the
two wait for each other instead of deadlocking: each ends in a success or a domain error
(the task or the deal is gone), never a database error, and no task outlives its deal."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from activities.models import Task
from activities.task_services import task_close, task_create, task_delete, task_update
from core.errors import InvalidInput, NotFound
from opportunities.models import Opportunity
from opportunities.services import opportunity_delete
from opportunities.trash_services import opportunity_restore, trash_purge
from tests.activities.task_factories import TaskCategoryFactory, TaskFactory
from tests.concurrency import NO_ROW_LOCKS, postgresql_only, run_at_once, run_in_threads
from tests.factories import OpportunityFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    postgresql_only(NO_ROW_LOCKS),
]

ROUNDS = 15


def _gone(exc: Exception) -> bool:
    """The domain's answers for a deal or a task that went meanwhile: TaskNotFound, or the
    400 "the opportunity (field) was not found" of a create."""
    return isinstance(exc, NotFound) or (
        isinstance(exc, InvalidInput) and exc.field == "opportunity"
    )


def _deal_with_task(user):
    deal = OpportunityFactory(created_by=user)
    task = TaskFactory(created_by=user, opportunity=deal, category=TaskCategoryFactory())
    return deal, task


def _task_writes(user, deal, task):
    """Each task write of the services, on `task` of `deal`."""
    deadline = timezone.now() + timedelta(days=2)
    return {
        "create": lambda: task_create(
            created_by=user,
            title="Follow up",
            deadline=deadline,
            category=task.category_id,
            opportunity=deal.pk,
        ),
        "update": lambda: task_update(
            task_id=task.pk, updated_by=user, title="Renamed", deadline=deadline
        ),
        "close": lambda: task_close(task_id=task.pk, closed_by=user),
        "delete": lambda: task_delete(task_id=task.pk, deleted_by=user),
    }


def _assert_no_orphans():
    live_or_trashed = Opportunity.all_objects.values("pk")
    assert (
        not Task.objects.filter(opportunity__isnull=False)
        .exclude(opportunity_id__in=live_or_trashed)
        .exists()
    )


@pytest.mark.parametrize("write", ["create", "update", "close", "delete"])
def test_task_write_waits_for_a_purge_that_began_after_it_read_the_deal(user, write):
    """The worst interleaving, made certain: the deal is moved to the trash in a transaction
    that has not committed yet (so the task write still reads the deal as live), then that
    transaction purges it, deleting its tasks, while the task write is waiting for the deal."""
    deal, task = _deal_with_task(user)
    trashed = threading.Event()

    def trash_then_purge():
        try:
            with transaction.atomic():
                opportunity_delete(opportunity=deal, deleted_by=user)
                trashed.set()
                time.sleep(0.5)  # the task write has read the live deal and now waits
                trash_purge(older_than_days=0)
        finally:
            trashed.set()

    def task_write():
        trashed.wait(5)
        _task_writes(user, deal, task)[write]()

    errors = run_in_threads(trash_then_purge, task_write, timeout=60)

    assert [exc for exc in errors if not _gone(exc)] == []
    assert not Opportunity.all_objects.filter(pk=deal.pk).exists()
    assert not Task.objects.filter(opportunity_id=deal.pk).exists()
    _assert_no_orphans()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_task_writes_trash_purge_and_restore_at_once_end_in_domain_answers(user, round_):
    deal, task = _deal_with_task(user)
    other = TaskFactory(created_by=user, opportunity=deal, category=task.category)
    writes = _task_writes(user, deal, task)

    def trash_and_purge():
        opportunity_delete(opportunity=deal, deleted_by=user)
        trash_purge(older_than_days=0)

    def trash_and_restore():
        opportunity_delete(opportunity=deal, deleted_by=user)
        opportunity_restore(opportunity_id=deal.pk, restored_by=user)

    trash = trash_and_purge if round_ % 2 else trash_and_restore
    errors = run_at_once(
        trash,
        writes["create"],
        writes["update"],
        writes["close"],
        lambda: task_close(task_id=other.pk, closed_by=user),
        timeout=60,
    )

    assert [exc for exc in errors if not _gone(exc)] == []
    _assert_no_orphans()
    if trash is trash_and_purge:
        assert not Opportunity.all_objects.filter(pk=deal.pk).exists()
        assert not Task.objects.filter(opportunity_id=deal.pk).exists()
    else:
        assert Opportunity.objects.filter(pk=deal.pk).exists()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_tasks_moved_between_two_deals_at_once_all_commit(user, round_):
    """Deals before tasks, all of a write's deals in one go: two tasks swapping deals at once,
    and a close of one of them while it moves, wait for each other and all commit."""
    first_deal, first = _deal_with_task(user)
    second_deal = OpportunityFactory(created_by=user)
    second = TaskFactory(created_by=user, opportunity=second_deal, category=first.category)

    errors = run_at_once(
        lambda: task_update(task_id=first.pk, updated_by=user, opportunity=second_deal.pk),
        lambda: task_update(task_id=second.pk, updated_by=user, opportunity=first_deal.pk),
        lambda: task_close(task_id=first.pk, closed_by=user),
        timeout=60,
    )

    assert errors == []
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.opportunity_id, first.is_closed) == (second_deal.pk, True)
    assert second.opportunity_id == first_deal.pk
