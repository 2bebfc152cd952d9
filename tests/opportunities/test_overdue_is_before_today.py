"""Overdue means an expected close date before today in the current time zone: a deal due today
is not flagged, on the card, in "needs attention", or on the board page."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from opportunities.models import Opportunity
from opportunities.selectors import opportunity_needs_attention_q
from tests.factories import OpportunityFactory, default_stage

pytestmark = pytest.mark.django_db

# Far from UTC, so "today" there and in UTC differ for part of every day.
ZONES = ["Pacific/Kiritimati", "America/Adak", "UTC"]


def local_moment(day, at: time):
    return timezone.make_aware(datetime.combine(day, at))


@pytest.fixture(params=ZONES)
def zone(request, settings):
    settings.TIME_ZONE = request.param
    timezone.deactivate()
    return request.param


def flagged(opportunity) -> tuple[bool, bool]:
    # a next step is planned: only the close date is judged here ("no next step" also flags)
    next_week = timezone.now() + timedelta(days=7)
    Opportunity.objects.filter(pk=opportunity.pk).update(next_task_due=next_week)
    opportunity = Opportunity.objects.select_related("stage").get(pk=opportunity.pk)
    in_filter = Opportunity.objects.filter(
        opportunity_needs_attention_q(), pk=opportunity.pk
    ).exists()
    return opportunity.is_overdue, in_filter


def test_not_overdue_when_due_today(zone, user):
    today = timezone.localdate()
    start = default_stage("Initial contact")
    at_midnight = OpportunityFactory(
        created_by=user, stage=start, expected_close_date=local_moment(today, time.min)
    )
    at_end = OpportunityFactory(
        created_by=user, stage=start, expected_close_date=local_moment(today, time(23, 59))
    )
    assert flagged(at_midnight) == (False, False)
    assert flagged(at_end) == (False, False)


def test_overdue_when_due_yesterday(zone, user):
    yesterday = timezone.localdate() - timedelta(days=1)
    late = OpportunityFactory(
        created_by=user,
        stage=default_stage("Initial contact"),
        expected_close_date=local_moment(yesterday, time(23, 59, 59)),
    )
    assert flagged(late) == (True, True)


def test_board_shows_no_warning_when_due_today(zone, client, user):
    OpportunityFactory(
        created_by=user,
        title="Due today",
        stage=default_stage("Initial contact"),
        expected_close_date=local_moment(timezone.localdate(), time.min),
    )
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Due today" in html
    assert "Expected close date has passed" not in html
    assert "is-overdue" not in html
