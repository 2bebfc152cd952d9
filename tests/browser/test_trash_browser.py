"""The trash in a real browser: delete a deal from its page, find it in the Trash, restore it,
see it on the board again; and undo a delete from the message."""

import pytest
from playwright.sync_api import expect

from opportunities.models import Opportunity
from tests.factories import OpportunityFactory, default_stage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def card(page, deal):
    return page.locator(f'.card[data-opportunity-id="{deal.pk}"]')


def delete_from_its_page(page, live_server, deal):
    page.goto(f"{live_server.url}/opportunities/{deal.pk}/")
    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete opportunity").click()
    page.wait_for_url(f"{live_server.url}/")


def test_deal_deleted_on_its_page_is_restored_from_the_trash(page, live_server, sign_in, user):
    stage = default_stage("Proposal")
    deal = OpportunityFactory(title="Acme renewal", created_by=user, stage=stage)
    sign_in(page, user)
    assert card(page, deal).count() == 1

    delete_from_its_page(page, live_server, deal)

    toast = page.locator("#toasts .toast")
    assert "moved to the trash" in toast.inner_text()
    assert card(page, deal).count() == 0

    page.goto(f"{live_server.url}/opportunities/")
    page.get_by_role("link", name="Trash").click()
    page.wait_for_url(f"{live_server.url}/trash/")
    row = page.locator(f'tr[data-opportunity-id="{deal.pk}"]')
    assert "Acme renewal" in row.inner_text()
    assert "30 days" in row.inner_text()

    row.get_by_role("button", name="Restore Acme renewal").click()
    # the answer is the trash again: its URL matched before the click, its message did not
    expect(page.locator("#toasts")).to_contain_text("restored")
    page.wait_for_url(f"{live_server.url}/trash/")  # and the new page has loaded
    expect(page.locator(f'tr[data-opportunity-id="{deal.pk}"]')).to_have_count(0)

    page.goto(f"{live_server.url}/")
    assert card(page, deal).count() == 1
    assert page.locator(f"#cards-{stage.pk}").locator(card(page, deal)).count() == 1
    assert Opportunity.objects.filter(pk=deal.pk, deleted_at__isnull=True).exists()


def test_undo_in_the_message_brings_the_deal_back(page, live_server, sign_in, user):
    deal = OpportunityFactory(title="Oops deal", created_by=user)
    sign_in(page, user)

    delete_from_its_page(page, live_server, deal)
    page.locator("#toasts").get_by_role("button", name="Undo").click()

    page.wait_for_url(f"{live_server.url}/opportunities/{deal.pk}/")
    assert page.get_by_role("heading", name="Oops deal").count() == 1
    assert "restored" in page.locator("#toasts").inner_text()
    assert Opportunity.objects.filter(pk=deal.pk).exists()
