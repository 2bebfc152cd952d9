"""The reports in a real browser: open Reports from the navigation, choose a date range, read
the win rate's chart and table, keep the range in the URL, download the table as CSV."""

from pathlib import Path

import pytest

from tests.insights import report_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_win_rate_for_a_chosen_range_shows_chart_table_and_downloads(
    page, live_server, sign_in, user, other_user
):
    report_data.build(user=user, other_user=other_user)
    sign_in(page, user)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.wait_for_url(f"{live_server.url}/reports/")
    page.get_by_label("From", exact=True).fill("2026-01-01")
    page.get_by_label("To", exact=True).fill("2026-03-31")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/reports/?*date_from=2026-01-01*")
    assert "date_to=2026-03-31" in page.url

    section = page.locator("#report-win-rate")
    chart = section.get_by_role("img", name="Win rate: won and lost shares of the deals closed")
    assert chart.count() == 1
    assert "50.0% (2)" in chart.text_content()  # the value is written on the bar
    rows = section.locator("table tbody tr")
    assert rows.nth(0).inner_text().split("\t")[:2] == ["Won", "2"]
    assert "60.6%" in rows.nth(3).inner_text()
    # bob's private deal (9999) never counts for alice
    assert "9,999" not in page.locator("main").inner_text()

    with page.expect_download() as download:
        section.get_by_role("link", name="CSV").click()
    path = download.value.path()
    text = Path(path).read_text(encoding="utf-8")
    assert text.splitlines()[1] == "Won,2,4000.00,60.5"
    assert download.value.suggested_filename == "win-rate-2026-01-01-2026-03-31.csv"


def test_reports_page_has_no_policy_violation(browser, live_server, sign_in, user, other_user):
    """Under the real Content-Security-Policy (the shared context bypasses it): the inline
    SVG charts need no inline style or script."""
    report_data.build(user=user, other_user=other_user)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(8000)
    page = context.new_page()
    messages = []
    page.on("console", lambda m: messages.append(m.text) if "Content" in m.text else None)
    try:
        sign_in(page, user)
        page.goto(f"{live_server.url}/reports/?{report_data.RANGE}")
        assert page.locator("svg.chart").count() == 5
        page.wait_for_timeout(100)
        assert [m for m in messages if "Security" in m or "Policy" in m] == []
    finally:
        context.close()


def test_screenshot_reports_written_when_a_range_is_shown(
    page, live_server, sign_in, user, other_user, request, tmp_path
):
    """docs/screenshots/reports.png with `make screenshots` (`-k screenshot`); else a temporary
    folder: the reports of the hand-computed data set for its quarter."""
    from tests.browser.test_screenshots import SCREENSHOTS

    wanted = "screenshot" in (request.config.getoption("keyword") or "")
    folder = SCREENSHOTS if wanted else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    report_data.build(user=user, other_user=other_user)
    sign_in(page, user)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/reports/?date_from=2026-01-01&date_to=2026-03-31")
    page.locator("#report-win-rate").wait_for()
    page.screenshot(path=str(folder / "reports.png"), full_page=True)
    assert (folder / "reports.png").stat().st_size > 10_000
