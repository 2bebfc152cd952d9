"""A retired lead source or status is refused by the import preview (a row error) and the
admin's opportunity form (a form error, not offered), unless it is the deal's current value."""

import pytest
from django.urls import reverse

from opportunities.models import LeadSource, Opportunity, OpportunityStatus
from tests.admin.test_admin_writes_through_services import form_data, read_version
from tests.factories import OpportunityFactory
from tests.pages.test_opportunity_import import (
    csv_file,
    errors_by_line,
    map_as_guessed,
    run,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def test_import_names_a_retired_source_unless_it_is_the_deals_own(client, user):
    client.force_login(user)
    retired = LeadSource.objects.create(title="Old fair", is_active=False)
    kept = OpportunityFactory(created_by=user, external_id="K-1", source=retired)
    header = ["External ID", "Title", "Source"]
    rows = [["N-1", "New", "old fair"], ["K-1", "Kept", "Old fair"]]

    preview = map_as_guessed(client, upload(client, csv_file(header, rows)))

    assert errors_by_line(preview) == {
        2: ["Source “old fair” is no longer offered: choose another."]
    }
    outcome = run(client)
    assert outcome.created == []
    assert not Opportunity.objects.filter(title="New").exists()
    kept.refresh_from_db()
    assert (kept.title, kept.source) == ("Kept", retired)


@pytest.mark.parametrize(("name", "model"), [("source", LeadSource), ("status", OpportunityStatus)])
def test_admin_form_offers_and_takes_no_retired_value_but_the_deals_own(
    admin_browser, user, name, model
):
    old = model.objects.create(title="Retired one", is_active=False)
    own = model.objects.create(title="Own retired", is_active=False)
    deal = OpportunityFactory(created_by=user, title="Before", **{name: own})
    url = reverse("admin:opportunities_opportunity_change", args=[deal.pk])

    offered = admin_browser.get(url).context["adminform"].form.fields[name].queryset
    assert own in offered and old not in offered

    data = form_data(deal, **read_version(admin_browser, deal), title="After", **{name: old.pk})
    response = admin_browser.post(url, data)
    assert response.status_code == 200
    assert name in response.context["adminform"].form.errors
    deal.refresh_from_db()
    assert (deal.title, getattr(deal, name)) == ("Before", own)

    data = form_data(deal, **read_version(admin_browser, deal), title="After", **{name: own.pk})
    response = admin_browser.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    deal.refresh_from_db()
    assert (deal.title, getattr(deal, name)) == ("After", own)
