"""The Django admin through the test client: changelists, change forms, stage rules on save.
Writes through the services: tests/admin/test_admin_writes_through_services.py."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from opportunities.models import Opportunity, StageChange
from tests.factories import (
    CompanyFactory,
    CustomFieldFactory,
    ExchangeRateFactory,
    OpportunityFactory,
    TagFactory,
    default_stage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_signed_in(client, admin_user):
    client.force_login(admin_user)
    return client


def admin_url(model, action="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def test_every_model_has_admin_when_site_is_loaded():
    from django.apps import apps

    wanted = {
        "accounts.user",
        "core.currency",
        "core.exchangerate",
        "core.tag",
        "core.customfielddefinition",
        "contacts.contact",
        "opportunities.stage",
        "opportunities.leadsource",
        "opportunities.opportunitystatus",
        "opportunities.opportunity",
        "opportunities.stagechange",
    }
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert wanted <= registered
    assert all(apps.get_model(label) for label in wanted)


def test_changelists_render_with_search_and_filters_when_data_exists(admin_client_signed_in, user):
    ExchangeRateFactory()
    TagFactory()
    CustomFieldFactory()
    OpportunityFactory(created_by=user, customer=CompanyFactory(created_by=user))
    for model in admin.site._registry:
        url = admin_url(model)
        response = admin_client_signed_in.get(url, {"q": "a"})
        assert response.status_code == 200, url


def test_change_forms_render_when_object_exists(admin_client_signed_in, opportunity):
    for model, pk in (
        (Opportunity, opportunity.pk),
        (type(opportunity.stage), opportunity.stage_id),
        (type(opportunity.created_by), opportunity.created_by_id),
    ):
        response = admin_client_signed_in.get(admin_url(model, "change", pk))
        assert response.status_code == 200
    html = admin_client_signed_in.get(admin_url(Opportunity, "change", opportunity.pk)).content
    assert b"People with access" in html  # the access list, edited through the services
    assert b"Participants" in html and b"Custom field values" in html
    assert b"Stage history" in html


def test_autocomplete_answers_when_admin_searches_contacts(admin_client_signed_in, company):
    response = admin_client_signed_in.get(
        "/admin/autocomplete/",
        {
            "term": "Acme",
            "app_label": "opportunities",
            "model_name": "opportunity",
            "field_name": "customer",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Acme Corp"]


def _opportunity_form_data(opportunity, **changes):
    data = {
        "title": opportunity.title,
        "description": "",
        "stage": opportunity.stage_id,
        "success_probability": opportunity.success_probability,
        "bid_value": str(opportunity.bid_value),
        "bid_currency": opportunity.bid_currency_id,
        "bid_type": 0,
        "per_period_value": 0,
        "one_time_revenue": "0",
        "recurring_revenue": "0",
        "contract_months": 0,
        "responsible": opportunity.responsible_id,
        "owner": opportunity.owner_id,
        "created_by": opportunity.created_by_id,
        "opportunitymember_set-TOTAL_FORMS": 0,
        "opportunitymember_set-INITIAL_FORMS": 0,
        "custom_values-TOTAL_FORMS": 0,
        "custom_values-INITIAL_FORMS": 0,
        "stage_changes-TOTAL_FORMS": 0,
        "stage_changes-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_admin_stage_change_records_history_and_stage_rules_when_saved(
    admin_client_signed_in, admin_user, opportunity
):
    won = default_stage("Closure/Transaction")
    response = admin_client_signed_in.post(
        admin_url(Opportunity, "change", opportunity.pk),
        _opportunity_form_data(opportunity, stage=won.pk, title="Renamed"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    opportunity.refresh_from_db()
    assert opportunity.title == "Renamed"
    assert opportunity.stage == won
    assert opportunity.success_probability == 100
    assert opportunity.actual_close_date is not None
    change = StageChange.objects.get(opportunity=opportunity)
    assert (change.to_stage, change.changed_by) == (won, admin_user)


def test_admin_create_records_first_stage_and_probability_when_added(
    admin_client_signed_in, admin_user
):
    proposal = default_stage("Proposal")
    template = Opportunity(
        title="From admin",
        stage=proposal,
        success_probability=0,
        bid_value=Decimal("5"),
        bid_currency_id="USD",
        responsible=admin_user,
        owner=admin_user,
        created_by=admin_user,
    )
    data = _opportunity_form_data(template)
    response = admin_client_signed_in.post(admin_url(Opportunity, "add"), data)
    assert response.status_code == 302
    created = Opportunity.objects.get(title="From admin")
    assert created.stage_changes.get().to_stage == proposal


def test_non_staff_user_is_sent_to_admin_login_when_opening_admin(client, user):
    client.force_login(user)
    response = client.get(admin_url(Opportunity))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
