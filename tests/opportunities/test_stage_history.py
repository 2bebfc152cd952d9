from datetime import timedelta

import pytest
from django.utils import timezone

from opportunities.models import Stage
from opportunities.selectors import opportunity_stage_history
from opportunities.services import opportunity_create, opportunity_move_to_stage, opportunity_update
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def test_history_lists_every_move_newest_first_when_moved_through_the_pipeline(
    user, other_user, first_stage, proposal_stage, won_stage, django_assert_num_queries
):
    opportunity = opportunity_create(created_by=user, title="Deal")
    opportunity_move_to_stage(opportunity=opportunity, stage=proposal_stage, moved_by=other_user)
    opportunity_update(opportunity=opportunity, updated_by=user, stage=won_stage)

    with django_assert_num_queries(1):
        history = [
            (change.from_stage, change.to_stage, change.changed_by)
            for change in opportunity_stage_history(opportunity)
        ]

    assert history == [
        (proposal_stage, won_stage, user),
        (first_stage, proposal_stage, other_user),
        (None, first_stage, user),
    ]


def test_history_kept_when_stage_deleted(user, proposal_stage, first_stage):
    extra = Stage.objects.create(title="Temporary", sort_order=50)
    opportunity = opportunity_create(created_by=user, title="Deal", stage=extra)
    opportunity_move_to_stage(opportunity=opportunity, stage=proposal_stage, moved_by=user)

    extra.delete()

    history = list(opportunity_stage_history(opportunity))
    assert [(c.from_stage, c.to_stage) for c in history] == [(None, proposal_stage), (None, None)]


@pytest.mark.parametrize(
    ("days_in_stage", "limit", "rotting"),
    [(10, 7, True), (7, 7, False), (30, None, False)],
)
def test_card_rotting_when_in_open_stage_longer_than_warning(
    user, proposal_stage, days_in_stage, limit, rotting
):
    Stage.objects.filter(pk=proposal_stage.pk).update(days_before_warning=limit)
    opportunity = OpportunityFactory(
        created_by=user,
        stage=Stage.objects.get(pk=proposal_stage.pk),
        stage_entered_at=timezone.now() - timedelta(days=days_in_stage, hours=1),
    )

    assert opportunity.is_rotting is rotting


def test_card_not_rotting_when_in_closed_stage(user, won_stage):
    Stage.objects.filter(pk=won_stage.pk).update(days_before_warning=1)
    opportunity = OpportunityFactory(
        created_by=user,
        stage=Stage.objects.get(pk=won_stage.pk),
        stage_entered_at=timezone.now() - timedelta(days=100),
        expected_close_date=timezone.now() - timedelta(days=100),
    )

    assert not opportunity.is_rotting
    assert not opportunity.is_overdue
