"""Opportunity pages through the test client: forms, validation, moves, sharing, 404s, CSRF."""

from decimal import Decimal

import pytest
from django.test import Client

from core.models import FieldType
from opportunities.models import Opportunity, StageChange
from tests.factories import (
    CustomFieldFactory,
    OpportunityFactory,
    PersonFactory,
    currency,
    default_stage,
)

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "title": "Website relaunch",
        "stage": default_stage("Proposal").pk,
        "bid_value": "12500.50",
        "bid_currency": "EUR",
        "bid_type": "0",
        "expected_close_date": "2031-05-17",
        "tags": "web, q3",
    }
    data.update(overrides)
    return data


def test_create_saves_through_service_when_form_is_valid(signed_in, user):
    person = PersonFactory(created_by=user)
    budget = CustomFieldFactory(label="Budget approved", field_type=FieldType.CHECK_BOX)
    data = form_data(contact=person.pk, responsible=user.pk, **{f"custom_field_{budget.pk}": "on"})
    response = signed_in.post("/opportunities/new/", data)

    opportunity = Opportunity.objects.get(title="Website relaunch")
    assert response.status_code == 302
    assert response["Location"] == f"/opportunities/{opportunity.pk}/"
    assert opportunity.bid_value == Decimal("12500.50")
    assert opportunity.bid_currency_id == "EUR"
    assert opportunity.success_probability == 75  # the stage's
    assert opportunity.created_by == user
    assert opportunity.expected_close_date.date().isoformat() == "2031-05-17"
    assert sorted(t.title for t in opportunity.tags.all()) == ["q3", "web"]
    assert list(opportunity.members.all()) == [person]
    assert opportunity.custom_values.get().value == "true"
    assert opportunity.stage_changes.count() == 1


def test_create_keeps_typed_values_and_explains_when_invalid(signed_in, user):
    data = form_data(title="", bid_value="-5", responsible=user.pk)
    response = signed_in.post("/opportunities/new/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html
    assert "Ensure this value is greater than or equal to 0." in html
    assert 'value="2031-05-17"' in html
    assert 'value="web, q3"' in html
    assert not Opportunity.objects.exists()


def test_create_shows_service_error_on_field_when_custom_value_refused(signed_in, user):
    field = CustomFieldFactory(label="Code", field_type=FieldType.TEXT_FIELD, mask='{"size": 3}')
    response = signed_in.post(
        "/opportunities/new/",
        form_data(responsible=user.pk, **{f"custom_field_{field.pk}": "ABCDE"}),
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 3 characters" in response.content.decode()
    assert not Opportunity.objects.exists()


def test_create_makes_private_with_access_list_when_sharing_chosen(
    signed_in, user, other_user, third_user
):
    data = form_data(responsible=user.pk, is_private="on", access_list=[other_user.pk])
    signed_in.post("/opportunities/new/", data)
    opportunity = Opportunity.objects.get()
    assert opportunity.is_private
    assert other_user.has_perm("view_opportunity", opportunity)
    assert not third_user.has_perm("view_opportunity", opportunity)


def test_detail_shows_every_part_when_viewer_may_read(signed_in, user):
    field = CustomFieldFactory(label="Decision date", field_type=FieldType.DATE)
    opportunity = OpportunityFactory(
        created_by=user,
        title="Big deal",
        bid_value=Decimal("2000"),
        stage=default_stage("Qualified prospect"),
        success_probability=50,
        bid_currency=currency("EUR"),
    )
    opportunity.custom_values.create(field=field, value="2031-01-02")
    html = signed_in.get(f"/opportunities/{opportunity.pk}/").content.decode()
    assert "€1,000" in html  # weighted
    assert "Decision date" in html and "Jan 2, 2031" in html
    assert "Timeline" in html and "Stage history" not in html  # activities plugs it in
    assert "Everyone in the team can see this opportunity." in html


@pytest.mark.parametrize("suffix", ["", "edit/", "delete/", "sharing/"])
def test_stranger_gets_404_when_opportunity_is_private(other_client, private_opportunity, suffix):
    response = other_client.get(f"/opportunities/{private_opportunity.pk}/{suffix}")
    assert response.status_code == 404


def test_stranger_move_is_404_and_changes_nothing_when_opportunity_is_private(
    other_client, private_opportunity
):
    response = other_client.post(
        f"/opportunities/{private_opportunity.pk}/move/",
        {"stage": default_stage("Proposal").pk},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 404
    assert response.json()["ok"] is False
    private_opportunity.refresh_from_db()
    assert private_opportunity.stage == default_stage("Initial contact")


def test_edit_changes_only_touched_fields_when_saved(signed_in, user):
    opportunity = OpportunityFactory(created_by=user, title="Old", bid_value=Decimal("10"))
    page = signed_in.get(f"/opportunities/{opportunity.pk}/edit/")
    data = {
        name: field.value() if field.value() is not None else ""
        for name, field in ((n, page.context["form"][n]) for n in page.context["form"].fields)
    }
    data = {k: v for k, v in data.items() if v is not None and v is not False and v != []}
    data.update(title="New title", stage=default_stage("Negotiations").pk)
    response = signed_in.post(f"/opportunities/{opportunity.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    opportunity.refresh_from_db()
    assert opportunity.title == "New title"
    assert opportunity.bid_value == Decimal("10")
    assert opportunity.success_probability == 90  # the new stage's
    assert StageChange.objects.filter(opportunity=opportunity).count() == 1


def test_move_form_changes_stage_and_returns_to_next_when_posted_without_javascript(
    signed_in, opportunity
):
    won = default_stage("Closure/Transaction")
    response = signed_in.post(
        f"/opportunities/{opportunity.pk}/move/", {"stage": won.pk, "next": "/?q=x"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/?q=x"
    opportunity.refresh_from_db()
    assert opportunity.stage == won
    assert opportunity.success_probability == 100
    assert opportunity.actual_close_date is not None


def test_move_ignores_next_when_it_points_elsewhere(signed_in, opportunity):
    response = signed_in.post(
        f"/opportunities/{opportunity.pk}/move/",
        {"stage": default_stage("Proposal").pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/opportunities/{opportunity.pk}/"


def test_move_answers_new_totals_of_both_columns_when_asked_for_json(signed_in, user):
    start, proposal = default_stage("Initial contact"), default_stage("Proposal")
    moved = OpportunityFactory(created_by=user, bid_value=Decimal("400"))
    OpportunityFactory(created_by=user, bid_value=Decimal("100"))
    response = signed_in.post(
        f"/opportunities/{moved.pk}/move/", {"stage": proposal.pk}, HTTP_ACCEPT="application/json"
    )
    body = response.json()
    columns = {c["stage"]: (c["count"], c["total"], c["weighted"]) for c in body["columns"]}
    assert columns == {start.pk: (1, "100.00", "1.00"), proposal.pk: (1, "400.00", "300.00")}
    assert f'data-opportunity-id="{moved.pk}"' in body["card"]


def test_delete_asks_then_deletes_when_confirmed(signed_in, opportunity):
    confirm = signed_in.get(f"/opportunities/{opportunity.pk}/delete/")
    assert "to the trash" in confirm.content.decode()
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()
    response = signed_in.post(f"/opportunities/{opportunity.pk}/delete/")
    assert response.status_code == 302
    assert not Opportunity.objects.filter(pk=opportunity.pk).exists()
    assert Opportunity.all_objects.get(pk=opportunity.pk).deleted_at is not None  # the trash


def test_sharing_refused_with_403_when_viewer_is_not_creator(other_client, opportunity):
    assert other_client.get(f"/opportunities/{opportunity.pk}/sharing/").status_code == 403
    response = other_client.post(f"/opportunities/{opportunity.pk}/sharing/", {"is_private": "on"})
    assert response.status_code == 403
    opportunity.refresh_from_db()
    assert not opportunity.is_private


def test_sharing_sets_access_list_when_creator_saves(signed_in, opportunity, other_user):
    response = signed_in.post(
        f"/opportunities/{opportunity.pk}/sharing/",
        {"is_private": "on", "access_list": [other_user.pk]},
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.is_private
    assert other_user.has_perm("view_opportunity", opportunity)


def test_post_refused_with_403_when_csrf_token_missing(user, opportunity):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(
        f"/opportunities/{opportunity.pk}/move/", {"stage": default_stage("Proposal").pk}
    )
    assert response.status_code == 403
    opportunity.refresh_from_db()
    assert opportunity.stage == default_stage("Initial contact")


def test_forms_carry_csrf_token_when_rendered(signed_in, opportunity):
    for url in ("/opportunities/new/", f"/opportunities/{opportunity.pk}/edit/", "/"):
        html = signed_in.get(url).content.decode()
        assert 'name="csrfmiddlewaretoken"' in html
        assert 'hx-headers:inherited=\'{"X-CSRFToken": "' in html


def test_list_sorts_and_pages_when_asked(signed_in, user):
    for amount in range(30):
        OpportunityFactory(created_by=user, bid_value=Decimal(amount), title=f"Deal {amount:02}")
    page1 = signed_in.get("/opportunities/?sort=-value").content.decode()
    assert page1.index("Deal 29") < page1.index("Deal 28")
    assert "Page 1 of 2" in page1
    page2 = signed_in.get("/opportunities/?sort=-value&page=2").content.decode()
    assert "Deal 00" in page2 and "Deal 29" not in page2


def test_list_hides_private_opportunity_when_viewer_not_on_list(other_client, private_opportunity):
    html = other_client.get("/opportunities/?q=Secret").content.decode()
    assert "Secret deal" not in html
