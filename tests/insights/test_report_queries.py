"""The reports page costs the same number of queries whatever the data (every figure is an
aggregate query)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from opportunities.models import LostReason, Stage, StageType
from tests.factories import (
    ExchangeRateFactory,
    OpportunityFactory,
    StageChangeFactory,
    TagFactory,
)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [4, 40])
def test_reports_query_count_is_constant_when_data_grows(
    size, client, user, other_user, django_assert_num_queries
):
    ExchangeRateFactory()
    stages = list(Stage.objects.order_by("sort_order"))
    won = Stage.objects.filter(stage_type=StageType.CLOSED_AND_WON).first()
    lost = Stage.objects.filter(stage_type=StageType.CLOSED_AND_LOST).first()
    reasons = list(LostReason.objects.all())
    tag = TagFactory()
    now = timezone.now()
    for index in range(size):
        final = (won, lost, stages[1])[index % 3]
        deal = OpportunityFactory(
            created_by=user if index % 2 else other_user,
            stage=final,
            created_at=now - timedelta(days=30 + index % 20),
            actual_close_date=now - timedelta(days=index % 20) if final.is_closed else None,
            lost_reason=reasons[index % len(reasons)] if final == lost else None,
            tags=[tag],
            access_list=[user] if index % 4 == 0 else None,
        )
        StageChangeFactory(opportunity=deal, to_stage=stages[0], changed_at=deal.created_at)
        StageChangeFactory(
            opportunity=deal, to_stage=final, changed_at=now - timedelta(days=index % 20)
        )
    client.force_login(user)
    # session + user, the form's users, the chosen tag and the tag list, the base currency
    # and its rates (2), the stages, then the figures: win rate, conversion (2), velocity,
    # lost reasons, months (2), and the navigation's count of overdue tasks; without the tag
    # filter one query less
    with django_assert_num_queries(17):
        response = client.get(f"/reports/?tag={tag.pk}")
    assert response.status_code == 200
    with django_assert_num_queries(16):
        response = client.get("/reports/")
    assert response.status_code == 200
