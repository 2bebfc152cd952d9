"""Board cards show what happens next: the next open task's date (red when it is overdue), or
"No next step" on an open deal without an open task; "needs attention" includes both."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from opportunities.models import Opportunity, StageType
from tests.factories import OpportunityFactory, StageFactory, default_stage

pytestmark = pytest.mark.django_db


def local(day, at=time(10, 0)):
    return timezone.make_aware(datetime.combine(day, at))


def card_html(html: str, deal) -> str:
    match = re.search(
        rf'<article class="[^"]*" data-opportunity-id="{deal.pk}".*?</article>', html, re.S
    )
    assert match, f"card {deal.pk} not on the board"
    return match.group(0)


def card_ids(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-opportunity-id="(\d+)"', html)}


def test_card_shows_next_task_date_when_a_task_is_open(signed_in, user):
    due = local(timezone.localdate() + timedelta(days=2))
    deal = OpportunityFactory(created_by=user, next_task_due=due)
    card = card_html(signed_in.get("/").content.decode(), deal)
    assert 'class="card-next"' in card
    assert f"{due:%b} {due.day}, {due.year}" in card
    assert "No next step" not in card
    assert "card-attention" not in card


def test_card_next_task_is_red_when_it_was_due_before_today(signed_in, user):
    deal = OpportunityFactory(
        created_by=user, next_task_due=local(timezone.localdate() - timedelta(days=1))
    )
    card = card_html(signed_in.get("/").content.decode(), deal)
    assert 'class="card-next is-overdue"' in card
    assert "(overdue)" in card
    assert "card-attention" in card


def test_card_next_task_is_not_red_when_it_is_due_today(signed_in, user):
    deal = OpportunityFactory(created_by=user, next_task_due=local(timezone.localdate(), time.min))
    card = card_html(signed_in.get("/").content.decode(), deal)
    assert 'class="card-next"' in card
    assert "is-overdue" not in card


def test_card_says_no_next_step_when_open_deal_has_no_open_task(signed_in, user):
    deal = OpportunityFactory(created_by=user, next_task_due=None)
    card = card_html(signed_in.get("/").content.decode(), deal)
    assert "No next step" in card


@pytest.mark.parametrize("stage_type", [StageType.CLOSED_AND_WON, StageType.CLOSED_AND_LOST])
def test_closed_card_shows_no_next_step_line_when_deal_is_won_or_lost(signed_in, user, stage_type):
    stage = StageFactory(title=f"Closed {stage_type}", stage_type=stage_type)
    bare = OpportunityFactory(created_by=user, stage=stage, next_task_due=None)
    with_task = OpportunityFactory(
        created_by=user, stage=stage, next_task_due=local(timezone.localdate() - timedelta(days=3))
    )
    html = signed_in.get("/?closed=show").content.decode()
    for deal in (bare, with_task):
        if deal.pk in card_ids(html):
            card = card_html(html, deal)
            assert "No next step" not in card
            assert "card-next" not in card


def test_needs_attention_lists_no_next_step_and_overdue_task_when_filtered(signed_in, user):
    today = timezone.localdate()
    planned = OpportunityFactory(created_by=user, next_task_due=local(today + timedelta(days=1)))
    due_today = OpportunityFactory(created_by=user, next_task_due=local(today, time(23, 0)))
    late_task = OpportunityFactory(created_by=user, next_task_due=local(today - timedelta(days=2)))
    nothing_planned = OpportunityFactory(created_by=user, next_task_due=None)
    won = OpportunityFactory(
        created_by=user, stage=default_stage("Closure/Transaction"), next_task_due=None
    )
    assert won.stage.stage_type == StageType.CLOSED_AND_WON

    shown = card_ids(signed_in.get("/?attention=on").content.decode())

    assert late_task.pk in shown and nothing_planned.pk in shown
    assert planned.pk not in shown and due_today.pk not in shown and won.pk not in shown


def test_model_needs_attention_agrees_with_the_filter_when_next_step_varies(user):
    today = timezone.localdate()
    deals = [
        OpportunityFactory(created_by=user, next_task_due=due)
        for due in (None, local(today - timedelta(days=1)), local(today), local(today, time.max))
    ]
    deals.append(OpportunityFactory(created_by=user, stage=default_stage("Closure/Transaction")))
    from opportunities.selectors import opportunity_needs_attention_q

    flagged = set(
        Opportunity.objects.filter(opportunity_needs_attention_q()).values_list("pk", flat=True)
    )
    for deal in Opportunity.objects.select_related("stage").filter(pk__in=[d.pk for d in deals]):
        assert deal.needs_attention == (deal.pk in flagged), deal
    assert flagged == {deals[0].pk, deals[1].pk}
