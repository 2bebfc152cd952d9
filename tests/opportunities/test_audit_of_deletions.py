"""Issue 11.3: a deal's timeline records what a contact's or a custom field's delete took from
it (contacts and core send a signal; opportunities writes the rows): who deleted, the old value
and an empty new one, as an edit clearing the field would. A row naming a deleted contact is
read by admins only, as every such row (the contact may have been private); a deal in the
trash gets its rows too."""

import re
import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from core.models import CustomFieldDefinition, FieldType
from core.services import custom_field_delete
from opportunities.models import Opportunity, OpportunityAudit
from opportunities.services import opportunity_delete, opportunity_update
from opportunities.trash_services import opportunity_restore
from tests.concurrency import NO_ROW_LOCKS, postgresql_only, run_in_threads
from tests.factories import (
    CustomFieldFactory,
    OpportunityCustomFieldValueFactory,
    OpportunityFactory,
    PersonFactory,
)
from tests.opportunities.audit_helpers import api, rows

pytestmark = pytest.mark.django_db

API = "/api/2.0/crm"


def timeline_text(client, deal) -> str:
    """The deal page's timeline as people read it: its text, tags dropped, spaces collapsed."""
    response = client.get(f"/opportunities/{deal.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    stream = html[html.index('id="timeline-stream"') :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", stream))


@pytest.fixture
def paula(user):
    return PersonFactory(first_name="Paula", last_name="Person", created_by=user)


# -- contacts --------------------------------------------------------------------------------


def test_deal_rows_record_contact_customer_and_member_cleared_when_contact_deleted(
    user, other_user, paula
):
    deal = OpportunityFactory(created_by=user, contact=paula, customer=paula, members=[paula])
    member_only = OpportunityFactory(created_by=user, members=[paula])
    unrelated = OpportunityFactory(created_by=user, contact=PersonFactory(created_by=user))

    response = api(other_user).delete(f"{API}/contact/{paula.pk}")

    assert response.status_code == 200
    assert rows(deal) == [
        ("changed", "contact", "Paula Person", "", other_user),
        ("changed", "customer", "Paula Person", "", other_user),
        ("changed", "members", "Paula Person", "", other_user),
    ]
    assert rows(member_only) == [("changed", "members", "Paula Person", "", other_user)]
    assert rows(unrelated) == []


def test_timeline_shows_admins_who_cleared_the_contact_when_contact_deleted(
    client, user, other_user, admin_user, paula
):
    deal = OpportunityFactory(created_by=user, contact=paula, members=[paula])
    assert api(other_user).delete(f"{API}/contact/{paula.pk}").status_code == 200

    client.force_login(admin_user)
    text = timeline_text(client, deal)

    assert "Contact cleared: Paula Person by Bob Baker" in text
    assert "Members removed: Paula Person by Bob Baker" in text


def test_deleted_contact_name_hidden_from_deal_readers_when_not_admins(client, user, other_user):
    secret = PersonFactory(
        first_name="Secret", last_name="Sam", created_by=user, access_list=[user]
    )
    deal = OpportunityFactory(created_by=user, contact=secret, description="Public deal")
    assert api(user).delete(f"{API}/contact/{secret.pk}").status_code == 200
    assert rows(deal) == [("changed", "contact", "Secret Sam", "", user)]

    client.force_login(other_user)  # reads the public deal, never could read the contact
    text = timeline_text(client, deal)

    assert "Secret Sam" not in text
    assert "Contact cleared" not in text


def test_no_row_written_when_contact_delete_refused(other_user, user):
    secret = PersonFactory(created_by=user, access_list=[user])
    deal = OpportunityFactory(created_by=user, contact=secret, members=[secret])

    response = api(other_user).delete(f"{API}/contact/{secret.pk}")

    assert response.status_code == 404
    assert rows(deal) == []


def test_trashed_deal_restored_with_the_row_when_its_contact_deleted(
    client, user, admin_user, paula
):
    deal = OpportunityFactory(created_by=user, contact=paula)
    opportunity_delete(opportunity=deal, deleted_by=user)

    assert api(user).delete(f"{API}/contact/{paula.pk}").status_code == 200
    opportunity_restore(opportunity_id=deal.pk, restored_by=user)

    client.force_login(admin_user)
    assert "Contact cleared: Paula Person by Alice Archer" in timeline_text(client, deal)
    deal.refresh_from_db()
    assert deal.contact is None


@pytest.mark.parametrize("deals", [2, 20])
def test_contact_delete_costs_the_same_queries_when_more_deals_are_linked(
    user, paula, deals, django_assert_num_queries
):
    linked = [
        OpportunityFactory(created_by=user, contact=paula, members=[paula]) for _ in range(deals)
    ]
    opportunity_delete(opportunity=linked[0], deleted_by=user)  # the trash is read too
    client = api(user)

    with django_assert_num_queries(28):
        assert client.delete(f"{API}/contact/{paula.pk}").status_code == 200

    assert OpportunityAudit.objects.filter(field__in=["contact", "members"]).count() == 2 * deals


# -- custom fields ---------------------------------------------------------------------------


@pytest.fixture
def region(db):
    return CustomFieldFactory(label="Region", field_type=FieldType.TEXT_FIELD)


def test_timeline_shows_the_field_and_its_value_cleared_when_admin_deletes_custom_field(
    client, user, admin_user, region
):
    signed = CustomFieldFactory(label="Signed", field_type=FieldType.CHECK_BOX)
    deal = OpportunityFactory(created_by=user)
    OpportunityCustomFieldValueFactory(opportunity=deal, field=region, value="North")
    OpportunityCustomFieldValueFactory(opportunity=deal, field=signed, value="true")
    untouched = OpportunityFactory(created_by=user)
    OpportunityCustomFieldValueFactory(opportunity=untouched, field=signed, value="true")
    client.force_login(admin_user)

    url = reverse("admin:core_customfielddefinition_delete", args=[region.pk])
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not CustomFieldDefinition.objects.filter(pk=region.pk).exists()
    field = f"custom_field_{region.pk}"
    assert rows(deal) == [("changed", field, "Region: North", "", admin_user)]
    assert rows(untouched) == []
    client.force_login(user)
    assert "Custom field cleared: Region: North by Ada Admin" in timeline_text(client, deal)


def test_check_box_value_recorded_yes_when_custom_field_deleted_through_api(user, admin_user):
    signed = CustomFieldFactory(label="Signed", field_type=FieldType.CHECK_BOX)
    deal = OpportunityFactory(created_by=user)
    OpportunityCustomFieldValueFactory(opportunity=deal, field=signed, value="true")

    response = api(admin_user).delete(f"{API}/opportunity/customfield/{signed.pk}")

    assert response.status_code == 200
    assert rows(deal) == [("changed", f"custom_field_{signed.pk}", "Signed: yes", "", admin_user)]


def test_trashed_deal_restored_with_the_row_when_custom_field_deleted(
    client, user, admin_user, region
):
    deal = OpportunityFactory(created_by=user)
    OpportunityCustomFieldValueFactory(opportunity=deal, field=region, value="South")
    opportunity_delete(opportunity=deal, deleted_by=user)

    response = api(admin_user).delete(f"{API}/opportunity/customfield/{region.pk}")
    assert response.status_code == 200
    opportunity_restore(opportunity_id=deal.pk, restored_by=user)

    client.force_login(user)
    assert "Custom field cleared: Region: South by Ada Admin" in timeline_text(client, deal)


def test_no_row_written_when_custom_field_delete_refused(user, region):
    deal = OpportunityFactory(created_by=user)
    OpportunityCustomFieldValueFactory(opportunity=deal, field=region, value="North")

    response = api(user).delete(f"{API}/opportunity/customfield/{region.pk}")

    assert response.status_code == 403
    assert rows(deal) == []
    assert CustomFieldDefinition.objects.filter(pk=region.pk).exists()


@pytest.mark.parametrize("deals", [2, 20])
def test_custom_field_delete_costs_the_same_queries_when_more_deals_hold_values(
    user, admin_user, region, deals, django_assert_num_queries
):
    holding = [OpportunityFactory(created_by=user) for _ in range(deals)]
    for deal in holding:
        OpportunityCustomFieldValueFactory(opportunity=deal, field=region, value="North")
    opportunity_delete(opportunity=holding[0], deleted_by=user)  # the trash is read too
    client = api(admin_user)

    # the delete runs in a savepoint (2), on PostgreSQL with its foreign keys checked at once (2)
    expected = 15 if connection.vendor == "postgresql" else 13
    with django_assert_num_queries(expected):
        response = client.delete(f"{API}/opportunity/customfield/{region.pk}")
        assert response.status_code == 200

    assert OpportunityAudit.objects.filter(field=f"custom_field_{region.pk}").count() == deals


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
@postgresql_only(NO_ROW_LOCKS)
def test_custom_field_delete_records_the_value_an_edit_in_flight_left(user, admin_user, region):
    deal = OpportunityFactory(created_by=user)
    OpportunityCustomFieldValueFactory(opportunity=deal, field=region, value="North")
    holding = threading.Event()

    def editor():
        """Holds the deal while the delete gets under way, then changes the value."""
        try:
            with transaction.atomic():
                locked = Opportunity.objects.select_for_update().get(pk=deal.pk)
                holding.set()
                time.sleep(0.5)  # the delete now waits for this row
                opportunity_update(
                    opportunity=locked, updated_by=user, custom_fields={region.pk: "West"}
                )
        finally:
            holding.set()

    def deleter():
        holding.wait(5)
        custom_field_delete(definition=region, deleted_by=admin_user)

    errors = run_in_threads(editor, deleter)

    assert errors == []
    field = f"custom_field_{region.pk}"
    assert rows(deal) == [
        ("changed", field, "North", "West", user),
        ("changed", field, "Region: West", "", admin_user),
    ]
