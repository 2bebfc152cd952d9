"""Assigning a task mails the new responsible after the commit (never the one who assigned it
to themselves); a failing mail server never undoes the task. `send_task_reminders` mails each
due reminder once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone

from activities.models import Task
from tests.activities.task_factories import API, TaskFactory, task_category


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def _payload(**extra) -> dict:
    return {
        "title": "Send the contract",
        "deadline": "2030-05-06T12:00:00Z",
        "categoryId": task_category("Email").pk,
        **extra,
    }


def test_create_mails_the_responsible_on_commit_when_someone_else_assigns(
    user_client, other_user, opportunity, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = user_client.post(
            f"{API}task",
            _payload(
                responsibleId=str(other_user.uuid),
                entityType="opportunity",
                entityId=opportunity.pk,
            ),
            format="json",
        )
        assert response.status_code == 201
        assert mail.outbox == []  # not before the commit
    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [other_user.email]
    assert "Send the contract" in message.subject
    assert "Public deal" in message.body


def test_create_mails_nobody_when_the_caller_is_the_responsible(
    user_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert user_client.post(f"{API}task", _payload(), format="json").status_code == 201

    assert mail.outbox == []


def test_update_mails_the_new_responsible_only_when_the_responsible_changes(
    user_client, user, other_user, third_user, django_capture_on_commit_callbacks
):
    task = TaskFactory(created_by=user)

    with django_capture_on_commit_callbacks(execute=True):
        user_client.put(f"{API}task/{task.pk}", {"title": "Renamed"}, format="json")
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        user_client.put(
            f"{API}task/{task.pk}", {"responsibleId": str(third_user.uuid)}, format="json"
        )
    assert [m.to for m in mail.outbox] == [[third_user.email]]


def test_failing_mail_server_keeps_the_task_when_assigning(
    user_client, other_user, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            f"{API}task", _payload(responsibleId=str(other_user.uuid)), format="json"
        )

    assert response.status_code == 201
    assert Task.objects.get().responsible == other_user


def test_refused_create_mails_nobody_when_the_request_is_invalid(
    user_client, other_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            f"{API}task",
            _payload(responsibleId=str(other_user.uuid), deadline="not a date"),
            format="json",
        )

    assert response.status_code == 400
    assert mail.outbox == []


# -- reminders --------------------------------------------------------------------------------


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run `send_task_reminders` as cron does (its mail goes out once it commits)."""

    def run(**options) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_task_reminders", stdout=out, **options)
        return out.getvalue()

    return run


@pytest.fixture
def due_task(user, other_user):
    """A task of `other_user` due in 20 minutes, with a 30-minute alert: its reminder is due."""
    deadline = timezone.now() + timedelta(minutes=20)
    return TaskFactory(
        created_by=user,
        responsible=other_user,
        deadline=deadline,
        alert_minutes=30,
        remind_at=deadline - timedelta(minutes=30),
    )


def test_reminders_mail_the_responsible_once_when_run_twice(due_task, other_user, remind):
    assert "1 task reminder sent" in remind()
    assert "0 task reminders sent" in remind()

    assert [m.to for m in mail.outbox] == [[other_user.email]]
    assert "Reminder" in mail.outbox[0].subject
    due_task.refresh_from_db()
    assert due_task.reminded_at is not None


def test_reminders_skip_tasks_whose_time_has_not_come_or_that_are_closed(user, remind):
    deadline = timezone.now() + timedelta(hours=3)
    TaskFactory(created_by=user, deadline=deadline, alert_minutes=30, remind_at=deadline)
    TaskFactory(
        created_by=user,
        deadline=timezone.now(),
        alert_minutes=30,
        remind_at=timezone.now() - timedelta(minutes=30),
        is_closed=True,
    )
    TaskFactory(created_by=user, deadline=timezone.now())  # no alert

    assert "0 task reminders sent" in remind()
    assert mail.outbox == []


def test_reminder_is_sent_again_when_the_deadline_moves_after_it_was_sent(
    due_task, client_for, user, remind
):
    remind()
    new_deadline = (timezone.now() + timedelta(minutes=10)).isoformat()

    response = client_for(user).put(
        f"{API}task/{due_task.pk}", {"deadline": new_deadline}, format="json"
    )

    assert response.status_code == 200
    due_task.refresh_from_db()
    assert due_task.reminded_at is None
    assert "1 task reminder sent" in remind()
    assert len(mail.outbox) == 2


def test_api_alert_value_sets_the_reminder_time_when_creating(user_client):
    response = user_client.post(f"{API}task", _payload(alertValue=60), format="json")

    task = Task.objects.get(pk=response.json()["response"]["id"])
    assert task.remind_at == task.deadline - timedelta(minutes=60)
    assert response.json()["response"]["alertValue"] == 60


def test_reminders_skip_a_trashed_deal_when_its_task_is_due(due_task, opportunity, remind):
    Task.objects.filter(pk=due_task.pk).update(opportunity=opportunity)
    type(opportunity).all_objects.filter(pk=opportunity.pk).update(deleted_at=timezone.now())

    assert "0 task reminders sent" in remind()
