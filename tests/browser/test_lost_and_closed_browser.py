"""Won and lost in a real browser: a card dropped on the (collapsed) lost column asks why in a
dialog, Esc puts it back, the reason shows on the deal page; the summary counts open deals only;
a collapsed won column takes a drop; "show closed" survives a filter change."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from opportunities.models import LostReason, Opportunity
from tests.browser.test_board_browser import card, drag, header_numbers, in_column
from tests.factories import OpportunityFactory, default_stage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def deals(user):
    negotiations = default_stage("Negotiations")
    won, lost = default_stage("Closure/Transaction"), default_stage("Unsuccessfully closed")
    deal = OpportunityFactory(
        created_by=user, title="Big deal", stage=negotiations, bid_value=Decimal("1000")
    )
    OpportunityFactory(
        created_by=user, title="Small deal", stage=negotiations, bid_value=Decimal("200")
    )
    OpportunityFactory(created_by=user, title="Old win", stage=won, bid_value=Decimal("500"))
    return {"negotiations": negotiations, "won": won, "lost": lost, "deal": deal}


def show_last_columns(page):
    """The closed columns are the last ones: scroll the board to its end (1920 px wide)."""
    page.set_viewport_size({"width": 1920, "height": 1000})
    page.evaluate(
        "() => { const b = document.querySelector('.board');"
        " b.style.scrollSnapType = 'none'; b.scrollLeft = b.scrollWidth; }"
    )
    page.wait_for_timeout(100)


def summary(page, key: str) -> str:
    return page.locator(f"#board-summary [data-summary={key}]").inner_text()


def closed_sum(page, stage_type: int) -> str:
    return " ".join(
        page.locator(f"#board-summary [data-closed='{stage_type}']").inner_text().split()
    )


def test_drop_on_lost_asks_reason_and_deal_page_shows_it(page, sign_in, user, deals, live_server):
    sign_in(page, user)
    lost, deal = deals["lost"], deals["deal"]
    assert "is-collapsed" in page.locator(f'.column[data-stage-id="{lost.pk}"]').get_attribute(
        "class"
    )
    assert summary(page, "total") == "$1,200"
    assert closed_sum(page, 1) == "Won: 1 · $500"
    show_last_columns(page)

    drag(page, card(page, deal), page.locator(f"#cards-{lost.pk}"))

    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert "Big deal" in dialog.inner_text()
    select = dialog.get_by_label("Lost reason")
    assert select.evaluate("el => el === document.activeElement")
    # nothing is sent before the reason is given
    assert Opportunity.objects.get(pk=deal.pk).stage_id == deals["negotiations"].pk
    select.select_option(label="Chose a competitor")
    dialog.get_by_label("Comment").fill("They had a local office")
    dialog.get_by_role("button", name="Mark as lost").click()

    page.wait_for_function(
        f"document.querySelector('#column-header-{lost.pk}').dataset.count === '1'"
    )
    expect(dialog).to_be_hidden()
    # the summary: open deals only, lost apart
    assert summary(page, "count") == "1"
    assert summary(page, "total") == "$200"
    assert closed_sum(page, 2) == "Lost: 1 · $1,000"
    deal.refresh_from_db()
    assert deal.stage_id == lost.pk
    assert deal.lost_reason == LostReason.objects.get(title="Chose a competitor")

    page.goto(f"{live_server.url}/opportunities/{deal.pk}/")
    note = page.locator(".closed-note")
    assert "Chose a competitor" in note.inner_text()
    assert "They had a local office" in note.inner_text()
    # the timeline (activities) tells the move with its reason
    assert "Chose a competitor" in page.locator("#timeline").inner_text()
    # and Reopen brings it back to an open stage
    note.get_by_role("button", name="Reopen").click()
    # the answer is the same page again: its URL matched before the click, its message did not
    expect(page.locator("body")).to_contain_text("reopened in")
    page.wait_for_url(re.compile(rf"/opportunities/{deal.pk}/$"))  # and the new page has loaded
    deal.refresh_from_db()
    assert (deal.stage.stage_type, deal.lost_reason) == (0, None)


def test_escape_cancels_the_lost_move_and_the_card_goes_back(page, sign_in, user, deals):
    sign_in(page, user)
    lost, deal, negotiations = deals["lost"], deals["deal"], deals["negotiations"]
    show_last_columns(page)

    drag(page, card(page, deal), page.locator(f"#cards-{lost.pk}"))
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    page.keyboard.press("Escape")

    page.wait_for_function(
        f"document.querySelector('#cards-{negotiations.pk} "
        f'[data-opportunity-id="{deal.pk}"]\') !== null'
    )
    expect(dialog).to_be_hidden()
    assert in_column(page, lost, deal) == 0
    assert header_numbers(page, lost)[0] == 0
    assert summary(page, "total") == "$1,200"
    page.wait_for_timeout(300)  # nothing is sent afterwards either
    assert Opportunity.objects.get(pk=deal.pk).stage_id == negotiations.pk


def test_collapsed_won_column_takes_a_drop_without_asking(page, sign_in, user, deals):
    sign_in(page, user)
    won, deal = deals["won"], deals["deal"]
    show_last_columns(page)

    drag(page, card(page, deal), page.locator(f"#cards-{won.pk}"))

    page.wait_for_function(
        f"document.querySelector('#column-header-{won.pk}').dataset.count === '2'"
    )
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert header_numbers(page, won)[1] == Decimal("1500.00")
    assert closed_sum(page, 1) == "Won: 2 · $1,500"
    assert summary(page, "total") == "$200"
    assert Opportunity.objects.get(pk=deal.pk).stage_id == won.pk


def test_show_closed_survives_a_filter_change(page, sign_in, user, deals):
    sign_in(page, user)
    won = deals["won"]
    column = page.locator(f'.column[data-stage-id="{won.pk}"]')
    assert "Old win" not in column.inner_text()

    page.get_by_label("Show closed").check()
    page.wait_for_url(re.compile(r"closed=show"))
    page.wait_for_function(
        f"!document.querySelector('.column[data-stage-id=\"{won.pk}\"]')"
        ".classList.contains('is-collapsed')"
    )
    expect(column).to_contain_text("Old win")

    page.get_by_label("Responsible").select_option("me")
    page.wait_for_url(re.compile(r"responsible=me"))
    assert "closed=show" in page.url
    expect(page.get_by_label("Show closed")).to_be_checked()
    expect(column).not_to_have_class(re.compile(r"\bis-collapsed\b"))
    expect(column).to_contain_text("Old win")

    page.reload()
    assert page.get_by_label("Show closed").is_checked()
    assert "Old win" in column.inner_text()


def test_keyboard_move_to_lost_asks_reason_too(page, sign_in, user, deals):
    sign_in(page, user)
    lost, deal = deals["lost"], deals["deal"]
    summary_button = card(page, deal).locator("summary")
    summary_button.focus()
    page.keyboard.press("Enter")
    card(page, deal).get_by_label("Stage of “Big deal”").select_option(str(lost.pk))
    card(page, deal).get_by_role("button", name="Move").press("Enter")

    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    page.keyboard.press("Tab")  # the comment; Enter there would be a new line
    dialog.get_by_label("Lost reason").select_option(label="Bad timing")
    dialog.get_by_role("button", name="Mark as lost").press("Enter")

    page.wait_for_function(
        f"document.querySelector('#column-header-{lost.pk}').dataset.count === '1'"
    )
    deal.refresh_from_db()
    assert (deal.stage_id, deal.lost_reason.title) == (lost.pk, "Bad timing")
