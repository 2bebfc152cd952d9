"""The first cards of each board column: both ways of choosing them pick the same cards."""

from datetime import timedelta

import pytest
from django.utils import timezone

from opportunities.board import BoardFilters, board_queryset
from opportunities.selectors import opportunity_board_cards, stage_list
from tests.factories import OpportunityFactory, default_stage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("searching", [False, True])
def test_first_cards_follow_close_date_then_id_when_columns_are_long(user, other_user, searching):
    stages = [default_stage("Initial contact"), default_stage("Proposal")]
    now = timezone.now()
    for index in range(24):
        OpportunityFactory(
            title=f"Deal {index}",
            created_by=user if index % 3 else other_user,
            is_private=index % 5 == 0,  # some of the other user's are hidden
            stage=stages[index % 2],
            expected_close_date=None if index % 4 == 0 else now + timedelta(days=index % 7),
        )
    queryset = board_queryset(user=user, filters=BoardFilters(text="deal"))
    cards = opportunity_board_cards(
        queryset,
        user=user,
        stage_ids=[s.pk for s in stage_list()],
        per_column=4,
        searching=searching,
    )

    expected = []
    for stage in stages:
        rows = sorted(
            queryset.filter(stage=stage),
            key=lambda o: (o.expected_close_date is None, o.expected_close_date or now, o.pk),
        )
        expected += [o.pk for o in rows[:4]]
    assert [card.pk for card in cards] == expected
