"""PUT crm/opportunity/stage/reorder with no ids (issue 9, point 2): ONLYOFFICE clients send an
empty form when nothing moved; the answer is the current stage list and nothing changes."""

import pytest

from opportunities.models import Stage
from tests.factories import OpportunityFactory

URL = "/api/2.0/crm/opportunity/stage/reorder"


def _order() -> list[tuple[int, int]]:
    return list(Stage.objects.order_by("sort_order", "id").values_list("pk", "sort_order"))


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("", "application/x-www-form-urlencoded"),
        ("", "application/x-www-form-urlencoded; charset=UTF-8"),
        ("ids=", "application/x-www-form-urlencoded"),
        ("", None),
        ("{}", "application/json"),
        ('{"ids": []}', "application/json"),
        ('{"ids": null}', "application/json"),
    ],
    ids=[
        "empty-form",
        "empty-form-charset",
        "empty-ids-field",
        "no-body",
        "json-no-ids",
        "json-empty-ids",
        "json-null-ids",
    ],
)
def test_current_stage_list_and_nothing_changed_when_reorder_names_no_ids(
    admin_client, user, body, content_type
):
    stages = list(Stage.objects.order_by("sort_order", "id"))
    OpportunityFactory(stage=stages[1], created_by=user)
    before = _order()

    response = admin_client.generic("PUT", URL, body, content_type=content_type or "")

    assert response.status_code == 200, response.content
    payload = response.json()
    assert payload["status"] == 0
    returned = payload["response"]
    assert [s["id"] for s in returned] == [s.pk for s in stages]
    assert returned[1]["relativeItemsCount"] == 1
    assert set(returned[0]) >= {"id", "title", "stageType", "successProbability", "color"}
    assert _order() == before


def test_empty_reorder_answers_in_the_same_shape_as_a_real_reorder(admin_client):
    stages = list(Stage.objects.order_by("sort_order", "id"))

    empty = admin_client.put(URL, "", content_type="application/x-www-form-urlencoded").json()
    full = admin_client.put(URL, {"ids": [s.pk for s in stages]}, format="json").json()

    assert empty == full


def test_empty_reorder_with_bearer_token_and_json_suffix(client_for, admin_user):
    client = client_for(admin_user, bearer=True)
    before = _order()

    response = client.put(f"{URL}.json", "", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert len(response.json()["response"]) == len(before)
    assert _order() == before


def test_empty_reorder_is_403_when_not_admin(user_client):
    before = _order()

    response = user_client.put(URL, "", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 403
    assert response.json()["status"] == 1
    assert _order() == before


def test_empty_reorder_is_401_when_unauthenticated(api_client):
    response = api_client.put(URL, "", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 401


def test_empty_reorder_costs_a_constant_number_of_queries(
    admin_client, user, django_assert_max_num_queries
):
    for stage in Stage.objects.all():
        OpportunityFactory(stage=stage, created_by=user)

    with django_assert_max_num_queries(6):
        response = admin_client.put(URL, "", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
