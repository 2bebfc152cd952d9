"""Bulk edit in a real browser: select rows on the opportunities table (one by one, and with
the page's "select all" checkbox), move them to a stage, read the summary; a lost stage asks
the reason in the same form."""

import pytest
from playwright.sync_api import expect

from opportunities.models import LostReason, Opportunity, StageType
from tests.factories import OpportunityFactory, StageFactory, default_stage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def open_table(page, live_server):
    page.goto(f"{live_server.url}/opportunities/")


def test_select_rows_and_move_them(page, live_server, sign_in, user):
    proposal = default_stage("Proposal")
    deals = [OpportunityFactory(title=f"Deal {n}", created_by=user) for n in range(3)]
    sign_in(page, user)
    open_table(page, live_server)

    page.get_by_label("Select “Deal 0”").check()
    page.get_by_label("Select “Deal 2”").check()
    page.get_by_label("Action").select_option("move")
    # only the move's fields are shown
    expect(page.locator("#bulk_tag")).to_be_hidden()
    page.locator("#bulk_stage").select_option(str(proposal.pk))
    apply = page.get_by_role("button", name="Apply to 2 selected")
    apply.click()
    page.wait_for_url(f"{live_server.url}/opportunities/bulk/summary/")
    assert "Moved: 2 of 2" in page.locator("h1").inner_text()
    stages = dict(Opportunity.objects.values_list("title", "stage_id"))
    assert stages["Deal 0"] == stages["Deal 2"] == proposal.pk
    assert stages["Deal 1"] != proposal.pk

    page.get_by_role("link", name="Back to the opportunities").click()
    page.get_by_label("Select every row on this page").check()
    for deal in deals:
        expect(page.get_by_label(f"Select “{deal.title}”")).to_be_checked()
    page.get_by_label("Action").select_option("tag_add")
    page.locator("#bulk_tag").fill("Hot")
    page.get_by_role("button", name="Apply to 3 selected").click()
    expect(page.locator("h1")).to_contain_text("Tag added: 3 of 3")


def test_a_lost_stage_asks_the_reason(page, live_server, sign_in, user):
    lost = StageFactory(title="Lost it", stage_type=StageType.CLOSED_AND_LOST)
    deal = OpportunityFactory(title="Going", created_by=user)
    reason = LostReason.objects.filter(is_active=True).first()
    sign_in(page, user)
    open_table(page, live_server)
    page.get_by_label("Select “Going”").check()
    page.get_by_label("Action").select_option("move")
    expect(page.get_by_label("Lost reason")).to_be_hidden()
    page.locator("#bulk_stage").select_option(str(lost.pk))
    page.get_by_label("Lost reason").select_option(str(reason.pk))
    page.get_by_role("button", name="Apply to 1 selected").click()
    expect(page.locator("h1")).to_contain_text("Moved: 1 of 1")
    deal.refresh_from_db()
    assert (deal.stage_id, deal.lost_reason_id) == (lost.pk, reason.pk)


def test_the_bulk_form_works_on_a_table_the_filters_swapped_in(page, live_server, sign_in, user):
    """The filters swap the table in place (htmx): the bulk form's script sets the new table
    up again ("select all" shown, only the chosen action's fields, the count on the button),
    and the search box losing focus does not ask for the same table again and swap it over
    the rows checked and the tag typed meanwhile."""
    keep = [OpportunityFactory(title=f"Keep {n}", created_by=user) for n in range(2)]
    OpportunityFactory(title="Other deal", created_by=user)
    sign_in(page, user)
    open_table(page, live_server)
    old_table = page.locator("#results table")
    old_table.evaluate("el => el.setAttribute('data-old', '1')")
    asked = []
    page.on("request", lambda r: "/opportunities/?" in r.url and asked.append(r.url))
    page.get_by_label("Search").fill("Keep")
    expect(page.locator("#results table")).not_to_have_attribute("data-old", "1")
    expect(page.locator("[data-bulk-row]")).to_have_count(2)

    select_all = page.get_by_label("Select every row on this page")
    expect(select_all).to_be_visible()
    select_all.check()
    page.get_by_label("Action").select_option("tag_add")
    expect(page.locator("#bulk_stage")).to_be_hidden()
    page.locator("#bulk_tag").fill("Swapped")
    page.wait_for_load_state("networkidle")
    assert len(asked) == 1, asked  # the search box's change on leaving it asked nothing more
    expect(page.locator("#bulk_tag")).to_have_value("Swapped")
    page.get_by_role("button", name="Apply to 2 selected").click()
    expect(page.locator("h1")).to_contain_text("Tag added: 2 of 2")
    tagged = Opportunity.objects.filter(tags__title="Swapped").values_list("pk", flat=True)
    assert sorted(tagged) == sorted(deal.pk for deal in keep)
