"""GET opportunity/{entityid}/customfield and POST opportunity/{entityid}/customfield/{fieldid}."""

import pytest

from core.models import EntityType, FieldType
from crm_project.api.schema import CustomFieldBaseSerializer
from opportunities.models import OpportunityCustomFieldValue
from tests.factories import CustomFieldFactory, OpportunityCustomFieldValueFactory

API = "/api/2.0/crm/"


@pytest.fixture
def heading(db):
    return CustomFieldFactory(label="Details", field_type=FieldType.HEADING, position=1)


@pytest.fixture
def text_field(db):
    return CustomFieldFactory(label="Budget owner", position=2, mask='{"size": 10}')


@pytest.fixture
def date_field(db):
    return CustomFieldFactory(label="Kick-off", field_type=FieldType.DATE, position=3)


@pytest.fixture
def empty_field(db):
    return CustomFieldFactory(label="Unused", position=4)


def _values(opportunity) -> dict:
    return dict(opportunity.custom_values.values_list("field_id", "value"))


# -- read ---------------------------------------------------------------------------------------


def test_list_returns_values_and_headings_in_field_order_when_visible(
    user_client, opportunity, heading, text_field, date_field, empty_field
):
    OpportunityCustomFieldValueFactory(
        opportunity=opportunity, field=date_field, value="2024-05-01"
    )
    OpportunityCustomFieldValueFactory(opportunity=opportunity, field=text_field, value="Ann")

    response = user_client.get(f"{API}opportunity/{opportunity.pk}/customfield")

    assert response.status_code == 200
    fields = response.json()["response"]
    assert [f["label"] for f in fields] == ["Details", "Budget owner", "Kick-off"]
    assert fields[0]["fieldValue"] is None
    assert fields[1] == {
        "id": text_field.pk,
        "entityId": opportunity.pk,
        "label": "Budget owner",
        "fieldValue": "Ann",
        "fieldType": 0,
        "position": 2,
        "mask": '{"size": 10}',
    }
    assert set(fields[1]) == set(CustomFieldBaseSerializer().fields)


def test_list_is_404_when_the_opportunity_is_private_to_others(
    other_client, private_opportunity, text_field
):
    OpportunityCustomFieldValueFactory(opportunity=private_opportunity, field=text_field)

    response = other_client.get(f"{API}opportunity/{private_opportunity.pk}/customfield")

    assert response.status_code == 404
    assert "response" not in response.json()


def test_list_is_404_when_the_opportunity_is_missing(user_client, db):
    assert user_client.get(f"{API}opportunity/999999/customfield").status_code == 404


def test_list_is_401_when_unauthenticated(api_client, opportunity):
    assert api_client.get(f"{API}opportunity/{opportunity.pk}/customfield").status_code == 401


# -- set ----------------------------------------------------------------------------------------


def test_set_stores_the_trimmed_value_and_returns_201_with_the_field(
    user_client, opportunity, text_field
):
    response = user_client.post(
        f"{API}opportunity/{opportunity.pk}/customfield/{text_field.pk}",
        {"fieldValue": "  Ann  "},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["response"] == {
        "id": text_field.pk,
        "entityId": opportunity.pk,
        "label": "Budget owner",
        "fieldValue": "Ann",
        "fieldType": 0,
        "position": 2,
        "mask": '{"size": 10}',
    }
    assert _values(opportunity) == {text_field.pk: "Ann"}


def test_set_reads_a_form_body_with_names_in_any_case(user_client, opportunity, date_field):
    response = user_client.post(
        f"{API}opportunity/{opportunity.pk}/customfield/{date_field.pk}.json",
        {"FIELDVALUE": "2024-06-30T10:00:00"},
    )

    assert response.status_code == 201
    assert _values(opportunity) == {date_field.pk: "2024-06-30"}


def test_set_deletes_the_value_when_it_is_empty(user_client, opportunity, text_field):
    OpportunityCustomFieldValueFactory(opportunity=opportunity, field=text_field, value="Ann")

    response = user_client.post(
        f"{API}opportunity/{opportunity.pk}/customfield/{text_field.pk}",
        {"fieldValue": "   "},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["response"]["fieldValue"] == ""
    assert _values(opportunity) == {}


@pytest.mark.parametrize(
    "field_fixture,value",
    [("text_field", "far more than ten characters"), ("date_field", "next tuesday")],
)
def test_set_is_400_naming_the_field_and_stores_nothing_when_the_value_does_not_fit(
    request, user_client, opportunity, field_fixture, value
):
    field = request.getfixturevalue(field_fixture)

    response = user_client.post(
        f"{API}opportunity/{opportunity.pk}/customfield/{field.pk}",
        {"fieldValue": value},
        format="json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["data"]["field"] == f"customField[{field.pk}]"
    assert field.label in error["message"]
    assert _values(opportunity) == {}


def test_set_is_404_when_the_field_is_unknown_or_of_another_entity(user_client, opportunity):
    contact_field = CustomFieldFactory(entity_type=EntityType.CONTACT)

    for field_id in (999999, contact_field.pk):
        response = user_client.post(
            f"{API}opportunity/{opportunity.pk}/customfield/{field_id}",
            {"fieldValue": "x"},
            format="json",
        )
        assert response.status_code == 404
    assert not OpportunityCustomFieldValue.objects.exists()


def test_set_is_404_and_changes_nothing_when_the_opportunity_is_private_to_others(
    other_client, private_opportunity, text_field
):
    OpportunityCustomFieldValueFactory(
        opportunity=private_opportunity, field=text_field, value="Ann"
    )

    response = other_client.post(
        f"{API}opportunity/{private_opportunity.pk}/customfield/{text_field.pk}",
        {"fieldValue": "Bob"},
        format="json",
    )

    assert response.status_code == 404
    assert _values(private_opportunity) == {text_field.pk: "Ann"}


def test_set_is_401_when_unauthenticated(api_client, opportunity, text_field):
    response = api_client.post(
        f"{API}opportunity/{opportunity.pk}/customfield/{text_field.pk}",
        {"fieldValue": "x"},
        format="json",
    )

    assert response.status_code == 401
    assert _values(opportunity) == {}
