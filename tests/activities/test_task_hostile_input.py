"""Bad input to the task routes: a 400 in the error envelope naming the parameter (404 for an
unknown category, as ONLYOFFICE), nothing stored or changed, never a 500."""

import pytest

from activities.models import Task, TaskCategory
from tests.activities.task_factories import API, TaskFactory, task_category

HUGE = "9" * 40
BIG = 2**62  # fits the id columns, matches nothing


def _payload(**overrides) -> dict:
    return {
        "title": "Fine",
        "deadline": "2030-01-01T09:00:00Z",
        "categoryId": task_category().pk,
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 256}, "title"),
        ({"title": "nul\x00byte"}, "title"),
        ({"description": "bell\x07"}, "description"),
        ({"deadline": "not a date"}, "deadline"),
        ({"deadline": "2030-02-30"}, "deadline"),
        ({"deadline": "0001-01-01T00:00:00.0000000Z"}, "deadline"),  # DateTime.MinValue: none
        ({"deadline": "9999-12-31T23:59:59-14:00"}, "deadline"),
        ({"deadline": "12/31/2030 extra"}, "deadline"),
        ({"categoryId": 0}, "categoryId"),
        ({"categoryId": -1}, "categoryId"),
        ({"categoryId": HUGE}, "categoryId"),
        ({"categoryId": "call"}, "categoryId"),
        ({"alertValue": -5}, "alertValue"),
        ({"alertValue": HUGE}, "alertValue"),
        ({"alertValue": 2**40}, "alertValue"),
        ({"alertValue": "soon"}, "alertValue"),
        ({"entityType": "opportunity", "entityId": HUGE}, "entityId"),
        ({"entityType": "opportunity", "entityId": BIG}, "entityId"),
        ({"entityType": "opportunity", "entityId": -3}, "entityId"),
        ({"entityType": "case", "entityId": 3}, "entityId"),
        ({"contactId": HUGE}, "contactId"),
        ({"contactId": BIG}, "contactId"),
        ({"responsibleId": "not-a-guid"}, "responsibleId"),
        ({"responsibleId": "4a515a15-d4d6-4b8e-828e-e0586f18f3a3"}, "responsibleId"),
        ({"isNotify": "maybe"}, "isNotify"),
    ],
)
def test_create_refuses_bad_input_and_stores_nothing(user_client, overrides, field):
    response = user_client.post(f"{API}task", _payload(**overrides), format="json")

    assert response.status_code == 400, response.json()
    assert response.json()["error"]["data"]["field"] == field
    assert not Task.objects.exists()


def test_create_is_404_when_the_category_id_is_large_and_unknown(user_client):
    response = user_client.post(f"{API}task", _payload(categoryId=BIG), format="json")

    assert response.status_code == 404
    assert not Task.objects.exists()


def test_create_takes_a_deadline_late_in_9999_and_a_huge_alert_when_storable(user_client):
    response = user_client.post(
        f"{API}task",
        _payload(deadline="9999-12-30T00:00:00Z", alertValue=2**31 - 1),
        format="json",
    )

    assert response.status_code == 201
    assert Task.objects.get().alert_minutes == 2**31 - 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "nul\x00"}, "title"),
        ({"deadline": ""}, "deadline"),
        ({"deadline": "yesterday"}, "deadline"),
        ({"categoryId": 0}, "categoryId"),
        ({"alertValue": -1}, "alertValue"),
        ({"responsibleId": "nope"}, "responsibleId"),
    ],
)
def test_update_refuses_bad_input_and_changes_nothing(user_client, user, body, field):
    task = TaskFactory(created_by=user, title="Keep")

    response = user_client.put(
        f"{API}task/{task.pk}", {**body, "description": "new"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == field
    task.refresh_from_db()
    assert (task.title, task.description, task.version) == ("Keep", "", 1)


@pytest.mark.parametrize("task_id", [HUGE, "0"])
def test_routes_with_a_bad_task_id_are_400(user_client, task_id):
    for method, suffix in (("get", ""), ("put", ""), ("put", "/close"), ("delete", "")):
        response = getattr(user_client, method)(f"{API}task/{task_id}{suffix}")
        assert response.status_code == 400, (method, suffix)


@pytest.mark.parametrize(
    "query",
    [
        {"startIndex": HUGE},
        {"startIndex": -1},
        {"count": -1},
        {"fromDate": "soon"},
        {"toDate": "9999-99-99"},
        {"responsibleid": "nobody"},
        {"categoryid": HUGE},
        {"entityid": HUGE, "entityType": "opportunity"},
        {"isClosed": "perhaps"},
        {"filterValue": "nul\x00"},
        {"filterValue": "word " * 21},
        {"filterValue": "x" * 1001},
        {"sortBy": "salary"},
    ],
)
def test_filter_refuses_bad_parameters_with_400(user_client, db, query):
    response = user_client.get(f"{API}task/filter", query)

    assert response.status_code == 400, response.json()


def test_filter_takes_large_ids_and_answers_nothing_when_they_match_nothing(user_client, user):
    TaskFactory(created_by=user)

    response = user_client.get(
        f"{API}task/filter",
        {"categoryid": BIG, "entityType": "contact", "entityid": BIG, "startIndex": 2**31 - 1},
    )

    assert response.status_code == 200
    assert response.json()["response"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 256}, "title"),
        ({"title": "nul\x00"}, "title"),
        ({"title": "Fine", "sortOrder": HUGE}, "sortOrder"),
        ({"title": "Fine", "sortOrder": 2**40}, "sortOrder"),
        ({"title": "Fine", "imageName": "y" * 101}, "imageName"),
    ],
)
def test_category_create_refuses_bad_input(admin_client, body, field):
    response = admin_client.post(f"{API}task/category", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == field
    assert TaskCategory.objects.count() == 12


def test_category_reorder_and_delete_refuse_hostile_values(admin_client, user):
    category = task_category()
    TaskFactory(created_by=user, category=category)

    reorder = admin_client.put(
        f"{API}task/category/reorder", {"titles": ["x" * 5000]}, format="json"
    )
    delete = admin_client.delete(f"{API}task/category/{category.pk}?newcategoryid={HUGE}")

    assert reorder.status_code == 400
    assert delete.status_code == 400
    assert TaskCategory.objects.filter(pk=category.pk).exists()
