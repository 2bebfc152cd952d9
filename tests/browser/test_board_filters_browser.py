"""The board's filters in a real browser: two filters set one after the other both hold (issue
11 point 8), and the contact filter is a search box that lists matching contacts as you type."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import CompanyFactory, OpportunityFactory, TagFactory, default_stage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# The board's answers come late, so the second filter is set while the first is on its way
# (a person clicking at their pace on a big pipeline); the options' endpoint is not slowed.
SLOW_BOARD = """
(() => {
  const fetch = window.fetch;
  window.fetch = (url, options) => {
    const path = new URL(url, location.href).pathname;
    const later = path === "/" || path === "/opportunities/" ? 700 : 0;
    return new Promise((resolve) => setTimeout(resolve, later)).then(() => fetch(url, options));
  };
})();
"""


@pytest.fixture
def deals(user, other_user):
    start = default_stage("Initial contact")
    hot = TagFactory(title="hot")
    acme = CompanyFactory(company_name="Acme Corp", created_by=user)
    beta = CompanyFactory(company_name="Beta Inc", created_by=user)
    hidden = CompanyFactory(company_name="Acme Hidden", created_by=other_user, access_list=[])
    acme_deal = OpportunityFactory(
        created_by=user, responsible=other_user, title="Acme deal", stage=start, contact=acme
    )
    beta_deal = OpportunityFactory(
        created_by=user,
        responsible=other_user,
        title="Beta deal",
        stage=start,
        contact=beta,
        tags=[hot],
    )
    mine = OpportunityFactory(created_by=other_user, responsible=user, title="Mine", stage=start)
    return {
        "hot": hot,
        "acme": acme,
        "beta": beta,
        "hidden": hidden,
        "acme_deal": acme_deal,
        "beta_deal": beta_deal,
        "mine": mine,
    }


def card_titles(page) -> set[str]:
    return set(page.locator(".card .card-title").all_inner_texts())


def wait_for_cards(page, titles: set[str]):
    page.wait_for_function(
        "titles => { const shown = [...document.querySelectorAll('.card .card-title')]"
        ".map(e => e.textContent.trim()).sort();"
        " return JSON.stringify(shown) === JSON.stringify(titles); }",
        arg=sorted(titles),
    )


def matches(page, text: str) -> list[str]:
    """Type `text` in the contact filter; the matches listed once they are those of `text`."""
    page.get_by_role("combobox", name="Contact").fill(text)
    page.wait_for_function(
        "text => [...document.querySelectorAll('#contact-options a')]"
        ".every(a => a.textContent.toLowerCase().includes(text))"
        " && !document.getElementById('contact-options').hidden",
        arg=text,
    )
    return page.get_by_role("listbox", name="Matching contacts").get_by_role("option")


def choose_contact(page, text: str, name: str):
    matches(page, text).filter(has_text=name).click()


def test_second_filter_holds_when_tag_goes_back_to_any_then_contact_is_chosen(
    page, sign_in, user, deals, live_server
):
    """Issue 11 point 8: Tag back to "Any", then Contact = some company, at once."""
    sign_in(page, user)
    page.add_init_script(SLOW_BOARD)
    page.goto(f"{live_server.url}/?tag={deals['hot'].pk}")
    assert card_titles(page) == {"Beta deal"}

    page.get_by_label("Tag", exact=True).select_option("")
    choose_contact(page, "acme", "Acme Corp")

    page.wait_for_url(re.compile(rf"contact={deals['acme'].pk}"))
    wait_for_cards(page, {"Acme deal"})
    assert "tag=&" in page.url or page.url.endswith("tag=")
    page.wait_for_timeout(1000)  # nothing late overwrites it
    assert card_titles(page) == {"Acme deal"}
    assert re.search(rf"contact={deals['acme'].pk}", page.url)


def test_second_filter_holds_when_two_selects_change_at_once(
    page, sign_in, user, deals, live_server
):
    sign_in(page, user)
    page.add_init_script(SLOW_BOARD)
    page.goto(f"{live_server.url}/?tag={deals['hot'].pk}")

    page.get_by_label("Tag", exact=True).select_option("")
    page.get_by_label("Responsible").select_option("me")

    page.wait_for_url(re.compile(r"responsible=me"))
    wait_for_cards(page, {"Mine"})
    page.wait_for_timeout(1000)
    assert card_titles(page) == {"Mine"}
    assert page.locator(".toast-error").count() == 0  # the replaced request is no failure


def test_contact_filter_lists_matches_and_keeps_the_choice_in_the_url(
    page, sign_in, user, deals, live_server
):
    sign_in(page, user)
    options = matches(page, "acme")
    assert options.all_inner_texts() == ["Acme Corp"]  # not the hidden "Acme Hidden"

    options.first.click()
    page.wait_for_url(re.compile(rf"contact={deals['acme'].pk}"))
    wait_for_cards(page, {"Acme deal"})
    assert "contact_search" not in page.url
    expect(page.get_by_role("listbox", name="Matching contacts")).to_be_hidden()

    # leaving the box after typing without choosing shows the chosen contact again
    page.get_by_role("combobox", name="Contact").fill("be")
    page.get_by_role("heading", name="Pipeline").click()
    expect(page.get_by_role("combobox", name="Contact")).to_have_value("Acme Corp")
    assert re.search(rf"contact={deals['acme'].pk}", page.url)

    # the URL is a bookmark: the box shows the chosen contact again
    page.goto(page.url)
    assert page.get_by_role("combobox", name="Contact").input_value() == "Acme Corp"
    assert card_titles(page) == {"Acme deal"}

    # emptying the box drops the contact filter
    page.get_by_role("combobox", name="Contact").fill("")
    page.wait_for_url(re.compile(r"contact=(&|$)"))
    wait_for_cards(page, {"Acme deal", "Beta deal", "Mine"})


def test_contact_filter_chosen_with_the_keyboard(page, sign_in, user, deals):
    sign_in(page, user)
    assert matches(page, "beta").all_inner_texts() == ["Beta Inc"]
    box = page.get_by_role("combobox", name="Contact")
    box.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"contact={deals['beta'].pk}"))
    wait_for_cards(page, {"Beta deal"})
    expect(box).to_have_value("Beta Inc")


def test_contact_filter_on_the_list_page(page, sign_in, user, deals, live_server):
    sign_in(page, user)
    page.goto(f"{live_server.url}/opportunities/")
    choose_contact(page, "beta", "Beta Inc")
    page.wait_for_url(re.compile(rf"/opportunities/\?.*contact={deals['beta'].pk}"))
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("Beta deal")


def test_contact_filter_works_without_violation_when_policy_applies(
    browser, sign_in, user, deals, live_server
):
    # the other tests bypass the Content-Security-Policy (their waits use eval): not this one
    from tests.browser.test_content_security_policy import RECORD_VIOLATIONS

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(8000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    try:
        sign_in(page, user)
        page.get_by_role("combobox", name="Contact").fill("acme")
        option = page.get_by_role("option", name="Acme Corp", exact=True)
        option.click()
        page.wait_for_url(re.compile(rf"contact={deals['acme'].pk}"))
        page.locator(".card", has_text="Beta deal").wait_for(state="detached")
        page.wait_for_timeout(100)
        assert page.evaluate("window.__cspViolations") == []
    finally:
        context.close()
