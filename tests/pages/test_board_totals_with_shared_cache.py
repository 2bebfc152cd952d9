"""The board's column totals, cached in a shared cache, follow every write made through the
services (the board's own move, the API) and are kept apart per filter."""

import re
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue
from opportunities.services import opportunity_set_access
from tests.factories import OpportunityFactory, default_stage

pytestmark = pytest.mark.django_db


def header(html: str, stage_id: int) -> dict:
    match = re.search(
        rf'<header class="column-header" id="column-header-{stage_id}"[^>]*'
        r'data-count="(\d+)" data-total="([\d.]+)"',
        html,
    )
    assert match, f"no header for stage {stage_id}"
    return {"count": int(match.group(1)), "total": Decimal(match.group(2))}


def test_board_totals_are_fresh_when_services_wrote_since_they_were_cached(
    signed_in, user, other_user, shared_cache, django_capture_on_commit_callbacks
):
    token, _ = token_issue(user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=token)
    first, second = default_stage("Initial contact"), default_stage("Proposal")
    deal = OpportunityFactory(created_by=user, stage=first, bid_value=Decimal("100"))
    theirs = OpportunityFactory(created_by=other_user, stage=first, bid_value=Decimal("5"))

    def board(query: str = "") -> str:
        response = signed_in.get("/" + query)
        assert response.status_code == 200
        return response.content.decode()

    assert header(board(), first.pk) == {"count": 2, "total": Decimal("105.00")}
    assert header(board("?responsible=me"), first.pk)["count"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        moved = signed_in.post(f"/opportunities/{deal.pk}/move/", {"stage": second.pk})
    assert moved.status_code in (200, 302)
    html = board()
    assert header(html, first.pk) == {"count": 1, "total": Decimal("5.00")}
    assert header(html, second.pk) == {"count": 1, "total": Decimal("100.00")}
    assert header(board("?responsible=me"), first.pk)["count"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = api.put(f"/api/2.0/crm/opportunity/{deal.pk}", {"bidValue": 300}, format="json")
    assert response.status_code == 200
    assert header(board(), second.pk)["total"] == Decimal("300.00")

    with django_capture_on_commit_callbacks(execute=True):
        opportunity_set_access(
            opportunity=theirs, is_private=True, access_list=[], set_by=other_user
        )
    assert header(board(), first.pk)["count"] == 0
