"""The deal page's Reopen: a won or lost deal back in an open stage (the Move control and the
board's drop handle every other stage change, lost reasons included: opportunities/views.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from core.errors import InvalidInput
from core.views import domain_errors_as_http
from opportunities.board_forms import ReopenForm
from opportunities.selectors import opportunity_get_editable
from opportunities.services import opportunity_reopen


@login_required
@require_POST
@domain_errors_as_http
def opportunity_reopen_page(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_editable(user=request.user, opportunity_id=pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an open stage to reopen the deal in.")
        return redirect("opportunity_detail", pk=pk)
    try:
        opportunity = opportunity_reopen(
            opportunity=opportunity, reopened_by=request.user, stage=form.cleaned_data["stage"]
        )
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"“{opportunity.title}” reopened in {opportunity.stage.title}.")
    return redirect("opportunity_detail", pk=pk)
