"""Sign-in pages (Django's auth views with our templates) and "my account"."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.selectors import currency_base
from opportunities.board import BoardFilters, board_queryset, stage_totals_in_base
from opportunities.selectors import opportunity_card_related


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """Who I am, and my part of the pipeline at a glance."""
    mine = board_queryset(user=request.user, filters=BoardFilters(responsible=request.user))
    base = currency_base()
    totals = stage_totals_in_base(mine.filter(stage__stage_type=0), base=base)
    open_deals = opportunity_card_related(
        mine.filter(stage__stage_type=0).order_by("expected_close_date", "id")
    )[:10]
    return render(
        request,
        "accounts/account.html",
        {
            "open_count": sum(t.count for t in totals.values()),
            "open_total": sum((t.total for t in totals.values()), 0),
            "open_weighted": sum((t.weighted for t in totals.values()), 0),
            "base": base,
            "open_deals": open_deals,
        },
    )
