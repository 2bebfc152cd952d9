"""Lost reasons in the admin: an editable list, shown and filtered in the opportunity list, and
set on a lost deal's change form through the service."""

import pytest

from opportunities.models import LostReason
from tests.admin.test_admin_writes_through_services import (
    add_url,
    change_url,
    changelist_url,
    form_data,
    read_version,
)
from tests.factories import OpportunityFactory, default_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def test_lost_reasons_are_listed_and_added_in_the_admin(admin_browser):
    listing = admin_browser.get(changelist_url(LostReason))
    assert listing.status_code == 200
    assert "Price too high" in listing.content.decode()

    response = admin_browser.post(
        add_url(LostReason), {"title": "Went in-house", "sort_order": 8, "is_active": "on"}
    )

    assert response.status_code == 302
    assert LostReason.objects.filter(title="Went in-house", is_active=True).exists()


def test_opportunity_list_shows_and_filters_by_lost_reason(admin_browser, user):
    lost = default_stage("Unsuccessfully closed")
    price = LostReason.objects.get(title="Price too high")
    OpportunityFactory(title="Too dear deal", created_by=user, stage=lost, lost_reason=price)
    OpportunityFactory(title="Open deal", created_by=user)

    from opportunities.models import Opportunity

    html = admin_browser.get(changelist_url(Opportunity)).content.decode()
    assert "Price too high" in html and "lost reason" in html.lower()
    filtered = admin_browser.get(
        changelist_url(Opportunity), {"lost_reason__id__exact": price.pk}
    ).content.decode()
    assert "Too dear deal" in filtered and "Open deal" not in filtered


def test_change_form_sets_reason_through_the_service(admin_browser, user):
    lost = default_stage("Unsuccessfully closed")
    deal = OpportunityFactory(created_by=user)
    timing = LostReason.objects.get(title="Bad timing")
    data = form_data(deal, stage=lost.pk, lost_reason=timing.pk, lost_comment="Next year")
    data.update(read_version(admin_browser, deal))

    response = admin_browser.post(change_url(deal), data)

    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.stage, deal.lost_reason, deal.lost_comment) == (lost, timing, "Next year")
    assert deal.stage_changes.filter(to_stage=lost).exists()


def test_change_form_refuses_reason_for_an_open_stage(admin_browser, user):
    deal = OpportunityFactory(created_by=user)
    data = form_data(deal, lost_reason=LostReason.objects.first().pk)
    data.update(read_version(admin_browser, deal))

    response = admin_browser.post(change_url(deal), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.get("lost_reason")
    deal.refresh_from_db()
    assert deal.lost_reason is None
