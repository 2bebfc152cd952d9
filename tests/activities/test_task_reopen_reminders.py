"""Reopening a task and its reminder: a reminder time still ahead is mailed when it comes; one
that passed (while the task was closed, or mailed before it was closed) is not mailed late at
the next `send_task_reminders`, until a new deadline or alert sets a new time."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.activities.task_factories import API, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run `send_task_reminders` as cron does (its mail goes out once it commits); returns
    the number of mails sent by this run."""

    def run() -> int:
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_task_reminders", stdout=StringIO())
        return len(mail.outbox) - before

    return run


def _task(user, other_user, *, remind_in: timedelta, **extra):
    """A task of `other_user` with a 30-minute alert whose reminder is due in `remind_in`."""
    deadline = timezone.now() + remind_in + timedelta(minutes=30)
    return TaskFactory(
        created_by=user,
        responsible=other_user,
        deadline=deadline,
        alert_minutes=30,
        remind_at=deadline - timedelta(minutes=30),
        **extra,
    )


def _close(client, task):
    assert client.put(f"{API}task/{task.pk}/close", format="json").status_code == 200


def _reopen(client, task):
    response = client.put(f"{API}task/{task.pk}/reopen", format="json")
    assert response.status_code == 200
    assert response.json()["response"]["isClosed"] is False


def test_no_late_reminder_when_its_time_passed_while_the_task_was_closed(
    user, other_user, user_client, remind
):
    # closed before its reminder was due, reopened after: the deadline is still ahead
    task = _task(user, other_user, remind_in=-timedelta(minutes=10), is_closed=True)

    _reopen(user_client, task)

    assert remind() == 0
    assert mail.outbox == []


def test_no_second_reminder_when_a_reminded_task_is_closed_and_reopened(
    user, other_user, user_client, remind
):
    task = _task(user, other_user, remind_in=-timedelta(minutes=10))
    assert remind() == 1

    _close(user_client, task)
    _reopen(user_client, task)

    assert remind() == 0
    assert [m.to for m in mail.outbox] == [[other_user.email]]


def test_no_reminder_when_a_long_gone_deadline_is_reopened(user, other_user, user_client, remind):
    task = _task(user, other_user, remind_in=-timedelta(days=40), is_closed=True)

    _reopen(user_client, task)

    assert remind() == 0


def test_reminder_comes_when_its_time_comes_when_reopened_before_it(
    user, other_user, user_client, remind, monkeypatch
):
    task = _task(user, other_user, remind_in=timedelta(hours=2))
    _close(user_client, task)
    _reopen(user_client, task)
    assert remind() == 0  # not yet

    later = timezone.now() + timedelta(hours=2, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert remind() == 1
    assert "Reminder" in mail.outbox[0].subject
    assert mail.outbox[0].to == [other_user.email]


def test_new_deadline_sets_a_new_reminder_when_the_reopened_one_had_passed(
    user, other_user, user_client, remind
):
    task = _task(user, other_user, remind_in=-timedelta(minutes=10), is_closed=True)
    _reopen(user_client, task)
    assert remind() == 0

    soon = (timezone.now() + timedelta(minutes=10)).isoformat()
    response = user_client.put(f"{API}task/{task.pk}", {"deadline": soon}, format="json")
    assert response.status_code == 200

    assert remind() == 1
