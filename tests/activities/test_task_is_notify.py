"""`isNotify` on the task routes: an explicit false assigns without mailing the responsible;
absent (or true) mails the new responsible after the commit, as the pages always do. Sent as
JSON or as a form, with or without the `.json` suffix."""

from urllib.parse import urlencode

import pytest
from django.core import mail
from django.urls import reverse

from activities.models import Task
from tests.activities.task_factories import API, TaskFactory, task_category
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

# (isNotify as sent, or None for absent; whether the responsible is mailed)
NOTIFY_CASES = [(None, True), ("true", True), ("false", False)]
NOTIFY_IDS = ["absent", "true", "false"]


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """`send(client, method, path, data, body)`: one request as a client sends it (`body`
    "json" or "form"), its on-commit mail run; returns the response."""

    def run(client, method, path, data, body):
        call = getattr(client, method)
        with django_capture_on_commit_callbacks(execute=True):
            if body == "json":
                return call(path, data, format="json")
            return call(
                path,
                urlencode(data, doseq=True),
                content_type="application/x-www-form-urlencoded",
            )

    return run


def _with_notify(data: dict, is_notify: str | None, body: str) -> dict:
    if is_notify is None:
        return data
    return {**data, "isNotify": is_notify == "true" if body == "json" else is_notify}


def _new_task(responsible) -> dict:
    return {
        "title": "Send the offer",
        "deadline": "2030-05-06T12:00:00Z",
        "categoryId": task_category("Email").pk,
        "responsibleId": str(responsible.uuid),
    }


@pytest.mark.parametrize("suffix", ["", ".json"])
@pytest.mark.parametrize("body", ["json", "form"])
@pytest.mark.parametrize(("is_notify", "mailed"), NOTIFY_CASES, ids=NOTIFY_IDS)
def test_create_mails_the_responsible_unless_is_notify_is_false(
    send, user_client, other_user, suffix, body, is_notify, mailed
):
    data = _with_notify(_new_task(other_user), is_notify, body)

    response = send(user_client, "post", f"{API}task{suffix}", data, body)

    assert response.status_code == 201, response.json()
    assert Task.objects.get().responsible == other_user
    assert [m.to for m in mail.outbox] == ([[other_user.email]] if mailed else [])


@pytest.mark.parametrize("suffix", ["", ".json"])
@pytest.mark.parametrize("body", ["json", "form"])
@pytest.mark.parametrize(("is_notify", "mailed"), NOTIFY_CASES, ids=NOTIFY_IDS)
def test_handing_a_task_on_mails_the_new_responsible_unless_is_notify_is_false(
    send, user_client, user, third_user, suffix, body, is_notify, mailed
):
    task = TaskFactory(created_by=user)
    data = _with_notify({"responsibleId": str(third_user.uuid)}, is_notify, body)

    response = send(user_client, "put", f"{API}task/{task.pk}{suffix}", data, body)

    assert response.status_code == 200, response.json()
    task.refresh_from_db()
    assert task.responsible == third_user
    assert [m.to for m in mail.outbox] == ([[third_user.email]] if mailed else [])


@pytest.mark.parametrize("body", ["json", "form"])
def test_is_notify_true_mails_nobody_when_the_responsible_stays(send, user_client, user, body):
    task = TaskFactory(created_by=user, responsible=user)
    data = _with_notify({"title": "Renamed"}, "true", body)

    response = send(user_client, "put", f"{API}task/{task.pk}.json", data, body)

    assert response.status_code == 200
    assert mail.outbox == []


@pytest.mark.parametrize("body", ["json", "form"])
@pytest.mark.parametrize(("is_notify", "mailed"), NOTIFY_CASES, ids=NOTIFY_IDS)
def test_group_create_mails_per_task_unless_is_notify_is_false(
    send, user_client, user, other_user, body, is_notify, mailed
):
    people = [PersonFactory(created_by=user), PersonFactory(created_by=user)]
    data = _with_notify(
        {**_new_task(other_user), "contactId": [person.pk for person in people]}, is_notify, body
    )

    response = send(user_client, "post", f"{API}contact/task/group.json", data, body)

    assert response.status_code == 201, response.json()
    assert Task.objects.count() == 2
    assert len(mail.outbox) == (2 if mailed else 0)


@pytest.mark.parametrize("body", ["json", "form"])
def test_bad_is_notify_is_a_400_and_changes_nothing(send, user_client, other_user, body):
    data = {**_new_task(other_user), "isNotify": "maybe"}

    response = send(user_client, "post", f"{API}task.json", data, body)

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "isNotify"
    assert not Task.objects.exists()
    assert mail.outbox == []


def test_the_timeline_form_still_mails_the_responsible_when_it_assigns(
    client, user, other_user, opportunity, django_capture_on_commit_callbacks
):
    client.force_login(user)
    form = {
        "title": "Call the buyer",
        "deadline": "2030-05-06",
        "responsible": other_user.pk,
        "category": task_category().pk,
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("timeline_task_add", args=[opportunity.pk]), form)

    assert response.status_code == 302
    assert Task.objects.get().responsible == other_user
    assert [m.to for m in mail.outbox] == [[other_user.email]]
