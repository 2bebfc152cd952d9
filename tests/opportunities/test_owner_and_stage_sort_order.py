"""`opportunity_create(owner=)`: left out is the creator, None is no owner; the callers that
send a blank owner (the web form, the admin, ONLYOFFICE's Guid.Empty) keep the creator.
`stage_create` / `stage_update(sort_order=)`: stored as given (an integer the column holds),
last by default; InvalidInput naming `sort_order` otherwise, nothing changed."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue
from core.errors import InvalidInput
from opportunities.models import AuditAction, Opportunity, OpportunityAudit, Stage
from opportunities.services import opportunity_create, stage_create, stage_update
from tests.admin.test_admin_writes_through_services import add_url, form_data
from tests.factories import default_stage

pytestmark = pytest.mark.django_db


def _orders() -> dict[int, int]:
    return dict(Stage.objects.values_list("pk", "sort_order"))


# -- owner ---------------------------------------------------------------------------------------


def test_owner_left_out_is_the_creator(user):
    assert opportunity_create(created_by=user, title="Deal").owner == user


def test_owner_none_is_no_owner_and_only_the_created_row_is_audited(user):
    opportunity = opportunity_create(created_by=user, title="Deal", owner=None)
    opportunity.refresh_from_db()
    assert opportunity.owner is None
    assert opportunity.responsible == user
    rows = OpportunityAudit.objects.filter(opportunity=opportunity)
    assert list(rows.values_list("action", "field")) == [(AuditAction.CREATED, "")]


def test_owner_given_is_taken(user, other_user):
    assert opportunity_create(created_by=user, title="Deal", owner=other_user).owner == other_user


def test_an_inactive_owner_is_refused(user, other_user):
    other_user.is_active = False
    other_user.save()
    with pytest.raises(InvalidInput) as caught:
        opportunity_create(created_by=user, title="Deal", owner=other_user)
    assert caught.value.field == "owner"
    assert not Opportunity.objects.exists()


def test_the_web_form_with_a_blank_owner_keeps_the_creator(client, user):
    client.force_login(user)
    data = {
        "title": "From the form",
        "stage": default_stage("Proposal").pk,
        "bid_value": "10",
        "bid_currency": "EUR",
        "bid_type": "0",
        "responsible": user.pk,
        "owner": "",
    }
    assert client.post("/opportunities/new/", data).status_code == 302
    assert Opportunity.objects.get(title="From the form").owner == user


def test_the_admin_with_a_blank_owner_keeps_the_creator(client, admin_user):
    client.force_login(admin_user)
    template = Opportunity(
        title="From the admin",
        stage=default_stage("Proposal"),
        success_probability=0,
        bid_value=Decimal("5"),
        bid_currency_id="USD",
        responsible=admin_user,
        owner=None,
    )
    assert client.post(add_url(Opportunity), form_data(template)).status_code == 302
    assert Opportunity.objects.get(title="From the admin").owner == admin_user


def test_onlyoffice_with_an_empty_owner_guid_keeps_the_creator(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_issue(user)[0])
    body = {"title": "From ONLYOFFICE", "ownerid": "00000000-0000-0000-0000-000000000000"}
    response = client.post("/api/2.0/crm/opportunity", body, format="json")
    assert response.status_code == 201, response.content
    assert Opportunity.objects.get(title="From ONLYOFFICE").owner == user


# -- stage sort order ----------------------------------------------------------------------------


def test_stage_created_with_a_sort_order_keeps_it_and_the_others_theirs(admin_user):
    before = _orders()
    stage = stage_create(created_by=admin_user, title="Early", sort_order="-3")
    assert Stage.objects.get(pk=stage.pk).sort_order == -3
    assert {pk: v for pk, v in _orders().items() if pk != stage.pk} == before


def test_stage_created_without_a_sort_order_goes_last(admin_user):
    highest = max(_orders().values())
    stage = stage_create(created_by=admin_user, title="Late")
    assert stage.sort_order == highest + 1


def test_stage_update_stores_the_sort_order_and_keeps_it_when_not_named(admin_user):
    stage = default_stage("Proposal")
    stage_update(stage=stage, updated_by=admin_user, sort_order=42)
    assert Stage.objects.get(pk=stage.pk).sort_order == 42
    stage_update(stage=stage, updated_by=admin_user, title="Offer")
    stage.refresh_from_db()
    assert (stage.title, stage.sort_order) == ("Offer", 42)


@pytest.mark.parametrize(
    "value", [2**31, -(2**31) - 1, 1.5, "1.5", "x", True, [], None, ""], ids=repr
)
def test_stage_update_refuses_a_sort_order_the_column_cannot_hold(admin_user, value):
    stage = default_stage("Proposal")
    before = _orders()
    with pytest.raises(InvalidInput) as caught:
        stage_update(stage=stage, updated_by=admin_user, title="Changed", sort_order=value)
    assert (caught.value.field, caught.value.entity) == ("sort_order", "stage")
    assert _orders() == before
    stage.refresh_from_db()
    assert stage.title == "Proposal"


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, "x", False, ""], ids=repr)
def test_stage_create_refuses_a_sort_order_the_column_cannot_hold(admin_user, value):
    count = Stage.objects.count()
    with pytest.raises(InvalidInput) as caught:
        stage_create(created_by=admin_user, title="Bad", sort_order=value)
    assert (caught.value.field, caught.value.entity) == ("sort_order", "stage")
    assert Stage.objects.count() == count


def test_the_column_limits_are_taken(admin_user):
    low = stage_create(created_by=admin_user, title="Low", sort_order=-(2**31))
    high = stage_create(created_by=admin_user, title="High", sort_order=2**31 - 1)
    assert Stage.objects.get(pk=low.pk).sort_order == -(2**31)
    assert Stage.objects.get(pk=high.pk).sort_order == 2**31 - 1
    # the next stage with no sort order given still fits the column
    assert stage_create(created_by=admin_user, title="After").sort_order == 2**31 - 1
