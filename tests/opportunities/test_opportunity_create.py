import json
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import InvalidInput
from core.models import EntityType, FieldType, Tag
from opportunities.models import (
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityUserObjectPermission,
    StageChange,
)
from opportunities.selectors import opportunity_access_user_ids
from opportunities.services import opportunity_create
from tests.factories import CustomFieldFactory, PersonFactory, TagFactory

pytestmark = pytest.mark.django_db


def row_counts() -> dict:
    return {
        "opportunities": Opportunity.objects.count(),
        "history": StageChange.objects.count(),
        "values": OpportunityCustomFieldValue.objects.count(),
        "access": OpportunityUserObjectPermission.objects.count(),
        "tags": Tag.objects.count(),
    }


@pytest.fixture
def text_field(db):
    return CustomFieldFactory(
        label="PO number", field_type=FieldType.TEXT_FIELD, mask='{"size": 5}'
    )


@pytest.fixture
def select_field(db):
    return CustomFieldFactory(
        label="Segment", field_type=FieldType.SELECT_BOX, mask=json.dumps(["Retail", "Software"])
    )


@pytest.fixture
def checkbox_field(db):
    return CustomFieldFactory(label="Signed NDA", field_type=FieldType.CHECK_BOX)


@pytest.fixture
def heading_field(db):
    return CustomFieldFactory(label="Contract", field_type=FieldType.HEADING)


@pytest.fixture
def date_field(db):
    return CustomFieldFactory(label="Renewal date", field_type=FieldType.DATE)


def test_defaults_applied_when_only_title_given(user, first_stage, base_currency):
    opportunity = opportunity_create(created_by=user, title="  New deal  ")

    opportunity.refresh_from_db()
    assert opportunity.title == "New deal"
    assert opportunity.responsible == user
    assert opportunity.owner == user
    assert opportunity.created_by == user
    assert opportunity.bid_currency == base_currency
    assert opportunity.stage == first_stage
    assert opportunity.success_probability == first_stage.success_probability
    assert opportunity.actual_close_date is None
    assert not opportunity.is_private


def test_history_starts_when_opportunity_created(user, first_stage):
    opportunity = opportunity_create(created_by=user, title="New deal")

    (change,) = opportunity.stage_changes.all()
    assert change.from_stage is None
    assert change.to_stage == first_stage
    assert change.changed_by == user


def test_given_values_kept_when_all_fields_named(
    user, other_user, proposal_stage, eur, person, company
):
    close = timezone.make_aware(datetime(2030, 1, 31, 12, 0))
    opportunity = opportunity_create(
        created_by=user,
        title="Big deal",
        description="Two sites",
        stage=proposal_stage,
        bid_currency=eur,
        responsible=other_user,
        contact=person,
        customer=company,
        bid_value="1234.5",
        success_probability=33,
        expected_close_date=close,
        one_time_revenue=100,
        recurring_revenue=Decimal("50"),
        contract_months=12,
    )

    opportunity.refresh_from_db()
    assert opportunity.stage == proposal_stage
    assert opportunity.bid_currency == eur
    assert opportunity.responsible == other_user
    assert opportunity.owner == user
    assert opportunity.customer == company
    assert opportunity.bid_value == Decimal("1234.50")
    assert opportunity.success_probability == 33
    assert opportunity.expected_close_date == close
    assert opportunity.recurring_revenue == Decimal("50.00")
    assert opportunity.contract_months == 12


def test_actual_close_date_set_when_created_in_closed_stage(user, won_stage):
    opportunity = opportunity_create(created_by=user, title="Done deal", stage=won_stage)

    assert opportunity.actual_close_date is not None
    assert opportunity.success_probability == 100


def test_members_include_primary_contact_when_contact_given(user, person, company):
    opportunity = opportunity_create(
        created_by=user, title="Deal", contact=person, members=[company, company]
    )

    assert set(opportunity.members.all()) == {person, company}


def test_caller_on_access_list_when_private_with_empty_list(user):
    opportunity = opportunity_create(created_by=user, title="Secret", is_private=True)

    opportunity.refresh_from_db()
    assert opportunity.is_private
    assert opportunity_access_user_ids(opportunity) == {user.pk}


def test_access_list_plus_caller_when_private_with_users(user, other_user):
    opportunity = opportunity_create(
        created_by=user, title="Secret", is_private=True, access_list=[other_user]
    )

    assert opportunity_access_user_ids(opportunity) == {user.pk, other_user.pk}


def test_listed_users_notified_after_commit_when_notify(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_create(
            created_by=user,
            title="Secret",
            is_private=True,
            access_list=[other_user],
            notify=True,
        )
        assert mailoutbox == []

    assert [message.to for message in mailoutbox] == [[other_user.email]]


def test_access_list_ignored_when_public(user, other_user):
    opportunity = opportunity_create(created_by=user, title="Open", access_list=[other_user])

    assert not opportunity.is_private
    assert OpportunityUserObjectPermission.objects.count() == 0


def test_tags_reused_when_title_differs_in_case(user):
    existing = TagFactory(entity_type=EntityType.OPPORTUNITY, title="VIP")

    opportunity = opportunity_create(created_by=user, title="Deal", tags=["vip", " renewal "])

    assert {tag.title for tag in opportunity.tags.all()} == {"VIP", "renewal"}
    assert existing in opportunity.tags.all()


@pytest.mark.parametrize(
    ("field_name", "raw", "stored"),
    [
        ("text_field", " 12345 ", "12345"),
        ("select_field", "Retail", "Retail"),
        ("checkbox_field", "yes", "true"),
        ("checkbox_field", False, "false"),
        ("date_field", "2030-05-01", "2030-05-01"),
        ("date_field", "2030-05-01T10:30:00Z", "2030-05-01"),
    ],
)
def test_custom_value_stored_when_valid(request, user, field_name, raw, stored):
    field = request.getfixturevalue(field_name)

    opportunity = opportunity_create(created_by=user, title="Deal", custom_fields={field.pk: raw})

    assert opportunity.custom_values.get(field=field).value == stored


def test_no_value_stored_when_custom_value_empty(user, text_field, heading_field):
    opportunity = opportunity_create(
        created_by=user, title="Deal", custom_fields={text_field.pk: "  ", heading_field.pk: ""}
    )

    assert not opportunity.custom_values.exists()


@pytest.mark.parametrize(
    ("field_name", "raw"),
    [
        ("text_field", "123456"),
        ("select_field", "Farming"),
        ("checkbox_field", "maybe"),
        ("heading_field", "anything"),
        ("date_field", "next tuesday"),
    ],
)
def test_nothing_created_when_custom_value_invalid(request, user, field_name, raw):
    field = request.getfixturevalue(field_name)
    before = row_counts()

    with pytest.raises(InvalidInput) as error:
        opportunity_create(
            created_by=user, title="Deal", tags=["new-tag"], custom_fields={field.pk: raw}
        )

    assert error.value.field == f"custom_field_{field.pk}"
    assert row_counts() == before


@pytest.mark.parametrize("key", [99999, "99999", "abc", None])
def test_nothing_created_when_custom_field_unknown(user, text_field, key):
    before = row_counts()

    with pytest.raises(InvalidInput):
        opportunity_create(created_by=user, title="Deal", custom_fields={key: "x"})

    assert row_counts() == before


def test_nothing_created_when_custom_field_belongs_to_contacts(user):
    contact_field = CustomFieldFactory(entity_type=EntityType.CONTACT)
    before = row_counts()

    with pytest.raises(InvalidInput):
        opportunity_create(created_by=user, title="Deal", custom_fields={contact_field.pk: "x"})

    assert row_counts() == before


def test_nothing_created_when_contact_hidden_from_caller(user, other_user):
    hidden = PersonFactory(created_by=other_user, access_list=[other_user])
    before = row_counts()

    with pytest.raises(InvalidInput):
        opportunity_create(created_by=user, title="Deal", contact=hidden)

    assert row_counts() == before


def test_nothing_created_when_member_hidden_from_caller(user, other_user, person):
    hidden = PersonFactory(created_by=other_user, access_list=[other_user])
    before = row_counts()

    with pytest.raises(InvalidInput):
        opportunity_create(created_by=user, title="Deal", members=[person, hidden])

    assert row_counts() == before


@pytest.mark.parametrize(
    "values",
    [
        {"title": "   "},
        {"title": "x" * 256},
        {"title": "Deal", "bid_value": "-1"},
        {"title": "Deal", "bid_value": "lots"},
        {"title": "Deal", "recurring_revenue": -5},
        {"title": "Deal", "success_probability": 101},
        {"title": "Deal", "contract_months": -1},
        {"title": "Deal", "bid_type": 9},
        {"title": "Deal", "expected_close_date": "2030-01-01"},
        {"title": "Deal", "colour": "red"},
    ],
)
def test_nothing_created_when_value_invalid(user, values):
    before = row_counts()

    with pytest.raises(InvalidInput):
        opportunity_create(created_by=user, **values)

    assert row_counts() == before


def test_nothing_created_when_responsible_inactive(user, other_user):
    other_user.is_active = False
    other_user.save()
    before = row_counts()

    with pytest.raises(InvalidInput):
        opportunity_create(created_by=user, title="Deal", responsible=other_user)

    assert row_counts() == before
