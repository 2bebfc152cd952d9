"""Refused writes on /sales/opportunities: RamBase's numbered errors naming the RamBase field,
and nothing changed (contract §4, §8), hostile input included."""

import json
from decimal import Decimal

import pytest

from opportunities.models import Opportunity
from tests.factories import OpportunityFactory, PersonFactory, UserFactory
from tests.rambase.conftest import assert_error

pytestmark = pytest.mark.django_db
URL = "/sales/opportunities"


def _create(rb, body):
    return rb.send_json("post", URL, body)


@pytest.mark.parametrize(
    ("body", "error_id", "parameter", "message"),
    [
        ({"probability": 50}, 990001, "Title", "The title is required."),
        ({"title": "   "}, 990001, "Title", None),
        ({"title": "x" * 256}, 990001, "Title", None),
        ({"title": {"a": 1}}, 990001, "Title", None),
        ({"title": "T", "probability": 101}, 990001, "Probability", None),
        ({"title": "T", "probability": -1}, 990001, "Probability", None),
        ({"title": "T", "probability": "ten"}, 990001, "Probability", None),
        ({"title": "T", "probability": True}, 990001, "Probability", None),
        (
            {"title": "T", "value": {"unweightedAmount": -5}},
            990001,
            "Value.UnweightedAmount",
            "Value.UnweightedAmount cannot be negative.",
        ),
        (
            {"title": "T", "value": {"unweightedAmount": 1e30}},
            990001,
            "Value.UnweightedAmount",
            None,
        ),
        ({"title": "T", "value": {"contractMonths": 2.5}}, 990001, "Value.ContractMonths", None),
        ({"title": "T", "value": 7}, 990001, "Value", None),
        ({"title": "T", "expectedCloseDate": "30.06.2026"}, 990001, "ExpectedCloseDate", None),
        ({"title": "T", "expectedCloseDate": "2026-02-30"}, 990001, "ExpectedCloseDate", None),
        ({"title": "T", "expectedCloseDate": "0001-01-01"}, 990001, "ExpectedCloseDate", None),
        ({"title": "T", "source": 999999}, 105912, "Source", None),
        ({"title": "T", "status": 999999}, 990002, "Status", None),
        ({"title": "T", "currency": "XXQ"}, 990002, "Currency", None),
        ({"title": "T", "currency": None}, 990001, "Currency", None),
        ({"title": "T", "contact": {"contactId": 999999}}, 990002, "Contact.ContactId", None),
        ({"title": "T", "contact": {"contactId": 5}}, 990001, "Contact.ContactId", None),
        ({"title": "T", "customer": {"customerId": 10**17}}, 990002, "Customer.CustomerId", None),
        ({"title": "T", "owner": {"employeeId": 99999}}, 990002, "Owner.EmployeeId", None),
        ({"title": "T", "assignee": {"employeeId": None}}, 105858, "Assignee.EmployeeId", None),
        (
            {"title": "T", "opportunityStage": {"opportunityStageId": None}},
            990001,
            "OpportunityStage.OpportunityStageId",
            None,
        ),
        (
            {"title": "T", "opportunityStage": {"opportunityStageId": 100999}},
            990002,
            "OpportunityStage.OpportunityStageId",
            None,
        ),
        ({"title": "T", "colour": "red"}, 990003, "colour", None),
        ({"title": "T", "value": {"total": 1}}, 990003, "Value.total", None),
        ({"title": "T\x00"}, 990001, None, None),
    ],
)
def test_refused_create_names_the_field_and_writes_nothing(rb, body, error_id, parameter, message):
    response = _create(rb, body)
    error = assert_error(response, 400, error_id, parameter)
    if message:
        assert error["message"] == message
    assert not Opportunity.objects.exists()


def test_responsible_empty_has_the_seeds_message(rb):
    error = assert_error(_create(rb, {"title": "T", "assignee": None}), 400, 105858)
    assert error["message"] == "Responsible cannot be empty."


def test_put_cannot_clear_the_assignee_or_title(rb, user):
    opportunity = OpportunityFactory(created_by=user, title="Keep")
    url = f"{URL}/{opportunity.pk + 100000}"
    assert_error(rb.send_json("put", url, {"assignee": None}), 400, 105858, "Assignee.EmployeeId")
    assert_error(rb.send_json("put", url, {"title": None}), 400, 990001, "Title")
    opportunity.refresh_from_db()
    assert opportunity.title == "Keep" and opportunity.responsible == user


def test_a_hidden_contact_is_an_unknown_reference(rb, other_user):
    hidden = PersonFactory(created_by=other_user, access_list=[other_user])
    body = {"title": "T", "contact": {"contactId": hidden.pk + 10000}}
    assert_error(_create(rb, body), 400, 990002, "Contact.ContactId")


def test_an_inactive_employee_is_an_unknown_reference(rb):
    gone = UserFactory(is_active=False)
    body = {"title": "T", "assignee": {"employeeId": gone.pk + 100}}
    assert_error(_create(rb, body), 400, 990002, "Assignee.EmployeeId")


@pytest.mark.parametrize(
    ("content", "content_type", "status", "error_id"),
    [
        (b"{not json", "application/json", 400, 990003),
        (b"[1, 2]", "application/json", 400, 990003),
        (b'{"title": "a", "TITLE": "b"}', "application/json", 400, 990003),
        (b"<SalesOpportunity><Title>a</Title>", "application/xml", 400, 990003),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>'
            b"<SalesOpportunity><Title>&e;</Title></SalesOpportunity>",
            "application/xml",
            400,
            990003,
        ),
        (
            b"<SalesOpportunity><Title>a</Title><title>b</title></SalesOpportunity>",
            "text/xml",
            400,
            990003,
        ),
        (b"title=x", "text/csv", 415, 990015),
        (b"[" * 5000 + b"]" * 5000, "application/json", 400, 990003),
        (b"<a>" * 200 + b"</a>" * 200, "application/xml", 400, 990003),
    ],
)
def test_malformed_bodies(rb, content, content_type, status, error_id):
    response = rb.generic("POST", URL, content, content_type)
    assert_error(response, status, error_id)
    assert not Opportunity.objects.exists()


def test_xml_body_without_content_type_is_sniffed(rb):
    response = rb.generic(
        "POST", URL, b"<SalesOpportunity><Title>Sniffed</Title></SalesOpportunity>", ""
    )
    assert response.status_code == 201, response.content
    assert Opportunity.objects.get().title == "Sniffed"


def test_refused_put_changes_nothing(rb, user):
    opportunity = OpportunityFactory(created_by=user, bid_value=Decimal("10"), title="Same")
    response = rb.send_json(
        "put",
        f"{URL}/{opportunity.pk + 100000}",
        {"title": "Changed", "value": {"unweightedAmount": -1}},
    )
    assert_error(response, 400, 990001, "Value.UnweightedAmount")
    opportunity.refresh_from_db()
    assert opportunity.title == "Same" and opportunity.version == 1


def test_huge_strings_and_numbers_are_400_not_500(rb):
    assert_error(_create(rb, {"title": "T", "probability": 10**40}), 400, 990001, "Probability")
    assert_error(_create(rb, {"title": "T" * 100_000}), 400, 990001, "Title")
    body = json.dumps({"title": "T", "source": "9" * 400})
    assert rb.generic("POST", URL, body, "application/json").status_code == 400
