"""The pages of what the pipeline adds up to (issue 13), at the bench's full size:

- `forecast`: GET /forecast/ (the open deals by expected close month, split by stage, and the
  last six months won against their forecast), checked against the open deals the user may
  see, counted without the product's code.

- `reports`: GET /reports/ for a year (win rate, stage conversion, velocity, lost reasons,
  new / won / lost per month), its closed count checked against the deals the user may see
  closed in that year, counted without the product's code."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from bench.scenarios import Call, Scenario, expect_status, visible_opportunities

REPORTS_RANGE = ("2024-06-02", "2025-06-01")  # the year before the data set's anchor
REPORTS_CLOSED = re.compile(r'<th scope="row">Closed</th><td>([\d,\s\u00a0]+)</td>')
FORECAST_TOTAL = re.compile(r'data-forecast-total="count">(\d+)<')


class ForecastPage(Scenario):
    name = "forecast"
    description = "GET /forecast/ (open deals by expected close month, split by stage)"

    def call(self, env, i):
        return Call("GET", "/forecast/", client="page")

    def check(self, env, response, call):
        """Every open deal the user may see is in one bucket: the total counts them all."""
        problems = expect_status(response, 200)
        if problems:
            return problems
        found = FORECAST_TOTAL.search(response.content.decode())
        if found is None:
            return ["no forecast total"]
        closed = [pk for pk, is_closed in env.fixture.stage_closed.items() if is_closed]
        expected = visible_opportunities(env.user.pk).exclude(stage_id__in=closed).count()
        if int(found.group(1)) != expected:
            problems.append(f"forecast counts {found.group(1)} open deals, expected {expected}")
        return problems


class ReportsPage(Scenario):
    name = "reports"
    description = "GET /reports/ for a year (win rate, conversion, velocity, lost reasons, months)"

    def call(self, env, i):
        start, end = REPORTS_RANGE
        return Call("GET", f"/reports/?date_from={start}&date_to={end}", client="page")

    def check(self, env, response, call):
        """The win rate's closed count is every deal the user may see closed in the year."""
        problems = expect_status(response, 200)
        if problems:
            return problems
        found = REPORTS_CLOSED.search(response.content.decode())
        if found is None:
            return ["no closed count in the win rate table"]
        start, end = (
            datetime.combine(date.fromisoformat(day), time.min, tzinfo=UTC) for day in REPORTS_RANGE
        )
        closed = [pk for pk, is_closed in env.fixture.stage_closed.items() if is_closed]
        expected = (
            visible_opportunities(env.user.pk)
            .filter(
                stage_id__in=closed,
                actual_close_date__gte=start,
                actual_close_date__lt=end + timedelta(days=1),
            )
            .count()
        )
        count = int(re.sub(r"\D", "", found.group(1)))
        if count != expected:
            problems.append(f"reports count {count} closed deals, expected {expected}")
        return problems


def insights_scenarios() -> list[Scenario]:
    return [ForecastPage(), ReportsPage()]
