"""GET/POST history/category, PUT history/category/{id}, PUT …/{id}/icon, PUT …/reorder and
DELETE history/category/{id}: reads for every CRM user, writes for admins (403 first)."""

import pytest

from activities.models import HistoryCategory
from tests.activities.history_factories import (
    HistoryCategoryFactory,
    HistoryEventFactory,
    history_category,
)

API = "/api/2.0/crm/"
CATEGORY_KEYS = {
    "id",
    "title",
    "description",
    "color",
    "sortOrder",
    "imagePath",
    "relativeItemsCount",
}


def _titles() -> list[str]:
    return list(
        HistoryCategory.objects.order_by("sort_order", "id").values_list("title", flat=True)
    )


def test_list_answers_onlyoffices_defaults_in_order(user_client):
    response = user_client.get(f"{API}history/category.json")

    assert response.status_code == 200
    body = response.json()["response"]
    assert [c["title"] for c in body] == ["Note", "Email", "Phone call", "Appointment"]
    assert set(body[0]) == CATEGORY_KEYS
    assert body[0]["imagePath"].endswith("/event_category_note.png")


@pytest.mark.parametrize("body_format", ["multipart", "json"])
def test_create_adds_a_category_last(admin_client, body_format):
    response = admin_client.post(
        f"{API}history/category",
        {"title": " Visit ", "imageName": "event_category_meeting.png", "description": "On site"},
        format=body_format,
    )

    assert response.status_code == 201
    body = response.json()["response"]
    assert body["title"] == "Visit" and body["relativeItemsCount"] == 0
    assert _titles()[-1] == "Visit"
    assert HistoryCategory.objects.get(title="Visit").image_name == "event_category_meeting.png"


def test_create_with_a_title_taken_in_another_case_is_400(admin_client):
    response = admin_client.post(f"{API}history/category", {"title": "NOTE"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "title"
    assert HistoryCategory.objects.count() == 4


def test_create_without_a_title_is_400(admin_client):
    response = admin_client.post(f"{API}history/category", {"imageName": "x.png"})

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "title"


def test_update_renames_a_category_in_use_and_keeps_omitted_fields(admin_client, opportunity):
    note = history_category("Note")
    HistoryEventFactory(opportunity=opportunity, category=note)

    response = admin_client.put(f"{API}history/category/{note.pk}", {"title": "Memo"})

    assert response.status_code == 200
    body = response.json()["response"]
    assert body["title"] == "Memo" and body["relativeItemsCount"] == 1
    note.refresh_from_db()
    assert (note.title, note.image_name) == ("Memo", "event_category_note.png")


def test_update_to_another_categorys_title_is_400(admin_client):
    note = history_category("Note")

    response = admin_client.put(
        f"{API}history/category/{note.pk}.json", {"title": "email"}, format="json"
    )

    assert response.status_code == 400
    note.refresh_from_db()
    assert note.title == "Note"


def test_update_of_an_unknown_category_is_404(admin_client, db):
    assert admin_client.put(f"{API}history/category/999", {"title": "x"}).status_code == 404


def test_icon_changes_the_image(admin_client):
    call = history_category("Phone call")

    response = admin_client.put(
        f"{API}history/category/{call.pk}/icon", {"imageName": "event_category_email.png"}
    )

    assert response.status_code == 200
    assert response.json()["response"]["imagePath"].endswith("/event_category_email.png")
    call.refresh_from_db()
    assert call.image_name == "event_category_email.png"


@pytest.mark.parametrize("body_format", ["multipart", "json"])
def test_reorder_by_titles_puts_them_first(admin_client, body_format):
    response = admin_client.put(
        f"{API}history/category/reorder",
        {"titles": ["Appointment", "phone call"]},
        format=body_format,
    )

    assert response.status_code == 200
    assert [c["title"] for c in response.json()["response"]] == _titles()
    assert _titles() == ["Appointment", "Phone call", "Note", "Email"]


def test_reorder_with_an_unknown_title_is_400_and_changes_nothing(admin_client):
    response = admin_client.put(
        f"{API}history/category/reorder.json", {"titles": ["Email", "Nope"]}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "titles"
    assert _titles() == ["Note", "Email", "Phone call", "Appointment"]


def test_reorder_with_no_titles_changes_nothing(admin_client):
    response = admin_client.put(f"{API}history/category/reorder")

    assert response.status_code == 200
    assert len(response.json()["response"]) == 4
    assert _titles() == ["Note", "Email", "Phone call", "Appointment"]


def test_delete_removes_an_unused_category(admin_client):
    extra = HistoryCategoryFactory(title="Visit")

    response = admin_client.delete(f"{API}history/category/{extra.pk}")

    assert response.status_code == 200
    assert response.json()["response"]["title"] == "Visit"
    assert not HistoryCategory.objects.filter(pk=extra.pk).exists()


def test_delete_of_a_category_in_use_is_400(admin_client, opportunity):
    note = history_category("Note")
    HistoryEventFactory(opportunity=opportunity, category=note)

    response = admin_client.delete(f"{API}history/category/{note.pk}")

    assert response.status_code == 400
    assert "history events" in response.json()["error"]["message"]
    assert HistoryCategory.objects.filter(pk=note.pk).exists()


def test_delete_of_a_category_used_by_a_trashed_deals_event_is_400(admin_client, opportunity):
    """The event comes back with its deal: its category must still be there."""
    note = history_category("Note")
    HistoryEventFactory(opportunity=opportunity, category=note)
    admin_client.delete(f"{API}opportunity/{opportunity.pk}")

    assert admin_client.delete(f"{API}history/category/{note.pk}").status_code == 400


def test_delete_of_the_last_category_is_400(admin_client):
    HistoryCategory.objects.exclude(title="Note").delete()

    response = admin_client.delete(f"{API}history/category/{history_category().pk}")

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The last history category cannot be deleted"
    assert HistoryCategory.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "route", "body"),
    [
        ("post", "history/category", {"title": "Visit"}),
        ("put", "history/category/{id}", {"title": "Visit"}),
        ("put", "history/category/{id}/icon", {"imageName": "x.png"}),
        ("put", "history/category/reorder", {"titles": ["Email"]}),
        ("delete", "history/category/{id}", None),
    ],
)
def test_writes_are_403_for_non_admins_and_change_nothing(client_for, user, method, route, body):
    note = history_category("Note")
    before = list(HistoryCategory.objects.order_by("pk").values())

    response = getattr(client_for(user, bearer=True), method)(
        API + route.format(id=note.pk), body, format="json"
    )

    assert response.status_code == 403
    assert list(HistoryCategory.objects.order_by("pk").values()) == before
