"""The forecast page (/forecast/) and its downloads: thin views over
insights.forecast_selectors; the filters are the board's form, kept in the URL."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.tabular_export import export_format, tabular_response
from core.views import domain_errors_as_http
from insights.forecast_chart import bar_chart
from insights.forecast_selectors import HORIZONS, SPLITS, forecast_build, forecast_table
from opportunities.board_forms import BoardFilterForm

# the board's filters the forecast offers, and its own two switches
FILTER_KEYS = ("responsible", "contact", "tag", "private")
SWITCH_KEYS = ("split", "months")


def _choice(value, allowed, default):
    return value if value in allowed else default


def _forecast(request: HttpRequest):
    form = BoardFilterForm(
        {k: v for k, v in request.GET.items() if k in (*FILTER_KEYS, "contact_search")},
        user=request.user,
    )
    filters = form.to_filters()
    split = _choice(request.GET.get("split"), SPLITS, SPLITS[0])
    try:
        months = int(request.GET.get("months", HORIZONS[0]))
    except ValueError:
        months = HORIZONS[0]
    horizon = _choice(months, HORIZONS, HORIZONS[0])
    forecast = forecast_build(user=request.user, filters=filters, horizon=horizon, split=split)
    return form, filters, forecast


def _charts(forecast):
    code = forecast.base_currency.pk
    open_chart = bar_chart(
        f"Open opportunities by expected close month, in {code}",
        ["Amount", "Weighted"],
        [(b.label, [b.totals.amount, b.totals.weighted]) for b in forecast.buckets],
    )
    past_chart = bar_chart(
        f"The last {len(forecast.past)} months: won and forecast, in {code}",
        ["Won", "Forecast"],
        [(m.label, [m.won.amount, m.forecast.weighted]) for m in forecast.past],
    )
    return open_chart, past_chart


@login_required
@require_GET
@domain_errors_as_http
def forecast_page(request: HttpRequest) -> HttpResponse:
    """The page; with `format=csv` or `format=xlsx` the download of its table (the same
    filters and switches)."""
    form, filters, forecast = _forecast(request)
    if "format" in request.GET:
        header, rows = forecast_table(forecast)
        return tabular_response(
            file_format=export_format(request.GET.get("format")),
            header=header,
            rows=rows,
            filename=f"forecast-{timezone.localdate().isoformat()}",
        )
    open_chart, past_chart = _charts(forecast)
    query = request.GET.copy()
    for key in list(query):
        if key not in (*FILTER_KEYS, *SWITCH_KEYS):
            del query[key]
    context = {
        "forecast": forecast,
        "filter_form": form,
        "filters_active": filters.active,
        "open_chart": open_chart,
        "past_chart": past_chart,
        "query": query.urlencode(),
        "horizons": HORIZONS,
    }
    return render(request, "insights/forecast.html", context)
