"""A stage move changes the probability (and a close date, a lost reason) in the same service
call: the timeline shows those on the move's line, not as lines of their own, while a change
of the same field made apart from a move keeps its own line."""

import re

import pytest

from opportunities.models import LostReason
from opportunities.services import opportunity_move_to_stage, opportunity_update
from tests.factories import OpportunityFactory, default_stage

pytestmark = pytest.mark.django_db


def stream(client, deal) -> str:
    response = client.get(f"/opportunities/{deal.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('id="timeline-stream"') :]


def entries(html: str, kind: str) -> list[str]:
    return re.findall(rf'<li class="entry entry-{kind}[^"]*"[^>]*>(.*?)</li>', html, re.S)


def test_a_moves_probability_shows_on_the_moves_line_when_moved(client, user):
    deal = OpportunityFactory(responsible=user, created_by=user, success_probability=1)
    opportunity_move_to_stage(
        opportunity=deal, stage=default_stage("Need assessment"), moved_by=user
    )
    client.force_login(user)

    html = stream(client, deal)

    moves = [e for e in entries(html, "stage") if "Need assessment" in e]
    assert len(moves) == 1
    assert "Probability" in moves[0] and "20%" in moves[0]
    assert not [e for e in entries(html, "audit") if "Probability" in e]


def test_a_lost_moves_reason_shows_on_the_move_when_lost(client, user):
    deal = OpportunityFactory(responsible=user, created_by=user)
    reason = LostReason.objects.get(title="No budget")
    opportunity_move_to_stage(
        opportunity=deal,
        stage=default_stage("Unsuccessfully closed"),
        moved_by=user,
        lost_reason=reason,
    )
    client.force_login(user)

    html = stream(client, deal)

    loss = [e for e in entries(html, "stage") if "Unsuccessfully closed" in e]
    assert len(loss) == 1 and loss[0].count("No budget") == 1
    assert not [e for e in entries(html, "audit") if "No budget" in e]


def test_a_probability_changed_apart_from_a_move_keeps_its_own_line_when_edited(client, user):
    deal = OpportunityFactory(responsible=user, created_by=user, success_probability=10)
    opportunity_update(opportunity=deal, updated_by=user, success_probability=35)
    client.force_login(user)

    html = stream(client, deal)

    assert [e for e in entries(html, "audit") if "Probability" in e and "35%" in e]
