"""POST, PUT, DELETE opportunity/stage…: admin-only writes."""

import pytest

from opportunities.models import Stage, StageType
from tests.factories import OpportunityFactory, StageFactory

API = "/api/2.0/crm/"


@pytest.fixture
def stage(db):
    return StageFactory(
        title="Demo",
        description="Shown the product",
        color="#123456",
        success_probability=40,
        days_before_warning=7,
    )


def _snapshot(stage: Stage) -> tuple:
    stage.refresh_from_db()
    return (
        stage.title,
        stage.description,
        stage.color,
        stage.success_probability,
        stage.stage_type,
        stage.days_before_warning,
        stage.sort_order,
    )


# -- create ------------------------------------------------------------------------------------


def test_create_returns_201_and_the_stage_last_in_order_when_admin_sends_json(admin_client):
    response = admin_client.post(
        f"{API}opportunity/stage",
        {
            "title": "  Trial  ",
            "description": "Using it",
            "color": "#00ff00",
            "successProbability": 60,
            "stageType": "Open",
            "daysBeforeWarning": 10,
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["statusCode"] == 201
    created = Stage.objects.get(pk=body["response"]["id"])
    assert body["response"] == {
        "id": created.pk,
        "title": "Trial",
        "description": "Using it",
        "color": "#00ff00",
        "sortOrder": created.sort_order,
        "successProbability": 60,
        "stageType": 0,
        "daysBeforeWarning": 10,
        "relativeItemsCount": 0,
    }
    assert (
        created.sort_order
        > Stage.objects.exclude(pk=created.pk).order_by("-sort_order")[0].sort_order
    )


@pytest.mark.parametrize(
    "stage_type,expected",
    [("ClosedAndWon", 1), ("closedandlost", 2), ("2", 2), (1, 1)],
)
def test_create_takes_the_stage_type_by_name_or_number_when_given(
    admin_client, stage_type, expected
):
    response = admin_client.post(
        f"{API}opportunity/stage",
        {"title": "Done", "stageType": stage_type, "successProbability": 100},
        format="json",
    )

    assert response.status_code == 201
    assert Stage.objects.get(title="Done").stage_type == expected


def test_create_reads_a_form_body_with_names_in_any_case(admin_client):
    response = admin_client.post(
        f"{API}opportunity/stage",
        {"TITLE": "Form stage", "stagetype": "ClosedAndLost", "SUCCESSPROBABILITY": "0"},
    )

    assert response.status_code == 201
    created = Stage.objects.get(title="Form stage")
    assert created.stage_type == StageType.CLOSED_AND_LOST
    assert created.success_probability == 0


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"title": "   "}, "title"),
        ({"description": "no title"}, "title"),
        ({"title": "X", "successProbability": 101}, "successProbability"),
        ({"title": "X", "successProbability": -1}, "successProbability"),
        ({"title": "X", "successProbability": "lots"}, "successProbability"),
        ({"title": "X", "stageType": "Maybe"}, "stageType"),
        ({"title": "X", "daysBeforeWarning": -3}, "daysBeforeWarning"),
    ],
)
def test_create_is_400_naming_the_field_when_a_value_is_invalid(admin_client, payload, field):
    before = Stage.objects.count()

    response = admin_client.post(f"{API}opportunity/stage", payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == field
    assert Stage.objects.count() == before


def test_create_is_403_when_the_caller_is_not_admin(user_client):
    before = Stage.objects.count()

    response = user_client.post(f"{API}opportunity/stage", {"title": "Mine"}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Access Denied"
    assert Stage.objects.count() == before


def test_create_is_401_when_unauthenticated(api_client, db):
    response = api_client.post(f"{API}opportunity/stage", {"title": "Anon"}, format="json")

    assert response.status_code == 401
    assert not Stage.objects.filter(title="Anon").exists()


# -- update ------------------------------------------------------------------------------------


def test_update_changes_only_the_named_fields_when_admin(admin_client, stage):
    response = admin_client.put(
        f"{API}opportunity/stage/{stage.pk}",
        {"successProbability": 55, "stagetype": "ClosedAndWon"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["response"]["successProbability"] == 55
    stage.refresh_from_db()
    assert stage.success_probability == 55
    assert stage.stage_type == StageType.CLOSED_AND_WON
    assert stage.title == "Demo"
    assert stage.description == "Shown the product"
    assert stage.color == "#123456"
    assert stage.days_before_warning == 7


def test_update_clears_a_field_when_it_is_sent_empty(admin_client, stage):
    response = admin_client.put(
        f"{API}opportunity/stage/{stage.pk}",
        {"description": "", "daysBeforeWarning": None},
        format="json",
    )

    assert response.status_code == 200
    stage.refresh_from_db()
    assert stage.description == ""
    assert stage.days_before_warning is None
    assert stage.title == "Demo"


def test_update_returns_the_count_of_opportunities_in_the_stage(admin_client, user, stage):
    OpportunityFactory.create_batch(2, stage=stage, created_by=user)

    response = admin_client.put(
        f"{API}opportunity/stage/{stage.pk}.json", {"title": "Renamed"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["response"]["relativeItemsCount"] == 2
    assert response.json()["response"]["title"] == "Renamed"


@pytest.mark.parametrize(
    "payload,field",
    [({"title": ""}, "title"), ({"successProbability": 300}, "successProbability")],
)
def test_update_is_400_naming_the_field_and_changes_nothing_when_invalid(
    admin_client, stage, payload, field
):
    before = _snapshot(stage)

    response = admin_client.put(f"{API}opportunity/stage/{stage.pk}", payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == field
    assert _snapshot(stage) == before


def test_update_is_404_when_the_stage_is_missing(admin_client):
    response = admin_client.put(f"{API}opportunity/stage/987654", {"title": "x"}, format="json")

    assert response.status_code == 404


def test_update_is_403_and_changes_nothing_when_not_admin(user_client, stage):
    before = _snapshot(stage)

    response = user_client.put(
        f"{API}opportunity/stage/{stage.pk}", {"title": "Hijacked"}, format="json"
    )

    assert response.status_code == 403
    assert _snapshot(stage) == before


def test_update_is_401_when_unauthenticated(api_client, stage):
    before = _snapshot(stage)

    response = api_client.put(f"{API}opportunity/stage/{stage.pk}", {"title": "x"}, format="json")

    assert response.status_code == 401
    assert _snapshot(stage) == before


# -- colour ------------------------------------------------------------------------------------


def test_color_changes_only_the_colour_when_admin_sends_a_form(admin_client, stage):
    response = admin_client.put(
        f"{API}opportunity/stage/{stage.pk}/color",
        "color=%23abcdef&title=ignored",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert response.json()["response"]["color"] == "#abcdef"
    stage.refresh_from_db()
    assert stage.color == "#abcdef"
    assert stage.title == "Demo"


def test_color_is_403_when_not_admin(user_client, stage):
    response = user_client.put(
        f"{API}opportunity/stage/{stage.pk}/color", {"color": "#000000"}, format="json"
    )

    assert response.status_code == 403
    stage.refresh_from_db()
    assert stage.color == "#123456"


def test_color_is_404_when_the_stage_is_missing(admin_client):
    response = admin_client.put(
        f"{API}opportunity/stage/987654/color", {"color": "#000000"}, format="json"
    )

    assert response.status_code == 404


def test_color_is_401_when_unauthenticated(api_client, stage):
    response = api_client.put(
        f"{API}opportunity/stage/{stage.pk}/color", {"color": "#000000"}, format="json"
    )

    assert response.status_code == 401


# -- reorder -----------------------------------------------------------------------------------


def test_reorder_puts_the_named_stages_first_and_returns_them_in_order(admin_client, user):
    stages = list(Stage.objects.order_by("sort_order", "id"))
    last, first = stages[-1], stages[0]
    OpportunityFactory(stage=last, created_by=user)

    response = admin_client.put(
        f"{API}opportunity/stage/reorder", {"ids": [last.pk, first.pk]}, format="json"
    )

    assert response.status_code == 200
    returned = response.json()["response"]
    assert [s["id"] for s in returned] == [last.pk, first.pk]
    assert returned[0]["relativeItemsCount"] == 1
    order = list(Stage.objects.order_by("sort_order", "id").values_list("pk", flat=True))
    assert order[:2] == [last.pk, first.pk]
    assert order[2:] == [s.pk for s in stages[1:-1]]


def test_reorder_takes_ids_as_repeated_form_keys(admin_client):
    stages = list(Stage.objects.order_by("sort_order", "id"))
    third = stages[2]

    response = admin_client.put(
        f"{API}opportunity/stage/reorder",
        f"ids[]={third.pk}",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert Stage.objects.order_by("sort_order", "id").first().pk == third.pk


# An empty or missing list: tests/api/test_stage_reorder_empty.py (issue 9, point 2).


def test_reorder_is_404_and_changes_nothing_when_an_id_is_unknown(admin_client):
    before = list(Stage.objects.order_by("sort_order", "id").values_list("pk", flat=True))

    response = admin_client.put(
        f"{API}opportunity/stage/reorder", {"ids": [before[-1], 999999]}, format="json"
    )

    assert response.status_code == 404
    assert list(Stage.objects.order_by("sort_order", "id").values_list("pk", flat=True)) == before


def test_reorder_is_403_when_not_admin(user_client):
    before = list(Stage.objects.order_by("sort_order", "id").values_list("pk", flat=True))

    response = user_client.put(
        f"{API}opportunity/stage/reorder", {"ids": [before[-1]]}, format="json"
    )

    assert response.status_code == 403
    assert list(Stage.objects.order_by("sort_order", "id").values_list("pk", flat=True)) == before


def test_reorder_is_401_when_unauthenticated(api_client):
    response = api_client.put(f"{API}opportunity/stage/reorder", {"ids": [1]}, format="json")

    assert response.status_code == 401


# -- delete ------------------------------------------------------------------------------------


def test_delete_removes_an_unused_stage_and_returns_it(admin_client, stage):
    response = admin_client.delete(f"{API}opportunity/stage/{stage.pk}")

    assert response.status_code == 200
    body = response.json()["response"]
    assert body["id"] == stage.pk
    assert body["title"] == "Demo"
    assert body["relativeItemsCount"] == 0
    assert not Stage.objects.filter(pk=stage.pk).exists()


def test_delete_is_400_with_onlyoffice_message_when_opportunities_use_the_stage(
    admin_client, user, stage
):
    OpportunityFactory(stage=stage, created_by=user)

    response = admin_client.delete(f"{API}opportunity/stage/{stage.pk}")

    assert response.status_code == 400
    assert (
        response.json()["error"]["message"]
        == "Can't be deleted. There are some opportunities at this stage."
    )
    assert Stage.objects.filter(pk=stage.pk).exists()


def test_delete_is_404_when_the_stage_is_missing(admin_client):
    assert admin_client.delete(f"{API}opportunity/stage/987654").status_code == 404


def test_delete_is_400_when_the_id_is_zero(admin_client):
    assert admin_client.delete(f"{API}opportunity/stage/0").status_code == 400


def test_delete_is_403_when_not_admin(user_client, stage):
    response = user_client.delete(f"{API}opportunity/stage/{stage.pk}")

    assert response.status_code == 403
    assert Stage.objects.filter(pk=stage.pk).exists()


def test_delete_is_401_when_unauthenticated(api_client, stage):
    response = api_client.delete(f"{API}opportunity/stage/{stage.pk}")

    assert response.status_code == 401
    assert Stage.objects.filter(pk=stage.pk).exists()
