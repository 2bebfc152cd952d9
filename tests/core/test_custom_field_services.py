import json

import pytest

from core.errors import AccessDenied, InvalidInput, NotFound
from core.models import CustomFieldDefinition, EntityType, FieldType
from core.services import (
    custom_field_create,
    custom_field_delete,
    custom_field_reorder,
    custom_field_update,
)
from tests.factories import CustomFieldFactory, OpportunityCustomFieldValueFactory

pytestmark = pytest.mark.django_db


def definition_rows() -> list[tuple]:
    return list(CustomFieldDefinition.objects.order_by("pk").values_list())


def test_field_appended_when_admin_creates(admin_user):
    CustomFieldFactory(position=7)

    field = custom_field_create(
        created_by=admin_user,
        entity_type=EntityType.OPPORTUNITY,
        label=" Segment ",
        field_type=FieldType.SELECT_BOX,
        mask=json.dumps(["A", "B"]),
    )

    assert (field.label, field.position) == ("Segment", 8)


def test_access_denied_and_nothing_created_when_user_creates_field(user):
    with pytest.raises(AccessDenied):
        custom_field_create(created_by=user, entity_type=EntityType.OPPORTUNITY, label="X")

    assert definition_rows() == []


@pytest.mark.parametrize(
    "values",
    [
        {"label": " "},
        {"label": "X", "entity_type": "case"},
        {"label": "X", "field_type": 9},
        {"label": "X", "field_type": FieldType.SELECT_BOX, "mask": ""},
        {"label": "X", "field_type": FieldType.SELECT_BOX, "mask": "[]"},
        {"label": "X", "field_type": FieldType.SELECT_BOX, "mask": "A, B"},
        {"label": "X", "field_type": FieldType.TEXT_FIELD, "mask": '{"size": 0}'},
        {"label": "X", "field_type": FieldType.TEXT_FIELD, "mask": "size 5"},
    ],
)
def test_nothing_created_when_definition_invalid(admin_user, values):
    values = {"entity_type": EntityType.OPPORTUNITY, **values}

    with pytest.raises(InvalidInput):
        custom_field_create(created_by=admin_user, **values)

    assert definition_rows() == []


def test_type_and_position_change_when_field_unused(admin_user):
    field = CustomFieldFactory(label="Old", position=1)

    custom_field_update(
        definition=field,
        updated_by=admin_user,
        label="New",
        field_type=FieldType.CHECK_BOX,
        position=5,
    )

    field.refresh_from_db()
    assert (field.label, field.field_type, field.position) == ("New", FieldType.CHECK_BOX, 5)


def test_only_label_and_mask_change_when_field_in_use(admin_user):
    field = CustomFieldFactory(label="Old", position=1, mask='{"size": 10}')
    OpportunityCustomFieldValueFactory(field=field)

    custom_field_update(
        definition=field,
        updated_by=admin_user,
        label="New",
        field_type=FieldType.CHECK_BOX,
        position=5,
        mask='{"size": 20}',
    )

    field.refresh_from_db()
    assert (field.label, field.mask) == ("New", '{"size": 20}')
    assert (field.field_type, field.position) == (FieldType.TEXT_FIELD, 1)


@pytest.mark.parametrize(("actor", "error"), [("user", AccessDenied), ("admin_user", InvalidInput)])
def test_nothing_changes_when_update_refused(request, actor, error):
    field = CustomFieldFactory(label="Old")
    before = definition_rows()

    with pytest.raises(error):
        custom_field_update(
            definition=field,
            updated_by=request.getfixturevalue(actor),
            label="" if actor == "admin_user" else "Mine",
        )

    assert definition_rows() == before


def test_field_and_values_gone_when_admin_deletes(admin_user):
    value = OpportunityCustomFieldValueFactory()

    custom_field_delete(definition=value.field, deleted_by=admin_user)

    assert definition_rows() == []
    assert not value.opportunity.custom_values.exists()


def test_field_kept_when_user_deletes(user):
    field = CustomFieldFactory()

    with pytest.raises(AccessDenied):
        custom_field_delete(definition=field, deleted_by=user)

    assert CustomFieldDefinition.objects.filter(pk=field.pk).exists()


def test_positions_follow_list_when_reordered(admin_user):
    first, second, third = (CustomFieldFactory(position=n) for n in (1, 2, 3))

    custom_field_reorder(
        entity_type=EntityType.OPPORTUNITY,
        field_ids=[third.pk, first.pk, second.pk],
        reordered_by=admin_user,
    )

    assert list(CustomFieldDefinition.objects.order_by("position")) == [third, first, second]


@pytest.mark.parametrize(
    ("actor", "ids", "error"),
    [
        ("user", "all", AccessDenied),
        ("admin_user", "unknown", NotFound),
        ("admin_user", "contact", NotFound),
        ("admin_user", "empty", InvalidInput),
    ],
)
def test_positions_kept_when_reorder_refused(request, actor, ids, error):
    fields = [CustomFieldFactory(position=n) for n in (1, 2)]
    contact_field = CustomFieldFactory(entity_type=EntityType.CONTACT)
    field_ids = {
        "all": [f.pk for f in reversed(fields)],
        "unknown": [fields[1].pk, 99999],
        "contact": [fields[1].pk, contact_field.pk],
        "empty": [],
    }[ids]
    before = definition_rows()

    with pytest.raises(error):
        custom_field_reorder(
            entity_type=EntityType.OPPORTUNITY,
            field_ids=field_ids,
            reordered_by=request.getfixturevalue(actor),
        )

    assert definition_rows() == before
