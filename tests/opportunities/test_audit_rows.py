"""Issue 11.3: every change to an opportunity leaves audit rows written by the services (who,
when, the old and the new value as people read them), through every surface: the API, the
pages and the admin. A save that changes nothing, and a refused write, leave none."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue
from core.custom_fields import custom_field_name
from opportunities.audit_selectors import audit_field_label, audit_row_label, opportunity_audit_rows
from opportunities.models import LostReason, OpportunityAudit, StageChange
from tests.factories import (
    CustomFieldFactory,
    OpportunityFactory,
    PersonFactory,
    TagFactory,
    currency,
    default_stage,
)

pytestmark = pytest.mark.django_db

API = "/api/2.0/crm"


def api(user) -> APIClient:
    token, _ = token_issue(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token)
    return client


def put_json(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


def rows(opportunity) -> list[tuple]:
    """(action, field, old, new, who) of each row, oldest first."""
    return [
        (row.action, row.field, row.old_value, row.new_value, row.changed_by)
        for row in OpportunityAudit.objects.filter(opportunity=opportunity).order_by("id")
    ]


@pytest.fixture
def deal(user, person):
    return OpportunityFactory(
        title="Old title",
        created_by=user,
        responsible=user,
        contact=person,
        members=[person],
        bid_value=Decimal("500.00"),
        bid_currency=currency("USD"),
        success_probability=10,
        expected_close_date=timezone.make_aware(timezone.datetime(2027, 3, 1)),
    )


# -- API -------------------------------------------------------------------------------------


def test_created_row_names_creator_and_time_when_posted(user):
    before = timezone.now()
    response = api(user).post(f"{API}/opportunity", {"title": "Fresh deal"}, format="json")

    assert response.status_code == 201, response.content
    (row,) = OpportunityAudit.objects.filter(opportunity_id=response.json()["response"]["id"])
    assert (row.action, row.new_value, row.changed_by) == ("created", "Fresh deal", user)
    assert before <= row.changed_at <= timezone.now()


def test_one_row_per_changed_field_when_put(user, other_user, deal):
    body = {
        "title": "New title",
        "bidValue": "1250.5",
        "expectedCloseDate": "2027-04-15",
        "responsibleid": str(other_user.uuid),
        "bidType": "PerMonth",
        "perPeriodValue": 12,
        "description": deal.description,  # unchanged: no row
    }
    before = timezone.now()
    response = put_json(api(user), f"{API}/opportunity/{deal.pk}", body)

    assert response.status_code == 200, response.content
    assert rows(deal) == [
        ("changed", "title", "Old title", "New title", user),
        ("changed", "bid_type", "Fixed bid", "Per month", user),
        ("changed", "bid_value", "500.00 USD", "1,250.50 USD", user),
        ("changed", "per_period_value", "0", "12", user),
        ("changed", "expected_close_date", "2027-03-01", "2027-04-15", user),
        ("changed", "responsible", "Alice Archer", "Bob Baker", user),
    ]
    assert all(before <= r.changed_at <= timezone.now() for r in OpportunityAudit.objects.all())


def test_currency_change_is_one_row_and_the_amount_keeps_its_row_silent(user, deal):
    response = put_json(api(user), f"{API}/opportunity/{deal.pk}", {"bidCurrencyAbbr": "EUR"})

    assert response.status_code == 200, response.content
    assert rows(deal) == [("changed", "bid_currency", "USD", "EUR", user)]


def test_no_row_when_put_changes_nothing(user, deal):
    body = {
        "title": deal.title,
        "bidValue": "500.00",
        "bidCurrencyAbbr": "USD",
        "responsibleid": str(user.uuid),
        "expectedCloseDate": "2027-03-01",
        "members": [deal.contact_id],
        "tags": [],
    }
    response = put_json(api(user), f"{API}/opportunity/{deal.pk}", body)

    assert response.status_code == 200, response.content
    assert rows(deal) == []


@pytest.mark.parametrize(
    "body",
    [
        {"title": "Renamed", "bidValue": "lots"},
        {"title": "Renamed", "expectedCloseDate": "yesterday"},
        {"title": "Renamed\x00", "successProbability": "x"},
        {"title": "Renamed", "bidValue": "1e30"},
        {"title": "x" * 300},
    ],
)
def test_no_row_when_put_is_refused(user, deal, body):
    response = put_json(api(user), f"{API}/opportunity/{deal.pk}", body)

    assert response.status_code == 400
    assert rows(deal) == []


def test_no_row_when_a_stranger_puts(other_user, user):
    secret = OpportunityFactory(created_by=user, access_list=[user])
    response = put_json(api(other_user), f"{API}/opportunity/{secret.pk}", {"title": "Mine"})

    assert response.status_code == 404
    assert rows(secret) == []


def test_stage_change_by_put_leaves_the_stage_to_stage_changes(user, deal):
    proposal = default_stage("Proposal")
    response = put_json(api(user), f"{API}/opportunity/{deal.pk}", {"stageid": proposal.pk})

    assert response.status_code == 200, response.content
    assert rows(deal) == [
        ("changed", "success_probability", "10%", f"{proposal.success_probability}%", user)
    ]
    assert StageChange.objects.filter(opportunity=deal, to_stage=proposal).count() == 1


def test_move_to_lost_stage_records_reason_comment_and_close_date(user, deal):
    lost = default_stage("Unsuccessfully closed")
    reason = LostReason.objects.order_by("sort_order").first()
    response = put_json(
        api(user),
        f"{API}/opportunity/{deal.pk}/stage/{lost.pk}",
        {"lostReason": reason.pk, "lostComment": "Went with a rival"},
    )

    assert response.status_code == 200, response.content
    deal.refresh_from_db()
    today = timezone.localdate(deal.actual_close_date).isoformat()
    assert rows(deal) == [
        ("changed", "success_probability", "10%", "0%", user),
        ("changed", "actual_close_date", "", today, user),
        ("changed", "lost_reason", "", reason.title, user),
        ("changed", "lost_comment", "", "Went with a rival", user),
    ]


def test_reopening_a_lost_deal_records_the_reason_cleared(user, deal):
    lost, proposal = default_stage("Unsuccessfully closed"), default_stage("Proposal")
    reason = LostReason.objects.order_by("sort_order").first()
    client = api(user)
    put_json(client, f"{API}/opportunity/{deal.pk}/stage/{lost.pk}", {"lostReason": reason.pk})
    OpportunityAudit.objects.all().delete()

    response = put_json(client, f"{API}/opportunity/{deal.pk}/stage/{proposal.pk}", {})

    assert response.status_code == 200, response.content
    changed = {row[1]: (row[2], row[3]) for row in rows(deal)}
    assert changed["lost_reason"] == (reason.title, "")
    assert changed["actual_close_date"][1] == ""
    assert "stage" not in changed


def test_member_rows_when_a_contact_is_linked_and_unlinked(user, deal):
    other = PersonFactory(first_name="Nina", last_name="North", created_by=user)
    client = api(user)

    assert client.post(f"{API}/opportunity/{deal.pk}/contact/{other.pk}").status_code == 201
    assert client.delete(f"{API}/opportunity/{deal.pk}/contact/{other.pk}").status_code == 200
    client.post(f"{API}/opportunity/{deal.pk}/contact/{other.pk}")  # twice: one row only
    client.post(f"{API}/opportunity/{deal.pk}/contact/{other.pk}")

    assert rows(deal) == [
        ("changed", "members", "", "Nina North", user),
        ("changed", "members", "Nina North", "", user),
        ("changed", "members", "", "Nina North", user),
    ]


def test_tag_rows_when_a_tag_is_added_and_removed(user, deal):
    client = api(user)
    url = f"{API}/opportunity/{deal.pk}/tag"

    assert client.post(url, {"tagName": "Hot"}, format="json").status_code == 201
    assert client.post(url, {"tagName": "hot"}, format="json").status_code == 201  # carried
    assert client.delete(url, {"tagName": "HOT"}, format="json").status_code == 200

    assert rows(deal) == [
        ("changed", "tags", "", "Hot", user),
        ("changed", "tags", "Hot", "", user),
    ]


def test_tags_replaced_by_put_give_a_row_per_tag(user):
    deal = OpportunityFactory(created_by=user, tags=[TagFactory(title="old")])
    response = put_json(api(user), f"{API}/opportunity/{deal.pk}", {"tags": ["new", "newer"]})

    assert response.status_code == 200, response.content
    assert rows(deal) == [
        ("changed", "tags", "old", "", user),
        ("changed", "tags", "", "new", user),
        ("changed", "tags", "", "newer", user),
    ]


def _tag_batch_queries(user, size: int) -> tuple[int, list]:
    deals = [OpportunityFactory(created_by=user) for _ in range(size)]
    title = f"batch {size}"
    deals[0].tags.add(TagFactory(title=title))  # already carries it: no row
    ids = [d.pk for d in deals]
    client = api(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"{API}/opportunity/taglist",
            {"entityid": ids, "tagName": title},
            format="json",
        )
    assert response.status_code == 201, response.content
    return len(queries), deals


def test_tag_batch_writes_a_row_per_deal_it_tagged_in_constant_queries(user):
    small, deals = _tag_batch_queries(user, 2)
    OpportunityAudit.objects.all().delete()
    large, more = _tag_batch_queries(user, 7)

    assert small == large
    assert rows(more[0]) == []
    assert [rows(d) for d in more[1:]] == [[("changed", "tags", "", "batch 7", user)]] * 6


def test_tag_deleted_everywhere_leaves_a_row_on_each_deal(admin_user, user):
    tag = TagFactory(title="Doomed")
    deals = [OpportunityFactory(created_by=user, tags=[tag]) for _ in range(3)]
    response = api(admin_user).delete(
        f"{API}/opportunity/tag", {"tagName": "doomed"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert [rows(d) for d in deals] == [[("changed", "tags", "Doomed", "", admin_user)]] * 3


def test_custom_field_row_names_the_field_and_reads_checkboxes_as_yes_no(user, deal):
    region = CustomFieldFactory(label="Region")
    signed = CustomFieldFactory(label="Signed", field_type=3)
    client = api(user)

    client.post(f"{API}/opportunity/{deal.pk}/customfield/{region.pk}", {"fieldValue": "EMEA"})
    client.post(f"{API}/opportunity/{deal.pk}/customfield/{signed.pk}", {"fieldValue": "true"})
    client.post(f"{API}/opportunity/{deal.pk}/customfield/{region.pk}", {"fieldValue": "EMEA"})
    put_json(
        client,
        f"{API}/opportunity/{deal.pk}",
        {"customFieldList": [{"key": region.pk, "value": ""}]},
    )

    assert rows(deal) == [
        ("changed", custom_field_name(region.pk), "", "EMEA", user),
        ("changed", custom_field_name(signed.pk), "", "yes", user),
        ("changed", custom_field_name(region.pk), "EMEA", "", user),
    ]
    labels = {audit_row_label(row) for row in opportunity_audit_rows(deal, user=user)}
    assert labels == {"Region", "Signed"}


def test_one_shared_row_with_old_and_new_access_when_shared(user, other_user, deal):
    response = put_json(
        api(user),
        f"{API}/opportunity/{deal.pk}/access",
        {"isPrivate": True, "accessList": [str(other_user.uuid)]},
    )

    assert response.status_code == 200, response.content
    assert rows(deal) == [
        ("shared", "access", "Public", "Private: Alice Archer, Bob Baker", user),
    ]


def test_no_shared_row_when_sharing_is_set_as_it_was(user, other_user):
    deal = OpportunityFactory(created_by=user, access_list=[user, other_user])
    response = put_json(
        api(user),
        f"{API}/opportunity/{deal.pk}/access",
        {"isPrivate": True, "accessList": [str(other_user.uuid)]},
    )

    assert response.status_code == 200, response.content
    assert rows(deal) == []


def test_sharing_refused_to_a_non_creator_writes_no_row(user, other_user, deal):
    response = put_json(api(other_user), f"{API}/opportunity/{deal.pk}/access", {"isPrivate": True})

    assert response.status_code == 403
    assert rows(deal) == []


def test_timestamp_rows_when_an_admin_sets_them(admin_user, deal):
    old = timezone.localtime(deal.created_at).isoformat(timespec="seconds")
    response = put_json(
        api(admin_user),
        f"{API}/opportunity/{deal.pk}/creationdate",
        {"creationDate": "2020-01-02T03:04:05Z"},
    )

    assert response.status_code == 200, response.content
    assert rows(deal) == [("changed", "created_at", old, "2020-01-02T03:04:05+00:00", admin_user)]


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


# -- reading the rows ------------------------------------------------------------------------


def test_rows_naming_a_contact_are_hidden_from_who_cannot_read_it(user, other_user, deal):
    hidden = PersonFactory(first_name="Quiet", last_name="Person", created_by=user)
    hidden.is_private = True
    hidden.save(update_fields=["is_private"])
    client = api(user)
    client.post(f"{API}/opportunity/{deal.pk}/contact/{hidden.pk}")
    put_json(client, f"{API}/opportunity/{deal.pk}", {"title": "Seen by all"})

    mine = [(r.field, r.new_value) for r in opportunity_audit_rows(deal, user=user)]
    theirs = [(r.field, r.new_value) for r in opportunity_audit_rows(deal, user=other_user)]

    assert mine == [("title", "Seen by all"), ("members", "Quiet Person")]
    assert theirs == [("title", "Seen by all")]
    assert [r.field for r in opportunity_audit_rows(deal)] == ["title"]


def test_rows_come_newest_first_with_their_author_in_one_query(
    user, deal, django_assert_num_queries
):
    client = api(user)
    for title in ("One", "Two", "Three"):
        put_json(client, f"{API}/opportunity/{deal.pk}", {"title": title})
    OpportunityAudit.objects.filter(new_value="One").update(
        changed_at=timezone.now() - timedelta(days=1)
    )

    with django_assert_num_queries(1):
        read = [
            (r.new_value, r.changed_by.get_display_name())
            for r in opportunity_audit_rows(deal, user=user)
        ]

    assert read == [("Three", "Alice Archer"), ("Two", "Alice Archer"), ("One", "Alice Archer")]


def test_audit_rows_have_no_listing_of_their_own():
    with pytest.raises(NoReverseMatch):
        reverse("admin:opportunities_opportunityaudit_changelist")


def test_field_labels_are_what_people_read():
    assert audit_field_label("bid_value") == "Amount"
    assert audit_field_label("expected_close_date") == "Expected close date"
    assert audit_field_label("lost_reason") == "Lost reason"
    assert audit_field_label("custom_field_7", "Region") == "Region"
    assert audit_field_label("custom_field_7") == "Custom field"
