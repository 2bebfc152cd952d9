"""The forecast in a real browser, under the real Content-Security-Policy: a filter and the
split switch narrow and regroup the page in place (htmx), are kept in the URL, and the chart
draws with its values written on the bars."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import OpportunityFactory, default_stage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def strict_page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(8000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.csp_messages = []
    page.on(
        "console",
        lambda m: page.csp_messages.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()


@pytest.fixture
def deals(user, other_user):
    soon = timezone.now() + timedelta(hours=1)
    proposal = default_stage("Proposal")
    OpportunityFactory(
        created_by=user,
        title="Mine",
        stage=proposal,
        bid_value=Decimal("1000"),
        expected_close_date=soon,
    )
    OpportunityFactory(
        created_by=other_user,
        title="Theirs",
        stage=proposal,
        bid_value=Decimal("3000"),
        expected_close_date=soon,
    )
    OpportunityFactory(
        created_by=other_user, title="Secret", bid_value=Decimal("50000"), access_list=[other_user]
    )


def test_forecast_filter_and_split_switch_stay_in_the_url_when_changed(
    strict_page, sign_in, user, other_user, deals, live_server
):
    page = strict_page
    sign_in(page, user)
    page.get_by_role("link", name="Forecast").click()
    page.wait_for_url(f"{live_server.url}/forecast/")
    count = page.locator('[data-forecast-total="count"]')
    assert count.inner_text() == "2"  # the secret deal of another does not count
    assert page.locator('[data-forecast-total="amount"]').inner_text() == "4000.00"
    chart = page.get_by_role("img", name=re.compile("Open opportunities by expected close"))
    assert chart.locator("text.bar-value", has_text="4,000").count() == 1

    page.get_by_label("Responsible").select_option("me")
    page.wait_for_url(re.compile(r"responsible=me"))
    expect(page.locator('[data-forecast-total="amount"]')).to_have_text("1000.00")
    expect(count).to_have_text("1")

    page.get_by_label("Split by").select_option("responsible")
    page.wait_for_url(re.compile(r"split=responsible"))
    table = page.locator("#forecast-table")
    expect(table.get_by_role("columnheader", name="Responsible")).to_be_visible()
    expect(table.get_by_role("cell", name=user.get_display_name())).to_have_count(1)
    assert "responsible=me" in page.url

    page.reload()  # the URL holds both
    assert page.get_by_label("Split by").input_value() == "responsible"
    assert page.get_by_label("Responsible").input_value() == "me"
    assert count.inner_text() == "1"
    page.wait_for_timeout(100)
    assert page.evaluate("window.__cspViolations") + page.csp_messages == []


def test_screenshot_forecast_written_when_demo_pipeline_is_shown(
    live_server, page, sign_in, request, tmp_path
):
    """docs/screenshots/forecast.png with `make screenshots` (`-k screenshot`); else a temporary
    folder. The demo's two won deals are moved back to last month and the one before, with
    their history, so that the past months have something to show."""
    import factory.random

    from insights.forecast_selectors import month_start
    from opportunities.models import Opportunity, StageChange
    from tests.browser.demo_data import build_demo
    from tests.browser.test_screenshots import SCREENSHOTS

    wanted = "screenshot" in (request.config.getoption("keyword") or "")
    folder = SCREENSHOTS if wanted else tmp_path
    factory.random.reseed_random("pipeline-screenshots")
    maria, _, _, deals = build_demo()
    today = timezone.localdate()
    for back, title in ((1, "Starter bundle"), (2, "Onboarding services")):
        start = month_start(today, -back)
        deal = deals[title]
        Opportunity.objects.filter(pk=deal.pk).update(
            created_at=start - timedelta(days=20),
            expected_close_date=start + timedelta(days=12),
            actual_close_date=start + timedelta(days=9),
        )
        changes = StageChange.objects.filter(opportunity=deal).order_by("changed_at", "pk")
        for index, change in enumerate(changes):
            StageChange.objects.filter(pk=change.pk).update(
                changed_at=start - timedelta(days=20 - index)
                if index < len(changes) - 1
                else start + timedelta(days=9)
            )
    folder.mkdir(parents=True, exist_ok=True)
    sign_in(page, maria)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/forecast/")
    page.screenshot(path=str(folder / "forecast.png"), full_page=True)
    assert (folder / "forecast.png").stat().st_size > 10_000
