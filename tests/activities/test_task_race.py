"""Concurrent writes on one task, or on the tasks of one deal, lose nothing (PostgreSQL with
threads; SQLite serializes its writers): the row lock makes each write start from the other's
result, and the deal's lock keeps its next task date the earliest of all."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue
from activities.models import Task
from opportunities.models import Opportunity
from tests.activities.task_factories import API, TaskCategoryFactory, TaskFactory
from tests.factories import OpportunityFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serializes writers: no race to lose"
    ),
]


def _race(requests) -> list:
    """Run each `request()` in its own thread, all released at once."""
    start = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(index, request):
        try:
            start.wait(10)
            results[index] = request().status_code
        except Exception as exc:  # reported by the assertion
            results[index] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _client(user) -> APIClient:
    token, _ = token_issue(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token)
    return client


@pytest.mark.parametrize("round_", range(3))
def test_two_updates_of_one_task_keep_both_fields_when_sent_at_once(user, round_):
    task = TaskFactory(created_by=user, category=TaskCategoryFactory())
    first, second = _client(user), _client(user)

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
def test_close_and_update_at_once_keep_both_when_sent_together(user, round_):
    task = TaskFactory(created_by=user, category=TaskCategoryFactory())
    first, second = _client(user), _client(user)

    results = _race(
        [
            lambda: first.put(f"{API}task/{task.pk}/close"),
            lambda: second.put(f"{API}task/{task.pk}", {"title": "Renamed"}, format="json"),
        ]
    )

    assert results == [200, 200]
    task.refresh_from_db()
    assert (task.is_closed, task.title) == (True, "Renamed")


def test_creates_on_one_deal_at_once_leave_the_earliest_date_when_all_commit(user):
    category = TaskCategoryFactory()
    deal = OpportunityFactory(created_by=user)
    base = timezone.now().replace(microsecond=0) + timedelta(days=10)
    clients = [_client(user) for _ in range(8)]

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


def test_closing_tasks_of_one_deal_at_once_clears_the_date_when_all_are_closed(user):
    category = TaskCategoryFactory()
    deal = OpportunityFactory(created_by=user)
    tasks = [TaskFactory(created_by=user, opportunity=deal, category=category) for _ in range(6)]
    Opportunity.objects.filter(pk=deal.pk).update(
        next_task_due=min(task.deadline for task in tasks)
    )
    clients = [_client(user) for _ in tasks]

    results = _race(
        [
            (lambda c=client, t=task: c.put(f"{API}task/{t.pk}/close"))
            for client, task in zip(clients, tasks, strict=True)
        ]
    )

    assert results == [200] * len(tasks)
    assert Opportunity.objects.get(pk=deal.pk).next_task_due is None
