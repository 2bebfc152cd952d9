"""Issue 11.3: the audit rows of the pages (edit form, sharing page, board move) and of the
admin, which all write through the services: the right rows with who, old and new value, and
none for a save that changes nothing or a refused one."""

import pytest
from django.urls import reverse
from django.utils import timezone

from opportunities.models import OpportunityAudit
from tests.factories import default_stage
from tests.opportunities.audit_helpers import audited_deal, rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(user, person):
    return audited_deal(user, person)


# -- pages -----------------------------------------------------------------------------------


def _edit_data(browser, deal) -> dict:
    form = browser.get(f"/opportunities/{deal.pk}/edit/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    return {k: v for k, v in data.items() if v is not None and v is not False and v != []}


def test_edit_page_writes_rows_for_what_was_changed(client, user, deal):
    client.force_login(user)
    data = _edit_data(client, deal)
    data.update(title="Edited on the page", bid_value="600")

    response = client.post(f"/opportunities/{deal.pk}/edit/", data)

    assert response.status_code == 302, response.context["form"].errors
    assert rows(deal) == [
        ("changed", "title", "Old title", "Edited on the page", user),
        ("changed", "bid_value", "500.00 USD", "600.00 USD", user),
    ]


def test_edit_page_saved_unchanged_writes_no_row(client, user, deal):
    client.force_login(user)
    response = client.post(f"/opportunities/{deal.pk}/edit/", _edit_data(client, deal))

    assert response.status_code == 302, response.context["form"].errors
    assert rows(deal) == []


def test_edit_page_refused_writes_no_row(client, user, deal):
    client.force_login(user)
    data = _edit_data(client, deal)
    data.update(title="Edited", bid_value="-5")

    response = client.post(f"/opportunities/{deal.pk}/edit/", data)

    assert response.status_code == 200
    assert rows(deal) == []


def test_sharing_page_writes_one_shared_row(client, user, other_user, deal):
    client.force_login(user)
    page = client.get(f"/opportunities/{deal.pk}/sharing/").context["form"]
    data = {n: page[n].value() for n in page.fields if page[n].value() not in (None, False, [])}
    data.update(is_private="on", access_list=[other_user.pk])

    response = client.post(f"/opportunities/{deal.pk}/sharing/", data)

    assert response.status_code == 302
    assert rows(deal) == [("shared", "access", "Public", "Private: Alice Archer, Bob Baker", user)]


def test_board_move_records_the_probability_it_changed(client, user, deal):
    client.force_login(user)
    proposal = default_stage("Proposal")
    response = client.post(
        f"/opportunities/{deal.pk}/move/", {"stage": proposal.pk}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 200
    assert rows(deal) == [
        ("changed", "success_probability", "10%", f"{proposal.success_probability}%", user)
    ]


# -- admin -----------------------------------------------------------------------------------


def _admin_data(browser, deal) -> dict:
    """The change form as the browser sends it back, inlines included."""
    response = browser.get(reverse("admin:opportunities_opportunity_change", args=[deal.pk]))
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or value == []:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    if data.get("expected_close_date"):
        del data["expected_close_date"]
        local = timezone.localtime(deal.expected_close_date)
        data["expected_close_date_0"] = local.date().isoformat()
        data["expected_close_date_1"] = local.time().isoformat()
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value not in (None, False):
                    data[inline_form.add_prefix(name)] = value
    return data


def test_admin_change_writes_rows_with_the_admin_as_author(client, admin_user, user, deal):
    client.force_login(admin_user)
    data = _admin_data(client, deal)
    data.update(title="Renamed by admin", success_probability=55)

    response = client.post(reverse("admin:opportunities_opportunity_change", args=[deal.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert rows(deal) == [
        ("changed", "title", "Old title", "Renamed by admin", admin_user),
        ("changed", "success_probability", "10%", "55%", admin_user),
    ]


def test_admin_saved_unchanged_writes_no_row(client, admin_user, deal):
    client.force_login(admin_user)
    data = _admin_data(client, deal)

    response = client.post(reverse("admin:opportunities_opportunity_change", args=[deal.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert rows(deal) == []


def test_admin_create_writes_the_created_row(client, admin_user):
    client.force_login(admin_user)
    data = {
        "title": "Admin made",
        "stage": default_stage("Proposal").pk,
        "success_probability": 20,
        "bid_value": "5",
        "bid_currency": "USD",
        "bid_type": 0,
        "per_period_value": 0,
        "one_time_revenue": "0",
        "recurring_revenue": "0",
        "contract_months": 0,
        "responsible": admin_user.pk,
        "opportunitymember_set-TOTAL_FORMS": 0,
        "opportunitymember_set-INITIAL_FORMS": 0,
        "custom_values-TOTAL_FORMS": 0,
        "custom_values-INITIAL_FORMS": 0,
        "stage_changes-TOTAL_FORMS": 0,
        "stage_changes-INITIAL_FORMS": 0,
    }
    response = client.post(reverse("admin:opportunities_opportunity_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    audit = OpportunityAudit.objects.get(opportunity__title="Admin made")
    assert (audit.action, audit.changed_by) == ("created", admin_user)


def test_admin_change_page_shows_the_rows_read_only(client, admin_user, deal):
    client.force_login(admin_user)
    data = _admin_data(client, deal)
    data.update(title="Shown in the admin")
    url = reverse("admin:opportunities_opportunity_change", args=[deal.pk])
    assert client.post(url, data).status_code == 302

    html = client.get(url).content.decode()

    assert "audit rows" in html.lower()
    assert "<td>Old title</td><td>Shown in the admin</td>" in html
    assert "<td>Title</td>" in html and "<td>Ada Admin</td>" in html
