"""Bad input to the history routes: a 400 in the error envelope naming the parameter, nothing
stored, never a 500."""

import pytest

from activities.models import HistoryCategory, HistoryEvent
from tests.activities.history_factories import history_category

API = "/api/2.0/crm/"
HUGE = "9" * 40


def _post(client, opportunity, **overrides):
    body = {
        "entityType": "opportunity",
        "entityId": opportunity.pk,
        "content": "Fine",
        "categoryId": history_category().pk,
        **overrides,
    }
    return client.post(f"{API}history", body, format="json")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"content": ""}, "content"),
        ({"content": "   \n "}, "content"),
        ({"content": "x" * 65001}, "content"),
        ({"content": "nul\x00byte"}, "content"),
        ({"categoryId": 0}, "categoryId"),
        ({"categoryId": 999}, "categoryId"),
        ({"categoryId": -3}, "categoryId"),  # Mail Message: no mail module here
        ({"categoryId": HUGE}, "categoryId"),
        ({"categoryId": "note"}, "categoryId"),
        ({"entityId": HUGE}, "entityId"),
        ({"entityId": 999999}, "entityId"),
        ({"entityType": "case"}, "entityType"),
        ({"entityType": "contact"}, "entityType"),
        ({"entityType": "", "entityId": 0}, "entityId"),
        ({"created": "yesterday"}, "created"),
        ({"created": "2026-02-30"}, "created"),
        ({"created": "99999-01-01"}, "created"),
        ({"fileId": [1]}, "fileId"),
        ({"notifyUserList": ["not-a-guid"]}, "notifyUserList"),
        ({"notifyUserList": ["00000000-0000-0000-0000-000000000001"]}, "notifyUserList"),
    ],
)
def test_add_refuses_bad_input_and_stores_nothing(user_client, opportunity, overrides, field):
    response = _post(user_client, opportunity, **overrides)

    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["status"] == 1
    if field:
        assert body["error"]["data"]["field"] == field
    assert not HistoryEvent.objects.exists()


def test_add_takes_content_of_exactly_the_limit(user_client, opportunity):
    response = _post(user_client, opportunity, content="x" * 65000)

    assert response.status_code == 201
    assert len(HistoryEvent.objects.get().content) == 65000


def test_add_with_neither_deal_nor_contact_is_400(user_client, db):
    response = user_client.post(
        f"{API}history", {"content": "x", "categoryId": history_category().pk}
    )

    assert response.status_code == 400
    assert not HistoryEvent.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "entityType=opportunity&entityId=" + HUGE,
        "categoryId=" + HUGE,
        "createBy=nobody",
        "fromDate=notadate",
        "toDate=2026-13-01",
        "startIndex=-1",
        "startIndex=" + HUGE,
        "count=-5",
        "filterValue=%00",
    ],
)
def test_filter_refuses_bad_parameters_with_400(user_client, db, query):
    response = user_client.get(f"{API}history/filter?{query}")

    assert response.status_code == 400, response.json()
    assert response.json()["status"] == 1


@pytest.mark.parametrize("text", ["word " * 2000, "x" * 100000])
def test_filter_with_a_huge_search_text_is_400(user_client, opportunity, text):
    response = user_client.get(f"{API}history/filter", {"filterValue": text})

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "filterValue"


def test_filter_takes_a_search_of_twenty_words(user_client, opportunity):
    response = user_client.get(f"{API}history/filter", {"filterValue": "word " * 20})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x" * 300}, "title"),
        ({"title": "ok", "sortOrder": HUGE}, "sortOrder"),
        ({"title": "ok", "sortOrder": 2**40}, "sortOrder"),
        ({"title": "bad\x00title"}, "title"),
        ({"title": "ok", "imageName": "x" * 200}, "imageName"),
    ],
)
def test_category_create_refuses_bad_input(admin_client, body, field):
    response = admin_client.post(f"{API}history/category", body, format="json")

    assert response.status_code == 400, response.json()
    assert response.json()["error"]["data"]["field"] == field
    assert HistoryCategory.objects.count() == 4


def test_category_reorder_with_a_huge_title_is_400(admin_client):
    response = admin_client.put(
        f"{API}history/category/reorder", {"titles": ["x" * 100000]}, format="json"
    )

    assert response.status_code == 400
