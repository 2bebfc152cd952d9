"""Opportunity custom field definitions: GET definitions; admin-only POST, PUT, DELETE,
reorder."""

import json

import pytest

from core.models import CustomFieldDefinition, EntityType, FieldType
from opportunities.api.docs_serializers import CustomFieldSerializer
from tests.factories import CustomFieldFactory, OpportunityCustomFieldValueFactory

API = "/api/2.0/crm/"


@pytest.fixture
def text_field(db):
    return CustomFieldFactory(label="Budget owner", position=1, mask='{"size": 40}')


@pytest.fixture
def select_field(db):
    return CustomFieldFactory(
        label="Region", field_type=FieldType.SELECT_BOX, position=2, mask='["North","South"]'
    )


def _snapshot(field):
    field.refresh_from_db()
    return (field.label, field.field_type, field.position, field.mask)


# -- definitions --------------------------------------------------------------------------------


def test_definitions_lists_opportunity_fields_in_order_with_value_counts(
    user_client, user, opportunity, text_field, select_field
):
    CustomFieldFactory(label="Contact only", entity_type=EntityType.CONTACT)
    OpportunityCustomFieldValueFactory(opportunity=opportunity, field=select_field, value="North")

    response = user_client.get(f"{API}opportunity/customfield/definitions")

    assert response.status_code == 200
    fields = response.json()["response"]
    assert [f["label"] for f in fields] == ["Budget owner", "Region"]
    assert fields[1] == {
        "id": select_field.pk,
        "entityId": 0,
        "label": "Region",
        "fieldValue": None,
        "fieldType": 2,
        "position": 2,
        "mask": '["North","South"]',
        "relativeItemsCount": 1,
    }
    assert fields[0]["relativeItemsCount"] == 0
    assert set(fields[0]) == set(CustomFieldSerializer().fields)


@pytest.mark.parametrize("extra", [1, 15])
def test_definitions_cost_constant_queries_when_fields_grow(
    client_for, user, opportunity, django_assert_max_num_queries, extra
):
    client = client_for(user)
    for field in CustomFieldFactory.create_batch(extra):
        OpportunityCustomFieldValueFactory(opportunity=opportunity, field=field)

    with django_assert_max_num_queries(2):
        response = client.get(f"{API}opportunity/customfield/definitions")

    assert len(response.json()["response"]) == extra


def test_definitions_is_401_when_unauthenticated(api_client, db):
    assert api_client.get(f"{API}opportunity/customfield/definitions").status_code == 401


# -- create -------------------------------------------------------------------------------------


def test_create_returns_201_and_the_field_when_admin_sends_json(admin_client):
    response = admin_client.post(
        f"{API}opportunity/customfield",
        {"label": "Budget", "fieldType": "TextField", "position": 5, "mask": {"size": "40"}},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()["response"]
    field = CustomFieldDefinition.objects.get(pk=body["id"])
    assert field.entity_type == EntityType.OPPORTUNITY
    assert (field.label, field.field_type, field.position) == ("Budget", 0, 5)
    assert json.loads(field.mask) == {"size": "40"}
    assert body["relativeItemsCount"] == 0
    assert body["label"] == "Budget"


@pytest.mark.parametrize("field_type,expected", [("SelectBox", 2), ("selectbox", 2), (2, 2)])
def test_create_takes_the_field_type_by_name_or_number_and_a_json_array_mask(
    admin_client, field_type, expected
):
    response = admin_client.post(
        f"{API}opportunity/customfield",
        {"label": "Size", "fieldType": field_type, "mask": ["S", "M", "L"]},
        format="json",
    )

    assert response.status_code == 201
    field = CustomFieldDefinition.objects.get(label="Size")
    assert field.field_type == expected
    assert json.loads(field.mask) == ["S", "M", "L"]


def test_create_reads_a_form_body_with_names_in_any_case(admin_client):
    response = admin_client.post(
        f"{API}opportunity/customfield",
        {"LABEL": "Signed", "fieldtype": "CheckBox"},
    )

    assert response.status_code == 201
    assert CustomFieldDefinition.objects.get(label="Signed").field_type == FieldType.CHECK_BOX


def test_create_puts_the_field_last_when_no_position_is_given(admin_client, select_field):
    response = admin_client.post(f"{API}opportunity/customfield", {"label": "Later"}, format="json")

    assert response.status_code == 201
    assert response.json()["response"]["position"] > select_field.position


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"fieldType": 0}, "label"),
        ({"label": "  "}, "label"),
        ({"label": "X", "fieldType": "Slider"}, "fieldType"),
        ({"label": "X", "fieldType": 2, "mask": "not json"}, "mask"),
        ({"label": "X", "fieldType": "SelectBox"}, "mask"),
        ({"label": "X", "position": "first"}, "position"),
    ],
)
def test_create_is_400_naming_the_field_when_a_value_is_invalid(admin_client, payload, field):
    response = admin_client.post(f"{API}opportunity/customfield", payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == field
    assert not CustomFieldDefinition.objects.filter(entity_type=EntityType.OPPORTUNITY).exists()


def test_create_is_403_when_not_admin(user_client):
    response = user_client.post(f"{API}opportunity/customfield", {"label": "X"}, format="json")

    assert response.status_code == 403
    assert not CustomFieldDefinition.objects.exists()


def test_create_is_401_when_unauthenticated(api_client, db):
    response = api_client.post(f"{API}opportunity/customfield", {"label": "X"}, format="json")

    assert response.status_code == 401
    assert not CustomFieldDefinition.objects.exists()


# -- update -------------------------------------------------------------------------------------


def test_update_changes_only_the_named_fields_when_the_field_is_unused(admin_client, text_field):
    response = admin_client.put(
        f"{API}opportunity/customfield/{text_field.pk}", {"position": 9}, format="json"
    )

    assert response.status_code == 200
    assert _snapshot(text_field) == ("Budget owner", 0, 9, '{"size": 40}')
    assert response.json()["response"]["position"] == 9


def test_update_changes_label_and_mask_only_when_the_field_holds_values(
    admin_client, opportunity, select_field
):
    OpportunityCustomFieldValueFactory(opportunity=opportunity, field=select_field, value="North")

    response = admin_client.put(
        f"{API}opportunity/customfield/{select_field.pk}",
        {
            "label": "Area",
            "fieldType": "TextField",
            "position": 7,
            "mask": '["North","South","East"]',
        },
        format="json",
    )

    assert response.status_code == 200
    assert _snapshot(select_field) == ("Area", 2, 2, '["North","South","East"]')
    assert response.json()["response"]["relativeItemsCount"] == 1


def test_update_is_400_and_changes_nothing_when_the_label_is_emptied(admin_client, text_field):
    before = _snapshot(text_field)

    response = admin_client.put(
        f"{API}opportunity/customfield/{text_field.pk}", {"label": ""}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "label"
    assert _snapshot(text_field) == before


def test_update_is_404_when_the_field_is_missing_or_of_another_entity(admin_client, db):
    contact_field = CustomFieldFactory(entity_type=EntityType.CONTACT)

    for field_id in (999999, contact_field.pk):
        response = admin_client.put(
            f"{API}opportunity/customfield/{field_id}", {"label": "x"}, format="json"
        )
        assert response.status_code == 404


def test_update_is_403_and_changes_nothing_when_not_admin(user_client, text_field):
    before = _snapshot(text_field)

    response = user_client.put(
        f"{API}opportunity/customfield/{text_field.pk}", {"label": "Mine"}, format="json"
    )

    assert response.status_code == 403
    assert _snapshot(text_field) == before


def test_update_is_401_when_unauthenticated(api_client, text_field):
    response = api_client.put(
        f"{API}opportunity/customfield/{text_field.pk}", {"label": "Mine"}, format="json"
    )

    assert response.status_code == 401


# -- delete -------------------------------------------------------------------------------------


def test_delete_removes_the_field_and_its_values_and_returns_it(
    admin_client, opportunity, select_field
):
    OpportunityCustomFieldValueFactory(opportunity=opportunity, field=select_field, value="South")

    response = admin_client.delete(f"{API}opportunity/customfield/{select_field.pk}")

    assert response.status_code == 200
    body = response.json()["response"]
    assert body["id"] == select_field.pk
    assert body["label"] == "Region"
    assert body["relativeItemsCount"] == 1
    assert not CustomFieldDefinition.objects.filter(pk=select_field.pk).exists()
    assert not opportunity.custom_values.exists()


def test_delete_is_404_when_the_field_is_missing(admin_client, db):
    assert admin_client.delete(f"{API}opportunity/customfield/999999").status_code == 404


def test_delete_is_400_when_the_id_is_zero(admin_client, db):
    response = admin_client.delete(f"{API}opportunity/customfield/0")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "fieldid"


def test_delete_is_403_when_not_admin(user_client, text_field):
    assert user_client.delete(f"{API}opportunity/customfield/{text_field.pk}").status_code == 403
    assert CustomFieldDefinition.objects.filter(pk=text_field.pk).exists()


def test_delete_is_401_when_unauthenticated(api_client, text_field):
    assert api_client.delete(f"{API}opportunity/customfield/{text_field.pk}").status_code == 401
    assert CustomFieldDefinition.objects.filter(pk=text_field.pk).exists()


# -- reorder ------------------------------------------------------------------------------------


def test_reorder_sets_positions_in_the_given_order_and_returns_the_fields(
    admin_client, text_field, select_field
):
    response = admin_client.put(
        f"{API}opportunity/customfield/reorder.json",
        {"fieldids": [select_field.pk, text_field.pk]},
        format="json",
    )

    assert response.status_code == 200
    returned = response.json()["response"]
    assert [f["id"] for f in returned] == [select_field.pk, text_field.pk]
    assert "relativeItemsCount" not in returned[0]
    select_field.refresh_from_db()
    text_field.refresh_from_db()
    assert select_field.position < text_field.position


def test_reorder_takes_field_ids_from_a_form(admin_client, text_field, select_field):
    response = admin_client.put(
        f"{API}opportunity/customfield/reorder",
        f"FieldIds={select_field.pk}&FieldIds={text_field.pk}",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    select_field.refresh_from_db()
    text_field.refresh_from_db()
    assert select_field.position < text_field.position


def test_reorder_is_404_and_changes_nothing_when_an_id_is_unknown(
    admin_client, text_field, select_field
):
    before = (_snapshot(text_field), _snapshot(select_field))

    response = admin_client.put(
        f"{API}opportunity/customfield/reorder",
        {"fieldids": [select_field.pk, 999999]},
        format="json",
    )

    assert response.status_code == 404
    assert (_snapshot(text_field), _snapshot(select_field)) == before


def test_reorder_is_400_when_the_list_is_missing(admin_client, db):
    response = admin_client.put(f"{API}opportunity/customfield/reorder", {}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "fieldids"


def test_reorder_is_403_when_not_admin(user_client, text_field, select_field):
    before = (_snapshot(text_field), _snapshot(select_field))

    response = user_client.put(
        f"{API}opportunity/customfield/reorder",
        {"fieldids": [select_field.pk, text_field.pk]},
        format="json",
    )

    assert response.status_code == 403
    assert (_snapshot(text_field), _snapshot(select_field)) == before


def test_reorder_is_401_when_unauthenticated(api_client, db):
    response = api_client.put(
        f"{API}opportunity/customfield/reorder", {"fieldids": [1]}, format="json"
    )

    assert response.status_code == 401
