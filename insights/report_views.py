"""The reports page (/reports/) and each report's table as CSV or XLSX: thin views over
report_selectors (figures) and report_tables (their tables and charts)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.tabular_export import export_format, tabular_response
from core.views import domain_errors_as_http
from insights.report_forms import ReportFilterForm
from insights.report_selectors import reports_build
from insights.report_tables import REPORT_TABLES, report_tables

# the query string kept by the links (the filters and the range)
REPORT_KEYS = ("q", "responsible", "contact", "tag", "private", "date_from", "date_to")


def _reports(request: HttpRequest):
    form = ReportFilterForm(request.GET, user=request.user)
    filters, span = form.to_filters(), form.to_span()
    return form, reports_build(user=request.user, filters=filters, span=span)


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    for key in list(query):
        if key not in REPORT_KEYS:
            del query[key]
    return query.urlencode()


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    form, figures = _reports(request)
    context = {
        "filter_form": form,
        "reports": figures,
        "tables": report_tables(figures),
        "report_query": _query(request),
    }
    return render(request, "insights/reports.html", context)


@login_required
@require_GET
@domain_errors_as_http
def report_export(request: HttpRequest, name: str, file_format: str) -> HttpResponse:
    build = REPORT_TABLES.get(name)
    if build is None:
        raise Http404("No such report.")
    file_format = export_format(file_format)
    _, figures = _reports(request)
    table = build(figures)
    span = figures.span
    filename = f"{name}-{span.date_from.isoformat()}-{span.date_to.isoformat()}"
    return tabular_response(
        file_format=file_format, header=table.header, rows=table.values(), filename=filename
    )
