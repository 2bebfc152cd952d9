from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import InvalidInput, NotFound
from opportunities.models import Opportunity, OpportunityUserObjectPermission, StageChange
from opportunities.selectors import opportunity_access_user_ids
from opportunities.services import opportunity_update
from tests.factories import (
    CustomFieldFactory,
    LeadSourceFactory,
    OpportunityFactory,
    OpportunityStatusFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

CLOSE = timezone.make_aware(datetime(2030, 3, 1, 9, 0))


@pytest.fixture
def full_opportunity(user, person, company):
    opportunity = OpportunityFactory(
        title="Full deal",
        description="Keep me",
        created_by=user,
        contact=person,
        customer=company,
        bid_value=Decimal("5000.00"),
        expected_close_date=CLOSE,
        source=LeadSourceFactory(),
        status=OpportunityStatusFactory(),
        contract_months=24,
        members=[person],
    )
    return opportunity


def snapshot(opportunity: Opportunity) -> dict:
    fresh = Opportunity.objects.get(pk=opportunity.pk)
    return {
        **{f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields},
        "members": set(fresh.members.values_list("pk", flat=True)),
        "tags": set(fresh.tags.values_list("pk", flat=True)),
        "values": set(fresh.custom_values.values_list("field_id", "value")),
        "access": opportunity_access_user_ids(fresh),
        "history": fresh.stage_changes.count(),
    }


def test_only_named_fields_change_when_updated(full_opportunity, user):
    before = snapshot(full_opportunity)

    opportunity_update(opportunity=full_opportunity, updated_by=user, title="Renamed")

    after = snapshot(full_opportunity)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"title", "updated_at", "version"}
    assert after["title"] == "Renamed"


@pytest.mark.parametrize(
    ("field", "value", "cleared"),
    [
        ("description", None, ""),
        ("description", "", ""),
        ("expected_close_date", None, None),
        ("bid_value", None, Decimal("0")),
        ("contract_months", "", 0),
        ("source", None, None),
        ("status", None, None),
        ("customer", None, None),
    ],
)
def test_field_cleared_when_named_with_empty_value(full_opportunity, user, field, value, cleared):
    opportunity_update(opportunity=full_opportunity, updated_by=user, **{field: value})

    full_opportunity.refresh_from_db()
    assert getattr(full_opportunity, field) == cleared


@pytest.mark.parametrize(
    "changes",
    [
        {"title": ""},
        {"responsible": None},
        {"stage": None},
        {"bid_currency": None},
        {"bid_value": -1},
        {"success_probability": 150},
        {"unknown_field": 1},
    ],
)
def test_nothing_changes_when_value_invalid(full_opportunity, user, changes):
    before = snapshot(full_opportunity)

    with pytest.raises(InvalidInput):
        opportunity_update(
            opportunity=full_opportunity, updated_by=user, description="Changed?", **changes
        )

    assert snapshot(full_opportunity) == before


def test_nothing_changes_when_custom_value_invalid(full_opportunity, user):
    field = CustomFieldFactory(mask='{"size": 3}')
    before = snapshot(full_opportunity)

    with pytest.raises(InvalidInput):
        opportunity_update(
            opportunity=full_opportunity,
            updated_by=user,
            title="Changed?",
            custom_fields={field.pk: "too long"},
        )

    assert snapshot(full_opportunity) == before


def test_custom_value_removed_when_named_with_empty_value(full_opportunity, user):
    field = CustomFieldFactory()
    opportunity_update(opportunity=full_opportunity, updated_by=user, custom_fields={field.pk: "x"})

    opportunity_update(opportunity=full_opportunity, updated_by=user, custom_fields={field.pk: ""})

    assert not full_opportunity.custom_values.exists()


def test_history_recorded_when_stage_changes(full_opportunity, other_user, proposal_stage):
    opportunity_update(opportunity=full_opportunity, updated_by=other_user, stage=proposal_stage)

    full_opportunity.refresh_from_db()
    change = full_opportunity.stage_changes.get(to_stage=proposal_stage)
    assert change.from_stage.title == "Initial contact"
    assert change.changed_by == other_user
    assert full_opportunity.success_probability == proposal_stage.success_probability
    assert full_opportunity.stage_entered_at == change.changed_at


def test_no_history_when_stage_named_but_unchanged(full_opportunity, user):
    opportunity_update(opportunity=full_opportunity, updated_by=user, stage=full_opportunity.stage)

    assert not StageChange.objects.filter(opportunity=full_opportunity).exists()


def test_given_probability_kept_when_stage_changes(full_opportunity, user, proposal_stage):
    opportunity_update(
        opportunity=full_opportunity,
        updated_by=user,
        stage=proposal_stage,
        success_probability=40,
    )

    full_opportunity.refresh_from_db()
    assert full_opportunity.success_probability == 40


@pytest.mark.parametrize("explicit_none", [False, True])
def test_actual_close_date_set_when_entering_closed_stage(
    full_opportunity, user, won_stage, explicit_none
):
    extra = {"actual_close_date": None} if explicit_none else {}

    opportunity_update(opportunity=full_opportunity, updated_by=user, stage=won_stage, **extra)

    full_opportunity.refresh_from_db()
    assert full_opportunity.actual_close_date is not None
    assert full_opportunity.success_probability == 100


def test_given_close_date_kept_when_entering_closed_stage(full_opportunity, user, lost_stage):
    opportunity_update(
        opportunity=full_opportunity, updated_by=user, stage=lost_stage, actual_close_date=CLOSE
    )

    full_opportunity.refresh_from_db()
    assert full_opportunity.actual_close_date == CLOSE


def test_actual_close_date_cleared_when_back_to_open_stage(user, won_stage, proposal_stage):
    closed = OpportunityFactory(created_by=user, stage=won_stage, actual_close_date=CLOSE)

    opportunity_update(opportunity=closed, updated_by=user, stage=proposal_stage)

    closed.refresh_from_db()
    assert closed.actual_close_date is None


def test_status_change_time_recorded_when_status_changes(full_opportunity, user):
    new_status = OpportunityStatusFactory()
    Opportunity.objects.filter(pk=full_opportunity.pk).update(
        status_changed_at=timezone.now() - timedelta(days=30)
    )

    opportunity_update(opportunity=full_opportunity, updated_by=user, status=new_status)

    full_opportunity.refresh_from_db()
    assert full_opportunity.status == new_status
    assert timezone.now() - full_opportunity.status_changed_at < timedelta(minutes=1)


def test_primary_contact_added_to_members_when_contact_changes(full_opportunity, user, person):
    new_contact = PersonFactory(created_by=user)

    opportunity_update(opportunity=full_opportunity, updated_by=user, contact=new_contact)

    assert set(full_opportunity.members.all()) == {person, new_contact}


def test_members_replaced_when_members_named(full_opportunity, user, company):
    opportunity_update(opportunity=full_opportunity, updated_by=user, members=[company])

    assert list(full_opportunity.members.all()) == [company]


def test_tags_replaced_when_tags_named(full_opportunity, user):
    opportunity_update(opportunity=full_opportunity, updated_by=user, tags=["a", "B"])
    opportunity_update(opportunity=full_opportunity, updated_by=user, tags=["b"])

    assert [tag.title for tag in full_opportunity.tags.all()] == ["B"]


def test_access_changed_when_creator_updates(full_opportunity, user, other_user):
    opportunity_update(
        opportunity=full_opportunity, updated_by=user, is_private=True, access_list=[other_user]
    )

    full_opportunity.refresh_from_db()
    assert full_opportunity.is_private
    assert opportunity_access_user_ids(full_opportunity) == {user.pk, other_user.pk}


def test_access_change_skipped_when_editor_is_not_creator(full_opportunity, other_user):
    opportunity_update(
        opportunity=full_opportunity,
        updated_by=other_user,
        title="Edited by a colleague",
        is_private=True,
        access_list=[other_user],
    )

    full_opportunity.refresh_from_db()
    assert full_opportunity.title == "Edited by a colleague"
    assert not full_opportunity.is_private
    assert not OpportunityUserObjectPermission.objects.exists()


def test_not_found_and_nothing_changes_when_stranger_updates(private_opportunity, other_user):
    before = snapshot(private_opportunity)

    with pytest.raises(NotFound):
        opportunity_update(opportunity=private_opportunity, updated_by=other_user, title="Mine")

    assert snapshot(private_opportunity) == before


def test_not_found_when_opportunity_deleted_meanwhile(opportunity, user):
    Opportunity.objects.filter(pk=opportunity.pk).delete()

    with pytest.raises(NotFound):
        opportunity_update(opportunity=opportunity, updated_by=user, title="Gone")
