"""Point 7 of the hardening issue: an edit form opened before someone else saved the record
(on any surface) cannot undo their changes. The save is refused (409), nothing is written,
the page says what changed meanwhile and keeps what the user typed; the form shown again
carries the new version, so saving it applies the user's change to the current record."""

from decimal import Decimal

import pytest
from django import forms
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue
from contacts.models import Contact
from opportunities.models import Opportunity, StageChange
from opportunities.selectors import opportunity_access_user_ids
from tests.factories import (
    CustomFieldFactory,
    OpportunityFactory,
    PersonFactory,
    default_stage,
)

pytestmark = pytest.mark.django_db

API = "/api/2.0/crm/"


def api_for(user) -> APIClient:
    token, _ = token_issue(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token)
    return client


def browser_data(form) -> dict:
    """What a browser submits for a rendered form, untouched (hidden fields included)."""
    data = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
            continue
        if bound.field.disabled:
            continue
        if isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(v) for v in value]
        elif value is None:
            data[bound.html_name] = ""
        else:
            data[bound.html_name] = str(value)
    return data


def open_form(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return browser_data(response.context["form"])


@pytest.fixture
def deal(user):
    return OpportunityFactory(
        title="Big deal",
        description="first notes",
        created_by=user,
        stage=default_stage("Proposal"),
        success_probability=75,
        bid_value=Decimal("1000.00"),
    )


def test_stale_form_changes_nothing_when_someone_moved_it_and_changed_its_amount(
    signed_in, other_client, other_user, deal
):
    url = f"/opportunities/{deal.pk}/edit/"
    stale = open_form(signed_in, url)
    negotiations = default_stage("Negotiations")
    # someone else moves the card on the board and changes the amount through the API
    moved = other_client.post(f"/opportunities/{deal.pk}/move/", {"stage": negotiations.pk})
    assert moved.status_code == 302
    api = api_for(other_user).put(f"{API}opportunity/{deal.pk}", {"bidValue": 2000}, format="json")
    assert api.status_code == 200

    response = signed_in.post(url, {**stale, "description": "my new notes"})

    assert response.status_code == 409
    deal.refresh_from_db()
    assert deal.stage == negotiations
    assert deal.bid_value == Decimal("2000.00")
    assert deal.success_probability == 90
    assert deal.description == "first notes"
    assert StageChange.objects.filter(opportunity=deal).count() == 1
    html = response.content.decode()
    assert "nothing was saved" in html
    assert "Stage: now “Negotiations”" in html
    assert "Amount: now 2,000.00" in html
    assert "Probability (%): now 90" in html
    assert "Description" not in [
        line.split(":")[0] for line in response.context["conflict"]["changes"]
    ]
    form = response.context["form"]
    assert form["description"].value() == "my new notes"  # the user's change is kept
    assert str(form["stage"].value()) == str(negotiations.pk)  # the others' too
    assert str(form["bid_value"].value()) in {"2000.00", "2000"}
    assert int(form["version"].value()) == deal.version


def test_form_shown_again_saves_the_users_change_over_the_current_record(
    signed_in, other_client, deal
):
    url = f"/opportunities/{deal.pk}/edit/"
    stale = open_form(signed_in, url)
    negotiations = default_stage("Negotiations")
    other_client.post(f"/opportunities/{deal.pk}/move/", {"stage": negotiations.pk})
    refused = signed_in.post(url, {**stale, "description": "my new notes"})
    assert refused.status_code == 409

    saved = signed_in.post(url, browser_data(refused.context["form"]))

    assert saved.status_code == 302
    deal.refresh_from_db()
    assert deal.description == "my new notes"
    assert deal.stage == negotiations


def test_both_values_are_shown_when_user_changed_the_field_someone_else_changed(
    signed_in, other_user, deal
):
    url = f"/opportunities/{deal.pk}/edit/"
    stale = open_form(signed_in, url)
    api_for(other_user).put(f"{API}opportunity/{deal.pk}", {"bidValue": 2000}, format="json")

    response = signed_in.post(url, {**stale, "bid_value": "1500"})

    assert response.status_code == 409
    assert "Amount: now 2,000.00 (you entered 1,500.00, kept below)" in response.content.decode()
    assert Decimal(response.context["form"]["bid_value"].value()) == Decimal("1500")
    deal.refresh_from_db()
    assert deal.bid_value == Decimal("2000.00")


@pytest.mark.parametrize(
    "write",
    [
        "tag",
        "custom_field",
        "member",
        "access",
        "stage_route",
    ],
)
def test_stale_form_is_refused_when_any_api_write_happened_meanwhile(
    signed_in, user, other_user, deal, write
):
    url = f"/opportunities/{deal.pk}/edit/"
    stale = open_form(signed_in, url)
    api = api_for(other_user)
    if write == "tag":
        response = api.post(f"{API}opportunity/{deal.pk}/tag", {"tagName": "hot"}, format="json")
    elif write == "custom_field":
        field = CustomFieldFactory(label="Budget owner")
        response = api.post(
            f"{API}opportunity/{deal.pk}/customfield/{field.pk}",
            {"fieldValue": "Ann"},
            format="json",
        )
    elif write == "member":
        person = PersonFactory(created_by=other_user)
        response = api.post(f"{API}contact/{person.pk}/opportunity/{deal.pk}")
    elif write == "access":
        response = api_for(user).put(
            f"{API}opportunity/{deal.pk}/access", {"isPrivate": True}, format="json"
        )
    else:
        stage = default_stage("Suspect")
        response = api.put(f"{API}opportunity/{deal.pk}/stage/{stage.pk}?stageid={stage.pk}")
    assert response.status_code in {200, 201}, response.content
    before = Opportunity.objects.values().get(pk=deal.pk)

    response = signed_in.post(url, {**stale, "title": "Renamed"})

    assert response.status_code == 409
    assert Opportunity.objects.values().get(pk=deal.pk) == before


def test_edit_saves_only_the_changed_field_when_nobody_wrote_meanwhile(signed_in, deal):
    url = f"/opportunities/{deal.pk}/edit/"
    data = open_form(signed_in, url)
    response = signed_in.post(url, {**data, "description": "more"})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.description == "more"
    assert deal.version == 2


def test_stale_sharing_form_keeps_the_person_someone_else_added(
    signed_in, user, other_user, third_user, admin_user
):
    deal = OpportunityFactory(created_by=user, access_list=[user])
    url = f"/opportunities/{deal.pk}/sharing/"
    stale = open_form(signed_in, url)
    added = api_for(admin_user).put(
        f"{API}opportunity/{deal.pk}/access",
        {"isPrivate": True, "accessList": [str(user.uuid), str(other_user.uuid)]},
        format="json",
    )
    assert added.status_code == 200

    response = signed_in.post(url, {**stale, "access_list": [str(third_user.pk)]})

    assert response.status_code == 409
    ids = opportunity_access_user_ids(deal)
    assert other_user.pk in ids and third_user.pk not in ids
    html = response.content.decode()
    assert "People with access: now" in html and "Bob Baker" in html
    kept = [str(v) for v in response.context["form"]["access_list"].value()]
    assert str(third_user.pk) in kept


def test_stale_contact_form_keeps_the_phone_someone_else_saved(signed_in, other_client, user):
    person = PersonFactory(first_name="Paula", last_name="Person", phone="111", created_by=user)
    url = f"/contacts/{person.pk}/edit/"
    stale = open_form(signed_in, url)
    theirs = open_form(other_client, url)
    assert other_client.post(url, {**theirs, "phone": "222"}).status_code == 302

    response = signed_in.post(url, {**stale, "job_title": "CTO"})

    assert response.status_code == 409
    assert Contact.objects.values("phone", "job_title").get(pk=person.pk) == {
        "phone": "222",
        "job_title": "",
    }
    assert "Phone: now “222”" in response.content.decode()
    form = response.context["form"]
    assert form["job_title"].value() == "CTO"
    assert form["phone"].value() == "222"
    again = signed_in.post(url, browser_data(form))
    assert again.status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.job_title) == ("222", "CTO")


def test_stale_form_is_refused_when_its_contact_was_deleted_meanwhile(signed_in, user, other_user):
    person = PersonFactory(first_name="Gone", last_name="Soon", created_by=user)
    deal = OpportunityFactory(created_by=user, contact=person, members=[person])
    url = f"/opportunities/{deal.pk}/edit/"
    stale = open_form(signed_in, url)
    assert api_for(other_user).delete(f"{API}contact/{person.pk}").status_code == 200

    response = signed_in.post(url, {**stale, "description": "my notes"})

    assert response.status_code == 409
    assert "Contact person: now none" in response.content.decode()
    deal.refresh_from_db()
    assert deal.contact is None and deal.description == ""
    assert response.context["form"]["description"].value() == "my notes"
