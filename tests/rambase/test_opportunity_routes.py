"""GET/POST /sales/opportunities, GET/PUT/DELETE /sales/opportunities/{id}, in JSON and XML
(contract §1, §3, §4)."""

from decimal import Decimal

import pytest

from opportunities.models import Opportunity, OpportunityStatus, StageChange
from tests.factories import (
    LeadSourceFactory,
    OpportunityFactory,
    OpportunityStatusFactory,
    default_stage,
)
from tests.rambase.conftest import assert_error, xml_of

pytestmark = pytest.mark.django_db
URL = "/sales/opportunities"


def _url(opportunity) -> str:
    return f"{URL}/{opportunity.pk + 100000}"


@pytest.fixture
def source(db):
    return LeadSourceFactory(title="Trade fair 2026")


@pytest.fixture
def proposal(db):
    return default_stage("Proposal")


def full_body(*, source, company, person, other_user, user, proposal) -> dict:
    return {
        "title": "Intranet rollout",
        "source": source.pk,
        "expectedCloseDate": "2026-06-30",
        "probability": 60,
        "value": {
            "unweightedAmount": 250000,
            "oneTimeRevenueAmount": 50000,
            "recurringRevenueAmount": 10000,
            "contractMonths": 20,
        },
        "contact": {"contactId": person.pk + 10000},
        "customer": {"customerId": company.pk + 10000},
        "owner": {"employeeId": user.pk + 100},
        "assignee": {"employeeId": other_user.pk + 100},
        "opportunityStage": {"opportunityStageId": proposal.pk + 100000},
    }


def test_create_in_json_answers_201_with_the_resource_and_location(
    rb, user, other_user, person, company, source, proposal
):
    body = full_body(
        source=source,
        company=company,
        person=person,
        other_user=other_user,
        user=user,
        proposal=proposal,
    )
    response = rb.send_json("post", URL, {"salesOpportunity": body})
    assert response.status_code == 201, response.content
    opportunity = Opportunity.objects.get()
    rambase_id = opportunity.pk + 100000
    assert response["Location"] == f"http://testserver/sales/opportunities/{rambase_id}"
    shape = response.json()["salesOpportunity"]
    assert list(shape) == [
        "salesOpportunityId", "status", "title", "source", "expectedCloseDate", "probability",
        "opportunityStageChangedAt", "opportunityStatusChangedDate", "createdAt", "currency",
        "value", "contact", "customer", "owner", "assignee", "opportunityStage",
    ]  # fmt: skip
    assert shape["salesOpportunityId"] == rambase_id
    assert shape["status"] == OpportunityStatus.objects.filter(is_active=True).first().pk
    assert shape["title"] == "Intranet rollout"
    assert shape["source"] == source.pk
    assert shape["expectedCloseDate"] == "2026-06-30"
    assert shape["probability"] == 60
    assert shape["value"] == {
        "unweightedAmount": 250000,
        "weightedAmount": 150000,
        "oneTimeRevenueAmount": 50000,
        "recurringRevenueAmount": 10000,
        "contractMonths": 20,
    }
    assert shape["contact"] == {
        "contactId": person.pk + 10000,
        "firstName": "Paula",
        "lastName": "Person",
        "contactLink": f"http://testserver/collaboration/contacts/{person.pk + 10000}",
    }
    assert shape["customer"]["name"] == "Acme Corp"
    assert shape["customer"]["firstName"] is None
    assert shape["customer"]["salesDistrict"] is None
    assert shape["owner"]["employeeId"] == user.pk + 100
    assert shape["owner"]["lastName"] == "Archer"
    assert shape["assignee"] == {
        "employeeId": other_user.pk + 100,
        "lastName": "Baker",
        "firstName": "Bob",
        "employeeLink": f"http://testserver/human-resources/employees/{other_user.pk + 100}",
    }
    assert shape["opportunityStage"] == {
        "opportunityStageId": proposal.pk + 100000,
        "name": "Proposal",
        "probability": 75,
        "daysBeforeWarning": None,
        "opportunityStageLink": (
            f"http://testserver/sales/opportunity-stages/{proposal.pk + 100000}"
        ),
    }
    # the rows, as the services store them
    assert opportunity.bid_value == Decimal("250000.00")
    assert opportunity.responsible == other_user
    assert opportunity.owner == user
    assert opportunity.created_by == user
    assert opportunity.stage == proposal
    assert list(opportunity.members.all()) == [person]  # the contact became a participant
    assert opportunity.is_private is False
    assert StageChange.objects.filter(opportunity=opportunity, to_stage=proposal).exists()


XML_BODY = """<SalesOpportunity>
  <Title>Intranet rollout</Title><Source>{source}</Source>
  <ExpectedCloseDate>2026-06-30</ExpectedCloseDate><Probability>60</Probability>
  <Value><UnweightedAmount>250000</UnweightedAmount><OneTimeRevenueAmount>50000</OneTimeRevenueAmount>
    <RecurringRevenueAmount>10000</RecurringRevenueAmount><ContractMonths>20</ContractMonths></Value>
  <Contact><ContactId>{contact}</ContactId></Contact><Customer><CustomerId>{customer}</CustomerId></Customer>
  <Owner><EmployeeId>{owner}</EmployeeId></Owner><Assignee><EmployeeId>{assignee}</EmployeeId></Assignee>
  <OpportunityStage><OpportunityStageId>{stage}</OpportunityStageId></OpportunityStage>
</SalesOpportunity>"""


def test_create_in_xml_answers_in_xml(rb, user, other_user, person, company, source, proposal):
    text = XML_BODY.format(
        source=source.pk,
        contact=person.pk + 10000,
        customer=company.pk + 10000,
        owner=user.pk + 100,
        assignee=other_user.pk + 100,
        stage=proposal.pk + 100000,
    )
    response = rb.send_xml("post", f"{URL}?$format=xml", text)
    assert response.status_code == 201, response.content
    root = xml_of(response)
    assert root.tag == "SalesOpportunity"
    assert [child.tag for child in root][:4] == ["SalesOpportunityId", "Status", "Title", "Source"]
    assert root.findtext("Title") == "Intranet rollout"
    assert root.findtext("Value/WeightedAmount") == "150000"
    assert root.findtext("Contact/FirstName") == "Paula"
    assert root.findtext("Customer/FirstName") == ""  # an empty element
    assert root.find("Customer/SalesDistrict") is not None
    assert root.findtext("Assignee/EmployeeId") == str(other_user.pk + 100)
    assert root.findtext("OpportunityStage/Name") == "Proposal"
    opportunity = Opportunity.objects.get()
    assert opportunity.contract_months == 20
    assert opportunity.customer == company


def test_lenient_defaults_on_create_without_root_keys_in_any_case(rb, user, base_currency):
    response = rb.send_json("post", URL, {"TITLE": "Bare", "VALUE": {"UNWEIGHTEDAMOUNT": "12,345"}})
    assert response.status_code == 201, response.content
    shape = response.json()["salesOpportunity"]
    opportunity = Opportunity.objects.get()
    assert opportunity.bid_value == Decimal("12345")
    assert opportunity.responsible == user and opportunity.owner == user
    assert shape["currency"] == base_currency.pk
    first_open = default_stage("Initial contact")
    assert shape["opportunityStage"]["opportunityStageId"] == first_open.pk + 100000
    assert shape["probability"] == first_open.success_probability


def test_amounts_take_decimals_and_answer_integers_rounded_half_up(rb):
    response = rb.send_json(
        "post", URL, {"title": "Cents", "probability": 50, "value": {"unweightedAmount": 4073.85}}
    )
    value = response.json()["salesOpportunity"]["value"]
    assert value["unweightedAmount"] == 4074
    assert value["weightedAmount"] == 2037  # 2036.925
    assert Opportunity.objects.get().bid_value == Decimal("4073.85")


def test_get_one_in_json_and_xml(rb, user):
    opportunity = OpportunityFactory(created_by=user, title="Read me", bid_value=Decimal("10"))
    response = rb.get(_url(opportunity))
    assert response.status_code == 200
    assert response.json()["salesOpportunity"]["title"] == "Read me"
    root = xml_of(rb.get(_url(opportunity), HTTP_ACCEPT="application/xml"))
    assert root.findtext("SalesOpportunityId") == str(opportunity.pk + 100000)


def test_put_changes_only_the_named_fields(rb, user, proposal):
    opportunity = OpportunityFactory(
        created_by=user, title="Old", bid_value=Decimal("500"), contract_months=3
    )
    response = rb.send_json(
        "put",
        _url(opportunity),
        {"salesOpportunity": {"value": {"unweightedAmount": 900}, "probability": 33}},
    )
    assert response.status_code == 200, response.content
    opportunity.refresh_from_db()
    assert opportunity.bid_value == Decimal("900")
    assert opportunity.success_probability == 33
    assert opportunity.title == "Old"
    assert opportunity.contract_months == 3


def test_put_in_xml_moves_the_stage_by_the_boards_rules(rb, user, proposal):
    opportunity = OpportunityFactory(created_by=user)
    text = (
        f"<SalesOpportunity><OpportunityStage><OpportunityStageId>{proposal.pk + 100000}"
        "</OpportunityStageId></OpportunityStage></SalesOpportunity>"
    )
    response = rb.send_xml("put", f"{_url(opportunity)}?$format=xml", text)
    assert response.status_code == 200, response.content
    assert xml_of(response).findtext("Probability") == "75"
    opportunity.refresh_from_db()
    assert opportunity.stage == proposal
    assert opportunity.success_probability == 75
    assert StageChange.objects.filter(opportunity=opportunity, to_stage=proposal).exists()


def test_put_null_clears_references_numbers_and_dates(rb, user, person):
    opportunity = OpportunityFactory(
        created_by=user,
        contact=person,
        contract_months=4,
        expected_close_date="2026-01-01T00:00:00Z",
        source=LeadSourceFactory(),
    )
    response = rb.send_json(
        "put",
        _url(opportunity),
        {
            "contact": None,
            "value": {"contractMonths": None},
            "expectedCloseDate": None,
            "source": None,
            "owner": {"employeeId": None},
        },
    )
    assert response.status_code == 200, response.content
    opportunity.refresh_from_db()
    assert opportunity.contact is None
    assert opportunity.contract_months == 0
    assert opportunity.expected_close_date is None
    assert opportunity.source is None
    assert opportunity.owner is None


def test_a_get_answer_sent_back_changes_nothing_it_reads(rb, user, person):
    opportunity = OpportunityFactory(created_by=user, contact=person, title="Echo")
    shape = rb.get(_url(opportunity)).json()
    response = rb.send_json("put", _url(opportunity), shape)
    assert response.status_code == 200, response.content
    opportunity.refresh_from_db()
    assert opportunity.title == "Echo" and opportunity.contact == person


def test_status_change_sets_its_date(rb, user):
    opportunity = OpportunityFactory(created_by=user)
    status = OpportunityStatusFactory()
    shape = rb.send_json("put", _url(opportunity), {"status": status.pk}).json()
    assert shape["salesOpportunity"]["status"] == status.pk
    assert shape["salesOpportunity"]["opportunityStatusChangedDate"] is not None


def test_delete_answers_204_and_then_404_on_both_apis(rb, user, user_client_onlyoffice):
    opportunity = OpportunityFactory(created_by=user)
    response = rb.delete(_url(opportunity))
    assert response.status_code == 204
    assert response.content == b""
    assert_error(rb.get(_url(opportunity)), 404, 990012)
    onlyoffice = user_client_onlyoffice.get(f"/api/2.0/crm/opportunity/{opportunity.pk}")
    assert onlyoffice.status_code == 404


def test_methods_not_on_the_contract_are_405_with_allow(rb, user):
    opportunity = OpportunityFactory(created_by=user)
    for method, path in (
        ("put", URL),
        ("delete", URL),
        ("patch", URL),
        ("patch", _url(opportunity)),
        ("post", _url(opportunity)),
    ):
        response = getattr(rb, method)(path)
        assert_error(response, 405, 990013)
    assert rb.patch(_url(opportunity))["Allow"] == "GET, PUT, DELETE, HEAD"
    assert rb.put(URL)["Allow"] == "GET, POST, HEAD"


def test_ids_below_the_minimum_are_400_and_unknown_ones_404(rb):
    assert_error(rb.get(f"{URL}/99999"), 400, 990004, "salesOpportunityId")
    assert_error(rb.get(f"{URL}/100000"), 404, 990012)
    assert_error(rb.get(f"{URL}/999999999999999999"), 404, 990012)


@pytest.fixture
def user_client_onlyoffice(client_for_onlyoffice, user):
    return client_for_onlyoffice(user)


@pytest.fixture
def client_for_onlyoffice(db):
    from rest_framework.test import APIClient

    from accounts.api.authentication import token_issue

    def make(user):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=token_issue(user)[0])
        return client

    return make
