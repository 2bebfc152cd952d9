from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import InvalidInput, NotFound
from opportunities.models import Opportunity, StageChange
from opportunities.services import opportunity_move_to_stage
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def test_probability_taken_from_stage_when_moved(opportunity, user, negotiation_stage):
    Opportunity.objects.filter(pk=opportunity.pk).update(success_probability=5)

    moved = opportunity_move_to_stage(
        opportunity=opportunity, stage=negotiation_stage, moved_by=user
    )

    opportunity.refresh_from_db()
    assert moved.stage == negotiation_stage
    assert opportunity.stage == negotiation_stage
    assert opportunity.success_probability == 90


def test_history_row_written_when_moved(opportunity, other_user, first_stage, proposal_stage):
    started = timezone.now()

    opportunity_move_to_stage(opportunity=opportunity, stage=proposal_stage, moved_by=other_user)

    (change,) = StageChange.objects.filter(opportunity=opportunity)
    assert (change.from_stage, change.to_stage, change.changed_by) == (
        first_stage,
        proposal_stage,
        other_user,
    )
    assert started <= change.changed_at <= timezone.now()
    opportunity.refresh_from_db()
    assert opportunity.stage_entered_at == change.changed_at
    assert opportunity.updated_at == change.changed_at


@pytest.mark.parametrize("stage_name", ["won_stage", "lost_stage"])
def test_actual_close_date_set_when_entering_closed_stage(request, opportunity, user, stage_name):
    stage = request.getfixturevalue(stage_name)

    opportunity_move_to_stage(opportunity=opportunity, stage=stage, moved_by=user)

    opportunity.refresh_from_db()
    assert timezone.now() - opportunity.actual_close_date < timedelta(minutes=1)
    assert opportunity.success_probability == stage.success_probability


def test_actual_close_date_cleared_when_back_to_open_stage(user, won_stage, proposal_stage):
    closed = OpportunityFactory(created_by=user, stage=won_stage, actual_close_date=timezone.now())

    opportunity_move_to_stage(opportunity=closed, stage=proposal_stage, moved_by=user)

    closed.refresh_from_db()
    assert closed.actual_close_date is None
    assert closed.success_probability == 75


def test_nothing_written_when_moved_to_current_stage(opportunity, user, first_stage):
    before = Opportunity.objects.filter(pk=opportunity.pk).values().get()

    opportunity_move_to_stage(opportunity=opportunity, stage=first_stage, moved_by=user)

    assert Opportunity.objects.filter(pk=opportunity.pk).values().get() == before
    assert not StageChange.objects.exists()


def test_not_found_and_nothing_changes_when_stranger_moves(
    private_opportunity, other_user, won_stage
):
    before = Opportunity.objects.filter(pk=private_opportunity.pk).values().get()

    with pytest.raises(NotFound):
        opportunity_move_to_stage(
            opportunity=private_opportunity, stage=won_stage, moved_by=other_user
        )

    assert Opportunity.objects.filter(pk=private_opportunity.pk).values().get() == before
    assert not StageChange.objects.exists()


def test_refused_when_stage_is_not_a_stage(opportunity, user):
    with pytest.raises(InvalidInput):
        opportunity_move_to_stage(opportunity=opportunity, stage=None, moved_by=user)

    assert not StageChange.objects.exists()
