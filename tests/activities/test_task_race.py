"""Concurrent writes on one task, or on the tasks of one deal, lose nothing (PostgreSQL with
threads; SQLite serializes its writers): the row lock makes each write start from the other's
result, and the deal's lock keeps its next task date the earliest of all."""

from datetime import timedelta

import pytest
from django.utils import timezone

from activities.models import Task
from opportunities.models import Opportunity
from tests.activities.task_factories import API, TaskCategoryFactory, TaskFactory
from tests.concurrency import NO_RACE_TO_LOSE, answers_at_once, postgresql_only
from tests.factories import OpportunityFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    postgresql_only(NO_RACE_TO_LOSE),
]


def _race(requests) -> list:
    """Send each `request()` from its own thread, all released at once; their status codes."""
    return [response.status_code for response in answers_at_once(*requests, timeout=60)]


@pytest.mark.parametrize("round_", range(3))
def test_two_updates_of_one_task_keep_both_fields_when_sent_at_once(client_for, user, round_):
    task = TaskFactory(created_by=user, category=TaskCategoryFactory())
    first, second = client_for(user), client_for(user)

    results = _race(
        [
            lambda: first.put(f"{API}task/{task.pk}", {"title": "New title"}, format="json"),
            lambda: second.put(
                f"{API}task/{task.pk}", {"description": "New description"}, format="json"
            ),
        ]
    )

    assert results == [200, 200]
    task.refresh_from_db()
    assert (task.title, task.description, task.version) == ("New title", "New description", 3)


@pytest.mark.parametrize("round_", range(3))
def test_close_and_update_at_once_keep_both_when_sent_together(client_for, user, round_):
    task = TaskFactory(created_by=user, category=TaskCategoryFactory())
    first, second = client_for(user), client_for(user)

    results = _race(
        [
            lambda: first.put(f"{API}task/{task.pk}/close"),
            lambda: second.put(f"{API}task/{task.pk}", {"title": "Renamed"}, format="json"),
        ]
    )

    assert results == [200, 200]
    task.refresh_from_db()
    assert (task.is_closed, task.title) == (True, "Renamed")


def test_creates_on_one_deal_at_once_leave_the_earliest_date_when_all_commit(client_for, user):
    category = TaskCategoryFactory()
    deal = OpportunityFactory(created_by=user)
    base = timezone.now().replace(microsecond=0) + timedelta(days=10)
    clients = [client_for(user) for _ in range(8)]

    def create(client, days):
        return lambda: client.post(
            f"{API}task",
            {
                "title": f"Step {days}",
                "deadline": (base + timedelta(days=days)).isoformat(),
                "categoryId": category.pk,
                "entityType": "opportunity",
                "entityId": deal.pk,
            },
            format="json",
        )

    results = _race([create(client, days) for days, client in enumerate(clients)])

    assert results == [201] * len(clients)
    assert Task.objects.filter(opportunity=deal).count() == len(clients)
    assert Opportunity.objects.get(pk=deal.pk).next_task_due == base


def test_closing_tasks_of_one_deal_at_once_clears_the_date_when_all_are_closed(client_for, user):
    category = TaskCategoryFactory()
    deal = OpportunityFactory(created_by=user)
    tasks = [TaskFactory(created_by=user, opportunity=deal, category=category) for _ in range(6)]
    Opportunity.objects.filter(pk=deal.pk).update(
        next_task_due=min(task.deadline for task in tasks)
    )
    clients = [client_for(user) for _ in tasks]

    results = _race(
        [
            (lambda c=client, t=task: c.put(f"{API}task/{t.pk}/close"))
            for client, task in zip(clients, tasks, strict=True)
        ]
    )

    assert results == [200] * len(tasks)
    assert Opportunity.objects.get(pk=deal.pk).next_task_due is None
