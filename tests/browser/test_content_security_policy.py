"""The pages, htmx, the admin and the API docs work under the Content-Security-Policy, in a real
browser (issue 8, point 11): no `securitypolicyviolation` event and no CSP console message on
any of them, and the htmx and script-driven actions still work."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from opportunities.board import CARDS_PER_COLUMN
from opportunities.models import Opportunity
from tests.factories import OpportunityFactory, default_stage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


@pytest.fixture
def watched(browser):
    """A page under the real policy (the shared `context` fixture bypasses it so that the other
    browser tests may use Playwright's string predicates, which need eval) that records every
    CSP violation, from events and from the console. Waits here use locators: no eval."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(8000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.console_messages_seen = []
    page.on(
        "console",
        lambda message: (
            page.console_messages_seen.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()


def violations(page) -> list[str]:
    page.wait_for_timeout(100)  # violation events are queued as tasks
    return page.evaluate("window.__cspViolations") + page.console_messages_seen


def stage_color(page, selector: str) -> str:
    return page.eval_on_selector(
        selector, "el => getComputedStyle(el).getPropertyValue('--stage-color').trim()"
    )


@pytest.fixture
def pipeline(admin_user):
    start, proposal = default_stage("Initial contact"), default_stage("Proposal")
    start.color = "#ff8800"
    start.save(update_fields=["color"])
    deal = OpportunityFactory(
        created_by=admin_user, title="Acme renewal", stage=start, bid_value=Decimal("1000")
    )
    long_stage = default_stage("Suspect")
    OpportunityFactory.create_batch(CARDS_PER_COLUMN + 2, created_by=admin_user, stage=long_stage)
    return {"start": start, "proposal": proposal, "deal": deal, "long": long_stage}


def test_board_and_its_htmx_actions_work_without_violation_when_policy_applies(
    watched, sign_in, admin_user, pipeline, live_server
):
    page = watched
    sign_in(page, admin_user)
    start, deal = pipeline["start"], pipeline["deal"]

    # stage colours painted from data-stage-color, not from style attributes
    assert stage_color(page, f'.column[data-stage-id="{start.pk}"]') == "#ff8800"

    # htmx: load more appends the next cards
    long_stage = pipeline["long"]
    page.locator(f"#load-more-{long_stage.pk} button").click()
    expect(page.locator(f"#cards-{long_stage.pk} .card")).to_have_count(CARDS_PER_COLUMN + 2)

    # board.js: moving a card with the stage selector
    proposal = pipeline["proposal"]
    card = page.locator(f'.card[data-opportunity-id="{deal.pk}"]')
    card.locator("summary").click()
    card.get_by_label("Stage of “Acme renewal”").select_option(str(proposal.pk))
    card.get_by_role("button", name="Move").click()
    expect(page.locator(f"#column-header-{proposal.pk}")).to_have_attribute("data-count", "1")
    assert Opportunity.objects.get(pk=deal.pk).stage_id == proposal.pk

    # htmx: the filters swap the board, and the new columns are painted too
    column = f'.column[data-stage-id="{start.pk}"]'
    page.eval_on_selector(column, "el => { el.dataset.before = 'swap'; }")
    page.get_by_label("Search").fill("acme")
    page.wait_for_url(re.compile(r"q=acme"))
    expect(page.locator(f"#column-header-{long_stage.pk}")).to_have_attribute("data-count", "0")
    expect(page.locator(".card")).to_have_count(1)
    assert page.eval_on_selector(column, "el => el.dataset.before || ''") == ""  # a new element
    # painted on htmx:after:swap, which follows the settle delay: later than the new cards
    expect(page.locator(column)).to_have_css("--stage-color", re.compile(r"^\s*#ff8800\s*$"))

    assert violations(page) == []


def test_opportunity_pages_work_without_violation_when_policy_applies(
    watched, sign_in, admin_user, pipeline, live_server
):
    page = watched
    sign_in(page, admin_user)
    deal = pipeline["deal"]

    page.goto(f"{live_server.url}/opportunities/{deal.pk}/")
    assert stage_color(page, ".detail-head") == "#ff8800"
    page.goto(f"{live_server.url}/opportunities/")
    page.goto(f"{live_server.url}/opportunities/{deal.pk}/edit/")
    page.goto(f"{live_server.url}/contacts/")
    page.goto(f"{live_server.url}/accounts/me/")

    assert violations(page) == []


def test_admin_works_without_violation_when_policy_applies(
    watched, sign_in, admin_user, pipeline, live_server
):
    page = watched
    sign_in(page, admin_user)
    deal = pipeline["deal"]

    page.goto(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/opportunities/opportunity/")
    page.goto(f"{live_server.url}/admin/opportunities/opportunity/{deal.pk}/change/")
    page.goto(f"{live_server.url}/admin/accounts/user/{admin_user.pk}/change/")
    # the admin's own scripts run: the filter widget of the permissions is built by JavaScript
    page.wait_for_selector(".selector-filter", timeout=5000)
    page.goto(f"{live_server.url}/admin/opportunities/opportunity/add/")

    assert violations(page) == []


def test_api_docs_render_without_violation_when_policy_applies(
    watched, sign_in, admin_user, live_server
):
    page = watched
    sign_in(page, admin_user)

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=15000)  # the schema was fetched and rendered

    assert page.locator(".opblock").count() > 10
    assert violations(page) == []
