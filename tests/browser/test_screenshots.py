"""Screenshots for the README, made from a realistic pipeline: `make screenshots`."""

from pathlib import Path

import factory.random
import pytest

from tests.browser.demo_data import build_demo, build_demo_activities

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_screenshot_board_and_detail_written_when_demo_pipeline_is_shown(
    live_server, page, sign_in, request, tmp_path
):
    """Writes docs/screenshots/ when asked for (`make screenshots`, i.e. `-k screenshot`);
    in an ordinary test run the pictures go to a temporary folder and the tree stays clean."""
    wanted = "screenshot" in (request.config.getoption("keyword") or "")
    folder = SCREENSHOTS if wanted else tmp_path
    factory.random.reseed_random("pipeline-screenshots")
    maria, jonas, _, deals = build_demo()
    build_demo_activities(maria, jonas, deals)
    folder.mkdir(parents=True, exist_ok=True)
    sign_in(page, maria)
    page.set_viewport_size({"width": 1840, "height": 900})
    page.goto(f"{live_server.url}/")
    page.wait_for_selector(".card")
    page.screenshot(path=str(folder / "board.png"))

    deal = deals["Security audit"]
    page.goto(f"{live_server.url}/opportunities/{deal.pk}/")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(folder / "opportunity-detail.png"), full_page=True)
    # the sticky top bar would cover the section's top
    page.locator("#timeline").screenshot(
        path=str(folder / "timeline.png"), style=".topbar { position: static; }"
    )

    page.goto(f"{live_server.url}/tasks/")
    page.screenshot(path=str(folder / "my-tasks.png"))

    assert (folder / "board.png").stat().st_size > 10_000
    assert (folder / "opportunity-detail.png").stat().st_size > 10_000
    assert (folder / "timeline.png").stat().st_size > 10_000
    assert (folder / "my-tasks.png").stat().st_size > 10_000
