"""Downloads of the board and of the opportunities table as CSV or XLSX (`format=csv|xlsx`).

The query string is the page's: the same form reads the same filters, visibility comes first
(`board_queryset`), and the rows are the page's deals, every one of them (no paging), in the
page's order. The file is written by `core.tabular_export` (streamed CSV, or XLSX from a
temporary file); the columns are opportunities.export_selectors' (docs/import_export.md)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.selectors import currency_base
from core.tabular_export import export_format, tabular_response
from core.views import domain_errors_as_http
from opportunities.board import board_queryset
from opportunities.board_forms import BoardFilterForm
from opportunities.export_selectors import EXPORT_HEADER, opportunity_export_rows
from opportunities.list_forms import OpportunityListFilterForm
from opportunities.list_selectors import opportunity_list_rows
from opportunities.selectors import BOARD_CARD_ORDER


def _download(request: HttpRequest, queryset, *, base, name: str, file_format: str):
    rows = opportunity_export_rows(queryset, user=request.user, base=base)
    filename = f"{name}-{timezone.localdate().isoformat()}"
    return tabular_response(
        file_format=file_format, header=EXPORT_HEADER, rows=rows, filename=filename
    )


@login_required
@require_GET
@domain_errors_as_http
def board_export(request: HttpRequest) -> HttpResponse:
    """Every deal of the filtered board, column by column (the stages' order), each column in
    the cards' order; the closed columns too, collapsed or not."""
    file_format = export_format(request.GET.get("format"))  # a bad one: 400 before any work
    filters = BoardFilterForm(request.GET, user=request.user).to_filters()
    queryset = board_queryset(user=request.user, filters=filters).order_by(
        "stage__sort_order", "stage_id", *BOARD_CARD_ORDER
    )
    return _download(
        request, queryset, base=currency_base(), name="pipeline-board", file_format=file_format
    )


@login_required
@require_GET
@domain_errors_as_http
def opportunity_list_export(request: HttpRequest) -> HttpResponse:
    """Every row of the filtered opportunities table (all pages), in the table's order."""
    file_format = export_format(request.GET.get("format"))
    form = OpportunityListFilterForm(request.GET, user=request.user)
    base = currency_base()
    queryset = opportunity_list_rows(
        user=request.user,
        filters=form.to_filters(),
        state=form.state_filters(),
        base=base,
        sort=request.GET.get("sort", ""),
    ).prefetch_related(None)  # the rows read their tags per chunk
    return _download(request, queryset, base=base, name="opportunities", file_format=file_format)
