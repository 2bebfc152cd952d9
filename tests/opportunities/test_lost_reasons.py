"""Won and lost through the services: a lost stage takes a reason and a comment, other stages
refuse them, leaving the lost stages (reopening) clears them."""

import pytest

from core.errors import InvalidInput
from opportunities.models import LostReason, Opportunity
from opportunities.selectors import lost_reason_find, lost_reason_list
from opportunities.services import (
    opportunity_create,
    opportunity_move_to_stage,
    opportunity_reopen,
    opportunity_update,
)
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def price():
    return LostReason.objects.get(title="Price too high")


@pytest.fixture
def retired():
    return LostReason.objects.create(title="Retired reason", is_active=False, sort_order=99)


def test_reason_and_comment_stored_when_moved_to_lost_stage(opportunity, user, lost_stage, price):
    opportunity_move_to_stage(
        opportunity=opportunity,
        stage=lost_stage,
        moved_by=user,
        lost_reason=price,
        lost_comment="  They found it cheaper.  ",
    )

    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.lost_reason, opportunity.lost_comment) == (
        lost_stage,
        price,
        "They found it cheaper.",
    )
    assert opportunity.actual_close_date is not None


def test_move_to_lost_stage_refused_without_reason_when_required(opportunity, user, lost_stage):
    with pytest.raises(InvalidInput) as error:
        opportunity_move_to_stage(
            opportunity=opportunity, stage=lost_stage, moved_by=user, require_lost_reason=True
        )

    assert error.value.field == "lost_reason"
    opportunity.refresh_from_db()
    assert opportunity.stage != lost_stage
    assert not opportunity.stage_changes.filter(to_stage=lost_stage).exists()


def test_move_to_lost_stage_allowed_without_reason_when_not_required(opportunity, user, lost_stage):
    opportunity_move_to_stage(opportunity=opportunity, stage=lost_stage, moved_by=user)

    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.lost_reason) == (lost_stage, None)


@pytest.mark.parametrize("stage_name", ["proposal_stage", "won_stage"])
def test_reason_refused_naming_field_when_target_is_not_lost(
    request, opportunity, user, price, stage_name
):
    stage = request.getfixturevalue(stage_name)
    before = opportunity.stage_id
    with pytest.raises(InvalidInput) as error:
        opportunity_move_to_stage(
            opportunity=opportunity, stage=stage, moved_by=user, lost_reason=price
        )

    assert error.value.field == "lost_reason"
    assert Opportunity.objects.get(pk=opportunity.pk).stage_id == before


def test_comment_refused_naming_field_when_target_is_not_lost(opportunity, user, won_stage):
    with pytest.raises(InvalidInput) as error:
        opportunity_move_to_stage(
            opportunity=opportunity, stage=won_stage, moved_by=user, lost_comment="why"
        )
    assert error.value.field == "lost_comment"


def test_retired_reason_refused_for_a_new_choice(opportunity, user, lost_stage, retired):
    with pytest.raises(InvalidInput) as error:
        opportunity_move_to_stage(
            opportunity=opportunity, stage=lost_stage, moved_by=user, lost_reason=retired
        )
    assert error.value.field == "lost_reason"


def test_retired_reason_kept_when_deal_already_carries_it(user, lost_stage, retired):
    deal = OpportunityFactory(created_by=user, stage=lost_stage, lost_reason=retired)

    opportunity_update(opportunity=deal, updated_by=user, title="Renamed", require_lost_reason=True)
    opportunity_move_to_stage(
        opportunity=deal, stage=lost_stage, moved_by=user, lost_reason=retired, lost_comment="x"
    )

    deal.refresh_from_db()
    assert (deal.title, deal.lost_reason, deal.lost_comment) == ("Renamed", retired, "x")


def test_too_long_comment_refused(opportunity, user, lost_stage, price):
    with pytest.raises(InvalidInput) as error:
        opportunity_move_to_stage(
            opportunity=opportunity,
            stage=lost_stage,
            moved_by=user,
            lost_reason=price,
            lost_comment="x" * 5000,
        )
    assert error.value.field == "lost_comment"


def test_reopen_clears_reason_comment_and_close_date(user, lost_stage, first_stage, price):
    deal = OpportunityFactory(created_by=user, stage=first_stage)
    opportunity_move_to_stage(
        opportunity=deal, stage=lost_stage, moved_by=user, lost_reason=price, lost_comment="c"
    )

    opportunity_reopen(opportunity=deal, reopened_by=user)

    deal.refresh_from_db()
    assert deal.stage == first_stage
    assert (deal.lost_reason, deal.lost_comment, deal.actual_close_date) == (None, "", None)
    assert deal.stage_changes.filter(from_stage=lost_stage, to_stage=first_stage).exists()


def test_reopen_goes_to_the_chosen_open_stage(user, won_stage, proposal_stage):
    deal = OpportunityFactory(created_by=user, stage=won_stage)

    opportunity_reopen(opportunity=deal, reopened_by=user, stage=proposal_stage)

    deal.refresh_from_db()
    assert deal.stage == proposal_stage
    assert deal.success_probability == proposal_stage.success_probability


def test_reopen_refused_when_deal_is_open_or_target_closed(user, opportunity, won_stage):
    with pytest.raises(InvalidInput):
        opportunity_reopen(opportunity=opportunity, reopened_by=user)
    deal = OpportunityFactory(created_by=user, stage=won_stage)
    with pytest.raises(InvalidInput) as error:
        opportunity_reopen(opportunity=deal, reopened_by=user, stage=won_stage)
    assert error.value.field == "stage"


def test_update_sets_reason_with_a_lost_stage_and_requires_it_when_asked(
    opportunity, user, lost_stage, price
):
    with pytest.raises(InvalidInput) as error:
        opportunity_update(
            opportunity=opportunity, updated_by=user, stage=lost_stage, require_lost_reason=True
        )
    assert error.value.field == "lost_reason"

    opportunity_update(
        opportunity=opportunity,
        updated_by=user,
        stage=lost_stage,
        lost_reason=price,
        lost_comment="Too dear",
        require_lost_reason=True,
    )
    opportunity.refresh_from_db()
    assert (opportunity.lost_reason, opportunity.lost_comment) == (price, "Too dear")


def test_update_refuses_reason_for_an_open_deal(opportunity, user, price):
    with pytest.raises(InvalidInput) as error:
        opportunity_update(opportunity=opportunity, updated_by=user, lost_reason=price)
    assert error.value.field == "lost_reason"


def test_update_leaving_lost_stage_clears_reason(user, lost_stage, proposal_stage, price):
    deal = OpportunityFactory(
        created_by=user, stage=lost_stage, lost_reason=price, lost_comment="c"
    )
    opportunity_update(opportunity=deal, updated_by=user, stage=proposal_stage)
    deal.refresh_from_db()
    assert (deal.lost_reason, deal.lost_comment) == (None, "")


def test_create_in_lost_stage_takes_reason(user, lost_stage, price):
    deal = opportunity_create(
        created_by=user, title="Gone", stage=lost_stage, lost_reason=price, lost_comment="c"
    )
    deal.refresh_from_db()
    assert (deal.lost_reason, deal.lost_comment) == (price, "c")
    with pytest.raises(InvalidInput):
        opportunity_create(
            created_by=user, title="Gone", stage=lost_stage, require_lost_reason=True
        )


def test_reason_list_offers_active_reasons_in_order_and_the_current_one(retired, price):
    titles = list(lost_reason_list().values_list("title", flat=True))
    assert titles[0] == "Price too high" and "Retired reason" not in titles
    kept = lost_reason_list(keep_id=retired.pk).values_list("title", flat=True)
    assert "Retired reason" in kept
    assert lost_reason_find(reference="price TOO high") == price
    assert lost_reason_find(reference=str(price.pk)) == price
    assert lost_reason_find(reference="9" * 30) is None
