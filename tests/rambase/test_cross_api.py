"""Same rows, two vocabularies (contract §12): an opportunity created through either API reads
back identically, field by field, through the other; a delete shows as 404 on both."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue
from opportunities.services import opportunity_move_to_stage
from tests.factories import LeadSourceFactory, OpportunityStatusFactory, default_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def onlyoffice(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_issue(user)[0])
    return client


def test_created_through_rambase_reads_the_same_through_onlyoffice(
    rb, onlyoffice, user, other_user, person, company
):
    source, status = LeadSourceFactory(), OpportunityStatusFactory()
    proposal = default_stage("Proposal")
    created = rb.send_json(
        "post",
        "/sales/opportunities",
        {
            "title": "Twin",
            "source": source.pk,
            "status": status.pk,
            "expectedCloseDate": "2026-06-30",
            "probability": 40,
            "currency": "EUR",
            "value": {
                "unweightedAmount": 1000,
                "oneTimeRevenueAmount": 200,
                "recurringRevenueAmount": 30,
                "contractMonths": 12,
            },
            "contact": {"contactId": person.pk + 10000},
            "customer": {"customerId": company.pk + 10000},
            "owner": {"employeeId": user.pk + 100},
            "assignee": {"employeeId": other_user.pk + 100},
            "opportunityStage": {"opportunityStageId": proposal.pk + 100000},
        },
    ).json()["salesOpportunity"]
    pk = created["salesOpportunityId"] - 100000
    wire = onlyoffice.get(f"/api/2.0/crm/opportunity/{pk}").json()["response"]
    assert wire["id"] == pk
    assert wire["title"] == created["title"]
    assert wire["bidValue"] == created["value"]["unweightedAmount"]
    assert wire["bidCurrency"]["abbreviation"] == created["currency"] == "EUR"
    assert wire["successProbability"] == created["probability"]
    assert wire["weightedAmount"] == created["value"]["weightedAmount"] == 400
    assert wire["oneTimeRevenue"] == 200 and wire["recurringRevenue"] == 30
    assert wire["contractMonths"] == 12
    assert wire["stage"]["id"] == created["opportunityStage"]["opportunityStageId"] - 100000
    assert wire["responsible"]["id"] == str(other_user.uuid)
    assert wire["owner"]["id"] == str(user.uuid)
    assert wire["contact"]["id"] == person.pk
    assert wire["customer"]["id"] == company.pk
    assert wire["source"]["id"] == source.pk and wire["status"]["id"] == status.pk
    assert wire["expectedCloseDate"].startswith("2026-06-30T00:00:00")
    listed = onlyoffice.get("/api/2.0/crm/opportunity/filter").json()["response"]
    assert [item["id"] for item in listed] == [pk]


def test_created_through_onlyoffice_reads_the_same_through_rambase(rb, onlyoffice, other_user):
    stage = default_stage("Negotiations")
    wire = onlyoffice.post(
        "/api/2.0/crm/opportunity",
        {
            "title": "From ONLYOFFICE",
            "bidValue": 5000,
            "bidCurrencyAbbr": "EUR",
            "stageid": stage.pk,
            "successProbability": 70,
            "responsibleid": str(other_user.uuid),
            "expectedCloseDate": "2026-09-01T00:00:00",
            "oneTimeRevenue": 100,
            "contractMonths": 6,
        },
        format="json",
    ).json()["response"]
    shape = rb.get(f"/sales/opportunities/{wire['id'] + 100000}").json()["salesOpportunity"]
    assert shape["title"] == wire["title"]
    assert shape["value"]["unweightedAmount"] == wire["bidValue"] == 5000
    assert shape["value"]["weightedAmount"] == wire["weightedAmount"] == 3500
    assert shape["value"]["oneTimeRevenueAmount"] == 100
    assert shape["value"]["contractMonths"] == 6
    assert shape["currency"] == "EUR"
    assert shape["probability"] == 70
    assert shape["expectedCloseDate"] == "2026-09-01"
    assert shape["assignee"]["employeeId"] == other_user.pk + 100
    assert shape["opportunityStage"]["opportunityStageId"] == stage.pk + 100000
    assert shape["opportunityStage"]["name"] == "Negotiations"


def test_a_move_on_the_board_shows_in_rambase_and_a_rambase_update_in_onlyoffice(
    rb, onlyoffice, user, opportunity
):
    proposal = default_stage("Proposal")
    opportunity_move_to_stage(opportunity=opportunity, stage=proposal, moved_by=user)
    url = f"/sales/opportunities/{opportunity.pk + 100000}"
    shape = rb.get(url).json()["salesOpportunity"]
    assert shape["opportunityStage"]["opportunityStageId"] == proposal.pk + 100000
    assert shape["probability"] == 75
    rb.send_json("put", url, {"value": {"unweightedAmount": 777.5}})
    wire = onlyoffice.get(f"/api/2.0/crm/opportunity/{opportunity.pk}").json()["response"]
    assert Decimal(str(wire["bidValue"])) == Decimal("777.5")


def test_a_delete_through_onlyoffice_is_404_through_rambase(rb, onlyoffice, opportunity):
    assert onlyoffice.delete(f"/api/2.0/crm/opportunity/{opportunity.pk}").status_code == 200
    response = rb.get(f"/sales/opportunities/{opportunity.pk + 100000}")
    assert response.status_code == 404


def test_created_through_rambase_shows_on_the_board_in_its_stage_column(rb, user, client):
    proposal = default_stage("Proposal")
    rb.send_json(
        "post",
        "/sales/opportunities",
        {"title": "On the board", "opportunityStage": {"opportunityStageId": proposal.pk + 100000}},
    )
    client.force_login(user)
    html = client.get("/").content.decode()
    column = html.split(f'id="cards-{proposal.pk}"', 1)[1].split("<section", 1)[0]
    assert "On the board" in column
