"""The pages of what the pipeline adds up to (issue 13), at the bench's full size:

- `forecast`: GET /forecast/ (the open deals by expected close month, split by stage, and the
  last six months won against their forecast), checked against the open deals the user may
  see, counted without the product's code.

The reports add their scenario here (`insights_scenarios`)."""

from __future__ import annotations

import re

from bench.scenarios import Call, Scenario, expect_status, visible_opportunities

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


def insights_scenarios() -> list[Scenario]:
    return [ForecastPage()]
