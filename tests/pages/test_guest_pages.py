"""Guests on the pages (issue 9 point 1): a guest who signs in through the login page gets a
"no CRM access" page on every CRM page and sees its profile; others can pick a guest as
responsible on the board filter and in the opportunity form."""

import pytest
from django.test import Client
from django.urls import URLPattern

from contacts import urls as contact_urls
from opportunities import urls as opportunity_urls
from opportunities.models import Opportunity
from tests.factories import DEFAULT_PASSWORD, OpportunityFactory, PersonFactory, default_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest_browser(guest):
    """A guest signed in through the login page, as a person does."""
    browser = Client()
    response = browser.post(
        "/accounts/login/", {"username": guest.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    return browser


@pytest.fixture
def guest_deal(user, guest):
    return OpportunityFactory(
        title="Deal of the guest", created_by=user, responsible=guest, access_list=[user, guest]
    )


def test_board_says_no_crm_access_when_a_guest_signs_in(guest_browser, guest_deal):
    landing = guest_browser.get("/accounts/login/", follow=True)  # signed in: redirected on
    response = guest_browser.get("/")

    page = response.content.decode()
    assert response.status_code == 403
    assert "No CRM access" in page
    assert "Deal of the guest" not in page
    assert 'href="/opportunities/"' not in page  # no CRM links in the navigation
    assert "No CRM access" in landing.content.decode()


def _crm_page_urls(guest_deal, contact):
    for module, prefix in ((opportunity_urls, "/"), (contact_urls, "/contacts/")):
        for pattern in module.urlpatterns:
            assert isinstance(pattern, URLPattern)
            route = str(pattern.pattern)
            route = route.replace("<int:pk>", str(contact.pk if prefix != "/" else guest_deal.pk))
            route = route.replace("<int:stage_id>", str(guest_deal.stage_id))
            yield prefix + route


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_crm_page_says_no_crm_access_when_caller_is_a_guest(
    guest_browser, guest_deal, user, method
):
    contact = PersonFactory(first_name="Petra", last_name="Public", created_by=user)
    urls = list(_crm_page_urls(guest_deal, contact))
    assert len(urls) >= 10

    for url in urls:
        response = getattr(guest_browser, method)(url)
        assert response.status_code == 403, url
        page = response.content.decode()
        assert "No CRM access" in page, url
        assert "Deal of the guest" not in page and "Petra" not in page, url
    guest_deal.refresh_from_db()
    assert guest_deal.title == "Deal of the guest"
    assert Opportunity.objects.count() == 1


def test_guest_sees_own_profile_and_no_deals_when_opening_my_account(guest_browser, guest_deal):
    response = guest_browser.get("/accounts/me/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Gus Guest" in page
    assert "Guest account" in page
    assert "gus@example.com" in page
    assert "Deal of the guest" not in page
    assert "My pipeline" not in page


def test_guest_sees_colleague_without_email_or_deals_when_opening_a_profile(
    guest_browser, user, guest_deal
):
    OpportunityFactory(title="Alice public deal", created_by=user, responsible=user)

    response = guest_browser.get(f"/accounts/people/{user.uuid}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Alice Archer" in page
    assert "alice@example.com" not in page
    assert "Alice public deal" not in page


def test_guest_profile_marked_guest_when_a_colleague_opens_it(signed_in, guest, guest_deal):
    response = signed_in.get(f"/accounts/people/{guest.uuid}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "· guest" in page
    assert "Deal of the guest" in page  # the colleague may read it


def test_guest_offered_as_responsible_when_board_filters_are_shown(signed_in, guest, guest_deal):
    response = signed_in.get("/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{guest.pk}">Gus Guest (guest)</option>' in page
    filtered = signed_in.get("/", {"responsible": guest.pk})
    assert "Deal of the guest" in filtered.content.decode()


def test_guest_chosen_as_responsible_when_opportunity_form_is_saved(signed_in, user, guest):
    form = signed_in.get("/opportunities/new/")
    assert "Gus Guest (guest)" in form.content.decode()

    response = signed_in.post(
        "/opportunities/new/",
        {
            "title": "Partner rollout",
            "stage": default_stage("Proposal").pk,
            "bid_value": "100",
            "bid_currency": "EUR",
            "bid_type": "0",
            "responsible": guest.pk,
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    deal = Opportunity.objects.get(title="Partner rollout")
    assert deal.responsible_id == guest.pk
    assert deal.created_by_id == user.pk
