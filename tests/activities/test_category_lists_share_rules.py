"""History and task categories follow the same rules (activities/category_services.py):
a title is required and unique in any case, a reorder names categories by title in any case
and refuses an unknown or malformed one, the last category stays. Asserted on both routes."""

import pytest

from activities.models import HistoryCategory, TaskCategory

API = "/api/2.0/crm/"
LISTS = [
    pytest.param("history/category", HistoryCategory, "history category", id="history"),
    pytest.param("task/category", TaskCategory, "task category", id="task"),
]


def _error(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]


def _titles_in_order(model) -> list[str]:
    return list(model.objects.order_by("sort_order", "pk").values_list("title", flat=True))


@pytest.mark.parametrize(("route", "model", "noun"), LISTS)
def test_create_is_400_naming_the_title_when_it_is_blank_or_taken_in_another_case(
    admin_client, route, model, noun
):
    taken = model.objects.order_by("sort_order").first().title
    count = model.objects.count()

    blank = _error(admin_client.post(f"{API}{route}", {"title": "   "}, format="json"))
    twin = _error(admin_client.post(f"{API}{route}", {"title": taken.upper()}, format="json"))

    assert blank["message"] == "The title is required."
    assert blank["data"]["field"] == "title"
    assert twin["message"].startswith(f"A {noun} is already called “{taken.upper()}”")
    assert twin["data"]["field"] == "title"
    assert model.objects.count() == count


@pytest.mark.parametrize(("route", "model", "noun"), LISTS)
def test_reorder_puts_the_titles_named_in_any_case_first_when_they_all_exist(
    admin_client, route, model, noun
):
    before = _titles_in_order(model)
    wanted = [before[-1], before[0]]

    response = admin_client.put(
        f"{API}{route}/reorder", {"titles": [title.lower() for title in wanted]}, format="json"
    )

    assert response.status_code == 200
    assert [c["title"] for c in response.json()["response"]] == wanted + before[1:-1]
    assert _titles_in_order(model) == wanted + before[1:-1]


@pytest.mark.parametrize(("route", "model", "noun"), LISTS)
def test_reorder_is_400_and_changes_nothing_when_a_title_is_unknown_or_not_text(
    admin_client, route, model, noun
):
    before = _titles_in_order(model)
    known = before[-1]

    unknown = _error(
        admin_client.put(f"{API}{route}/reorder", {"titles": [known, "Nope"]}, format="json")
    )
    not_text = _error(
        admin_client.put(f"{API}{route}/reorder", {"titles": [known, {"a": 1}]}, format="json")
    )

    assert unknown["message"] == f"titles: there is no {noun} “Nope”."
    assert not_text["message"] == "titles must hold titles."
    assert unknown["data"]["field"] == not_text["data"]["field"] == "titles"
    assert _titles_in_order(model) == before


@pytest.mark.parametrize(("route", "model", "noun"), LISTS)
def test_delete_is_400_and_keeps_it_when_it_is_the_last_category(admin_client, route, model, noun):
    last = model.objects.order_by("sort_order").first()
    model.objects.exclude(pk=last.pk).delete()

    error = _error(admin_client.delete(f"{API}{route}/{last.pk}"))

    assert error["message"] == f"The last {noun} cannot be deleted"
    assert model.objects.filter(pk=last.pk).exists()
