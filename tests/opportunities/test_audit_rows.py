"""Issue 11.3: every change to an opportunity leaves audit rows written by the services (who,
when, the old and the new value as people read them), here through the API (the pages and the
admin: test_audit_rows_on_pages_and_admin.py). A save that changes nothing, and a refused
write, leave none; the rows are read only through their opportunity."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.custom_fields import custom_field_name
from opportunities.audit_selectors import audit_field_label, audit_row_label, opportunity_audit_rows
from opportunities.models import LostReason, OpportunityAudit, StageChange
from tests.factories import (
    CustomFieldFactory,
    OpportunityFactory,
    PersonFactory,
    TagFactory,
    default_stage,
)
from tests.opportunities.audit_helpers import api, audited_deal, rows

pytestmark = pytest.mark.django_db

API = "/api/2.0/crm"
TAG_DELETE_QUERIES = 11  # whatever the number of deals carrying the tag


def put_json(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def deal(user, person):
    return audited_deal(user, person)


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


@pytest.mark.parametrize("size", [1, 5])
def test_tag_deleted_everywhere_costs_the_same_queries_for_any_number_of_deals(
    admin_user, user, size, django_assert_num_queries
):
    tag = TagFactory(title="Spread")
    for _ in range(size):
        OpportunityFactory(created_by=user, tags=[tag])
    client = api(admin_user)

    with django_assert_num_queries(TAG_DELETE_QUERIES):
        response = client.delete(f"{API}/opportunity/tag", {"tagName": "spread"}, format="json")

    assert response.status_code == 200, response.content
    assert OpportunityAudit.objects.filter(field="tags", old_value="Spread").count() == size


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


# -- reading the rows ------------------------------------------------------------------------


def test_rows_naming_a_contact_are_hidden_from_who_cannot_read_it(user, other_user, deal):
    hidden = PersonFactory(
        first_name="Quiet", last_name="Person", created_by=user, access_list=[user]
    )
    client = api(user)
    client.post(f"{API}/opportunity/{deal.pk}/contact/{hidden.pk}")
    put_json(client, f"{API}/opportunity/{deal.pk}", {"title": "Seen by all"})

    mine = [(r.field, r.new_value) for r in opportunity_audit_rows(deal, user=user)]
    theirs = [(r.field, r.new_value) for r in opportunity_audit_rows(deal, user=other_user)]

    assert mine == [("title", "Seen by all"), ("members", "Quiet Person")]
    assert theirs == [("title", "Seen by all")]
    assert [r.field for r in opportunity_audit_rows(deal)] == ["title"]


def test_rows_naming_a_deleted_private_contact_are_read_by_admins_only(
    user, admin_user, other_user, deal
):
    gone = PersonFactory(
        first_name="Gone", last_name="Away", created_by=user, is_private=True,
        access_list=[user],
    )  # fmt: skip
    client = api(user)
    client.post(f"{API}/opportunity/{deal.pk}/contact/{gone.pk}")
    assert [r.new_value for r in opportunity_audit_rows(deal, user=user)] == ["Gone Away"]
    assert list(opportunity_audit_rows(deal, user=other_user)) == []

    assert client.delete(f"{API}/contact/{gone.pk}").status_code == 200

    # it may have been private to anyone: once gone, only admins read its name
    assert list(opportunity_audit_rows(deal, user=user)) == []
    # the delete's own row (the member removed) names the contact too
    assert [(r.old_value, r.new_value) for r in opportunity_audit_rows(deal, user=admin_user)] == [
        ("Gone Away", ""),
        ("", "Gone Away"),
    ]


def test_rows_naming_a_deleted_public_contact_stay_with_the_deal(user, other_user, deal):
    """Everyone with CRM access could read a public contact: the rows naming it (its
    addition and its removal by the delete) stay readable by whoever reads the deal."""
    gone = PersonFactory(first_name="Gone", last_name="Away", created_by=user)
    client = api(user)
    client.post(f"{API}/opportunity/{deal.pk}/contact/{gone.pk}")

    assert client.delete(f"{API}/contact/{gone.pk}").status_code == 200

    for reader in (user, other_user):
        assert [(r.old_value, r.new_value) for r in opportunity_audit_rows(deal, user=reader)] == [
            ("Gone Away", ""),
            ("", "Gone Away"),
        ]


def test_contact_change_by_put_names_both_contacts(user, person, deal):
    nina = PersonFactory(first_name="Nina", last_name="North", created_by=user)
    response = put_json(api(user), f"{API}/opportunity/{deal.pk}", {"contactid": nina.pk})

    assert response.status_code == 200, response.content
    assert rows(deal) == [
        ("changed", "contact", "Paula Person", "Nina North", user),
        ("changed", "members", "", "Nina North", user),
    ]
    row = OpportunityAudit.objects.get(field="contact")
    assert set(row.contact_links.values_list("contact_id", flat=True)) == {person.pk, nina.pk}


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
