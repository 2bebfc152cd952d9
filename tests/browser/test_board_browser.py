"""The board in a real browser: sign-in, totals, drag and drop, keyboard moves, filters,
load more, privacy and escaping."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from opportunities.board import CARDS_PER_COLUMN
from opportunities.models import Opportunity
from tests.factories import (
    ExchangeRateFactory,
    OpportunityFactory,
    PersonFactory,
    currency,
    default_stage,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def header_numbers(page, stage):
    header = page.locator(f'.column[data-stage-id="{stage.pk}"] .column-header')
    return (
        int(header.get_attribute("data-count")),
        Decimal(header.get_attribute("data-total")),
        Decimal(header.get_attribute("data-weighted")),
    )


def card_selector(opportunity) -> str:
    return f'.card[data-opportunity-id="{opportunity.pk}"]'


def card(page, opportunity):
    return page.locator(card_selector(opportunity))


def in_column(page, stage, opportunity) -> int:
    return page.locator(f"#cards-{stage.pk} {card_selector(opportunity)}").count()


def drag(page, source, target):
    """Drag with real mouse moves, as a person does (both columns must be on screen)."""
    page.set_viewport_size({"width": 1920, "height": 1000})
    source.scroll_into_view_if_needed()
    box = source.bounding_box()
    target_box = target.bounding_box()
    start_x, start_y = box["x"] + 12, box["y"] + box["height"] - 8
    target_x, target_y = target_box["x"] + target_box["width"] / 2, target_box["y"] + 30
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    page.mouse.move(start_x + 10, start_y + 10, steps=3)
    page.wait_for_selector(".card-chosen")
    page.mouse.move(target_x, target_y, steps=15)
    # SortableJS looks for the list under the pointer on its own timer: hover a moment
    page.mouse.move(target_x + 2, target_y + 4, steps=3)
    page.wait_for_timeout(150)
    page.mouse.up()


@pytest.fixture
def pipeline(user, other_user):
    ExchangeRateFactory(rate=Decimal("1.10"))
    start, proposal = default_stage("Initial contact"), default_stage("Proposal")
    acme = PersonFactory(first_name="Ann", last_name="Acme", created_by=user)
    deal = OpportunityFactory(
        created_by=user, title="Acme renewal", stage=start, bid_value=Decimal("1000"), contact=acme
    )
    euro = OpportunityFactory(
        created_by=other_user,
        title="Euro deal",
        stage=start,
        bid_value=Decimal("2000"),
        bid_currency=currency("EUR"),
    )
    late = OpportunityFactory(
        created_by=user, title="Proposal deal", stage=proposal, bid_value=Decimal("400")
    )
    return {"start": start, "proposal": proposal, "deal": deal, "euro": euro, "late": late}


def test_board_shows_stage_counts_and_sums_when_user_signs_in(page, sign_in, user, pipeline):
    sign_in(page, user)
    columns = page.locator(".column .column-title").all_inner_texts()
    assert columns[0] == "Initial contact" and len(columns) == 9
    # 1000 USD + 2000 EUR at 1.10 = 3200 USD; 1 % weighted = 32
    assert header_numbers(page, pipeline["start"]) == (2, Decimal("3200.00"), Decimal("32.00"))
    assert header_numbers(page, pipeline["proposal"]) == (1, Decimal("400.00"), Decimal("300.00"))
    assert page.locator(f'.column[data-stage-id="{pipeline["start"].pk}"] .card').count() == 2
    assert "$3,200" in page.locator(f"#column-header-{pipeline['start'].pk}").inner_text()


def test_dragged_card_changes_both_totals_and_survives_reload_when_dropped(
    page, sign_in, user, pipeline, live_server
):
    sign_in(page, user)
    start, proposal, deal = pipeline["start"], pipeline["proposal"], pipeline["deal"]
    url_before = page.url
    drag(page, card(page, deal), page.locator(f"#cards-{proposal.pk}"))

    page.wait_for_function(
        f"document.querySelector('#column-header-{proposal.pk}').dataset.count === '2'"
    )
    assert page.url == url_before  # no reload
    assert header_numbers(page, start) == (1, Decimal("2200.00"), Decimal("22.00"))
    assert header_numbers(page, proposal) == (2, Decimal("1400.00"), Decimal("1050.00"))
    assert card(page, deal).get_attribute("data-stage-id") == str(proposal.pk)
    assert "moved to Proposal" in page.locator("#toasts").inner_text()

    page.reload()
    assert header_numbers(page, proposal) == (2, Decimal("1400.00"), Decimal("1050.00"))
    assert in_column(page, proposal, deal) == 1
    deal.refresh_from_db()
    assert (deal.stage_id, deal.success_probability) == (proposal.pk, 75)
    assert deal.stage_changes.filter(to_stage=proposal).exists()


def test_card_returns_with_message_when_move_is_refused(page, sign_in, user, other_user, pipeline):
    sign_in(page, user)
    euro, start = pipeline["euro"], pipeline["start"]
    # meanwhile its creator makes it private: this user may no longer touch it
    from opportunities.services import opportunity_set_access

    opportunity_set_access(opportunity=euro, is_private=True, access_list=[], set_by=other_user)
    drag(page, card(page, euro), page.locator(f"#cards-{pipeline['proposal'].pk}"))

    toast = page.locator(".toast-error")
    toast.wait_for()
    assert "no longer exists or is hidden" in toast.inner_text()
    assert in_column(page, start, euro) == 1
    assert header_numbers(page, start)[0] == 2
    euro.refresh_from_db()
    assert euro.stage_id == start.pk


def test_stage_selector_moves_card_when_used_with_keyboard(page, sign_in, user, pipeline):
    sign_in(page, user)
    deal, proposal = pipeline["deal"], pipeline["proposal"]
    summary = card(page, deal).locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    card(page, deal).get_by_label("Stage of “Acme renewal”").select_option(str(proposal.pk))
    card(page, deal).get_by_role("button", name="Move").press("Enter")
    page.wait_for_function(
        f"document.querySelector('#column-header-{proposal.pk}').dataset.count === '2'"
    )
    assert in_column(page, proposal, deal) == 1
    assert Opportunity.objects.get(pk=deal.pk).stage_id == proposal.pk


def test_filters_update_board_and_url_when_user_searches(page, sign_in, user, pipeline):
    sign_in(page, user)
    page.get_by_label("Search").fill("acme")
    page.wait_for_url(re.compile(r"q=acme"))
    page.wait_for_function(
        f"document.querySelector('#column-header-{pipeline['start'].pk}').dataset.count === '1'"
    )
    expect(page.locator(".card")).to_have_count(1)
    # the URL is a bookmark: opening it again shows the same filtered board
    page.goto(page.url)
    assert page.get_by_label("Search").input_value() == "acme"
    assert page.locator(".card").count() == 1

    page.get_by_label("Responsible").select_option("me")
    page.wait_for_url(re.compile(r"responsible=me"))
    expect(page.locator(f"#column-header-{pipeline['start'].pk}")).to_have_attribute(
        "data-count", "1"
    )


def test_load_more_appends_next_cards_when_column_is_long(page, sign_in, user, live_server):
    stage = default_stage("Suspect")
    OpportunityFactory.create_batch(CARDS_PER_COLUMN + 3, created_by=user, stage=stage)
    sign_in(page, user)
    cards = page.locator(f"#cards-{stage.pk} .card")
    assert cards.count() == CARDS_PER_COLUMN
    page.locator(f"#load-more-{stage.pk} button").click()
    page.wait_for_function(
        f"document.querySelectorAll('#cards-{stage.pk} .card').length === {CARDS_PER_COLUMN + 3}"
    )
    expect(page.locator(f"#load-more-{stage.pk} button")).to_have_count(0)


def test_column_stays_with_message_when_load_more_fails(page, sign_in, user, live_server):
    stage = default_stage("Suspect")
    OpportunityFactory.create_batch(CARDS_PER_COLUMN + 3, created_by=user, stage=stage)
    sign_in(page, user)
    column = page.locator(f'.column[data-stage-id="{stage.pk}"]')
    page.route(
        "**/board/columns/**",
        lambda route: route.fulfill(
            status=500, content_type="text/html", body="<h1>Server Error (500)</h1>"
        ),
    )
    page.locator(f"#load-more-{stage.pk} button").click()
    toast = page.locator(".toast-error")
    toast.wait_for()
    assert "could not answer (500)" in toast.inner_text()
    assert "Server Error" not in column.inner_text()
    assert column.locator(".card").count() == CARDS_PER_COLUMN
    assert header_numbers(page, stage)[0] == CARDS_PER_COLUMN + 3

    # the column is intact: once the server answers again, "load more" still works
    page.unroute("**/board/columns/**")
    page.locator(f"#load-more-{stage.pk} button").click()
    page.wait_for_function(
        f"document.querySelectorAll('#cards-{stage.pk} .card').length === {CARDS_PER_COLUMN + 3}"
    )


def test_card_returns_with_message_when_move_fails_on_server(page, sign_in, user, pipeline):
    sign_in(page, user)
    deal, start, proposal = pipeline["deal"], pipeline["start"], pipeline["proposal"]
    page.route(
        "**/move/",
        lambda route: route.fulfill(
            status=500, content_type="text/html", body="<h1>Server Error (500)</h1>"
        ),
    )
    card(page, deal).locator("summary").click()
    card(page, deal).get_by_label("Stage of “Acme renewal”").select_option(str(proposal.pk))
    card(page, deal).get_by_role("button", name="Move").click()

    toast = page.locator(".toast-error")
    toast.wait_for()
    assert "could not save the move (500)" in toast.inner_text()
    assert in_column(page, start, deal) == 1 and in_column(page, proposal, deal) == 0
    assert header_numbers(page, start) == (2, Decimal("3200.00"), Decimal("32.00"))
    assert Opportunity.objects.get(pk=deal.pk).stage_id == start.pk


def test_private_opportunity_hidden_from_other_user_when_not_on_access_list(
    page, sign_in, user, other_user, private_opportunity, live_server
):
    sign_in(page, other_user)
    assert card(page, private_opportunity).count() == 0
    page.goto(f"{live_server.url}/?q=Secret")
    assert page.locator(".card").count() == 0
    assert "Secret deal" not in page.content()
    page.goto(f"{live_server.url}/opportunities/?q=Secret")
    assert "Secret deal" not in page.content()
    response = page.goto(f"{live_server.url}/opportunities/{private_opportunity.pk}/")
    assert response.status == 404


def test_title_with_script_shows_as_text_when_rendered(page, sign_in, user, live_server):
    evil = OpportunityFactory(created_by=user, title="<script>window.pwned=1</script>Deal")
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog) or dialog.dismiss())
    sign_in(page, user)
    assert card(page, evil).locator(".card-title a").inner_text() == (
        "<script>window.pwned=1</script>Deal"
    )
    page.goto(f"{live_server.url}/opportunities/{evil.pk}/")
    assert page.locator("h1").inner_text().startswith("<script>window.pwned=1</script>Deal")
    assert page.evaluate("window.pwned") is None
    assert dialogs == []


def test_opportunity_created_when_form_submitted(page, sign_in, user, live_server):
    sign_in(page, user)
    page.get_by_role("link", name="+ New opportunity").click()
    page.get_by_label("Title").fill("Browser-made deal")
    page.get_by_label("Amount").fill("-3")
    page.locator("#id_stage").select_option(label="Negotiations")
    page.get_by_role("button", name="Create opportunity").click()
    expect(page.locator(".field.has-error").first).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Browser-made deal")

    page.get_by_label("Amount").fill("7500")
    page.get_by_label("Currency").select_option("EUR")
    page.get_by_label("Expected close date").fill("2031-03-04")
    page.get_by_label("Tags").fill("inbound, q1")
    page.get_by_role("button", name="Create opportunity").click()
    page.wait_for_url(re.compile(r"/opportunities/\d+/$"))
    assert page.locator("h1").inner_text() == "Browser-made deal"
    assert "€7,500" in page.content()
    created = Opportunity.objects.get(title="Browser-made deal")
    assert (created.stage.title, created.success_probability) == ("Negotiations", 90)

    page.goto(f"{live_server.url}/")
    assert card(page, created).count() == 1


def test_columns_scroll_sideways_when_screen_is_phone_sized(page, sign_in, user, pipeline):
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, user)
    board = page.locator(".board")
    assert board.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
