"""Issue 11, point 8, in Chromium: the board scrolls while a card is dragged to a far stage and
shows that more stages exist; money keeps one format after a move; phones reach every link and
nothing overflows the page sideways."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from opportunities.models import Opportunity
from tests.factories import CompanyFactory, OpportunityFactory, PersonFactory, default_stage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

MONEY = r"\$\d{1,3}(,\d{3})*(\.\d\d)?"


def no_sideways_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def column_fully_shown(page, stage) -> bool:
    return page.evaluate(
        """(id) => {
          const board = document.querySelector('.board').getBoundingClientRect();
          const column = document.querySelector(`.column[data-stage-id="${id}"]`)
            .getBoundingClientRect();
          return column.left >= board.left && column.right <= board.right;
        }""",
        stage.pk,
    )


def test_board_scrolls_to_far_stage_when_card_is_dragged_to_its_edge(page, sign_in, user):
    start, far = default_stage("Initial contact"), default_stage("Closure/Transaction")
    deal = OpportunityFactory(created_by=user, title="Far deal", stage=start)
    sign_in(page, user)  # 1440 px wide: about five of the nine stages fit
    board = page.locator(".board")
    assert not column_fully_shown(page, far)
    # the cue: a shadow on the right and the stages shown out of how many
    assert "has-more-right" in board.get_attribute("class")
    nav = page.locator(".board-scroll")
    assert re.fullmatch(r"Stages 1–\d of 9", nav.locator(".board-scroll-range").inner_text())

    source = page.locator(f'.card[data-opportunity-id="{deal.pk}"]')
    box, edge = source.bounding_box(), board.bounding_box()
    x, y = box["x"] + 12, box["y"] + box["height"] - 8
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 10, y + 10, steps=3)
    page.wait_for_selector(".card-chosen")
    edge_x, edge_y = edge["x"] + edge["width"] - 20, edge["y"] + 120
    page.mouse.move(edge_x, edge_y, steps=15)
    for step in range(100):  # hold the card at the right edge until the far stage shows
        if column_fully_shown(page, far):
            break
        page.mouse.move(edge_x + step % 2, edge_y)
        page.wait_for_timeout(50)
    assert column_fully_shown(page, far)
    # off the edge, so the board stops scrolling, then to where the far column now is
    page.mouse.move(edge["x"] + edge["width"] / 2, edge_y, steps=5)
    page.wait_for_timeout(300)
    target = page.locator(f"#cards-{far.pk}").bounding_box()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 30, steps=10)
    page.mouse.move(target["x"] + target["width"] / 2 + 2, target["y"] + 34, steps=3)
    page.wait_for_timeout(150)
    page.mouse.up()

    page.wait_for_function(
        f"document.querySelector('#column-header-{far.pk}').dataset.count === '1'"
    )
    assert Opportunity.objects.get(pk=deal.pk).stage_id == far.pk
    expect(board).to_have_class(re.compile(r"\bhas-more-left\b"))


def test_scroll_buttons_show_later_stages_when_clicked(page, sign_in, user):
    sign_in(page, user)
    later = page.get_by_role("button", name="Show later stages")
    earlier = page.get_by_role("button", name="Show earlier stages")
    assert earlier.is_disabled()
    later.click()
    page.wait_for_function("document.querySelector('.board').scrollLeft > 0")
    page.wait_for_function("!document.querySelector('[data-scroll=\"-1\"]').disabled")


def money_texts(page) -> list[str]:
    texts = page.locator(
        "[data-summary=total], [data-summary=weighted], .column-total, .column-weighted"
    ).all_inner_texts()
    return [text.removesuffix(" weighted") for text in texts]


def test_totals_keep_one_money_format_when_a_card_moves(page, sign_in, user):
    start, proposal = default_stage("Initial contact"), default_stage("Proposal")
    big = OpportunityFactory(
        created_by=user, title="Big", stage=start, bid_value=Decimal("3496773.80")
    )
    OpportunityFactory(created_by=user, title="Small", stage=proposal, bid_value=Decimal("634.87"))
    sign_in(page, user)
    before = money_texts(page)
    assert all(re.fullmatch(MONEY, text) for text in before), before
    assert page.locator("[data-summary=total]").inner_text() == "$3,497,408.67"

    card = page.locator(f'.card[data-opportunity-id="{big.pk}"]')
    card.locator("summary").click()
    card.get_by_label("Stage of “Big”").select_option(str(proposal.pk))
    card.get_by_role("button", name="Move").click()
    page.wait_for_function(
        f"document.querySelector('#column-header-{proposal.pk}').dataset.count === '2'"
    )
    after = money_texts(page)
    assert all(re.fullmatch(MONEY, text) for text in after), after
    # what board.js wrote is what the server writes
    summary = page.locator("#board-summary [data-summary]").all_inner_texts()
    page.reload()
    assert page.locator("#board-summary [data-summary]").all_inner_texts() == summary
    assert money_texts(page) == after
    assert summary[1:] == ["$3,497,408.67", "$2,623,056.50"]  # cents kept: ".50", not ".5"


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_nothing_overflows_sideways_and_menu_reaches_links_when_screen_is_phone(
    phone, sign_in, user, live_server
):
    company = CompanyFactory(company_name="Blue Yonder Logistics International", created_by=user)
    person = PersonFactory(
        first_name="Ingrid",
        last_name="Eriksen",
        email="ingrid.eriksen.finance.director@blueyonder-logistics.example",
        company=company,
        created_by=user,
    )
    deal = OpportunityFactory(
        created_by=user,
        title="Blue Yonder Logistics: Training programme for every warehouse",
        stage=default_stage("Application of initial fit criteria"),
        contact=person,
        bid_value=Decimal("1234567.89"),
    )
    sign_in(phone, user)
    for path in ("/", f"/opportunities/{deal.pk}/", f"/contacts/{person.pk}/"):
        phone.goto(f"{live_server.url}{path}")
        assert no_sideways_overflow(phone), path
    phone.goto(f"{live_server.url}/opportunities/{deal.pk}/")
    move = phone.locator(".stage-move").get_by_role("button", name="Move").bounding_box()
    assert move["x"] + move["width"] <= 390

    # the links are behind the menu button, and all of them are reachable
    contacts = phone.get_by_role("link", name="Contacts", exact=True)
    assert not contacts.is_visible()
    menu = phone.get_by_role("button", name="Menu")
    assert menu.get_attribute("aria-expanded") == "false"
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(phone.get_by_role("link", name="My account")).to_be_visible()
    assert no_sideways_overflow(phone)
    contacts.click()
    phone.wait_for_url(f"{live_server.url}/contacts/")
    phone.keyboard.press("Escape")
