"""Owner.EmployeeId on POST and PUT /sales/opportunities (contract §4): left out it is the
caller; null (JSON null, a null id, `<Owner/>`, an empty `<EmployeeId/>`) leaves the
opportunity without an owner, and PUT with null clears it. The audit rows follow."""

import pytest
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue
from opportunities.models import AuditAction, Opportunity, OpportunityAudit
from tests.factories import OpportunityFactory
from tests.rambase.conftest import xml_of

pytestmark = pytest.mark.django_db
URL = "/sales/opportunities"


def _url(opportunity) -> str:
    return f"{URL}/{opportunity.pk + 100000}"


def _audit(opportunity) -> list[tuple]:
    return list(
        OpportunityAudit.objects.filter(opportunity=opportunity)
        .order_by("id")
        .values_list("action", "field", "old_value", "new_value")
    )


def test_left_out_the_owner_is_the_caller(rb, user):
    response = rb.send_json("post", URL, {"salesOpportunity": {"title": "Mine"}})
    assert response.status_code == 201, response.content
    assert response.json()["salesOpportunity"]["owner"]["employeeId"] == user.pk + 100
    assert Opportunity.objects.get().owner == user


@pytest.mark.parametrize("owner", [None, {"employeeId": None}, {"employeeId": ""}])
def test_a_null_owner_in_json_leaves_it_without_one(rb, user, owner):
    body = {"salesOpportunity": {"title": "Nobody's", "owner": owner}}
    response = rb.send_json("post", URL, body)
    assert response.status_code == 201, response.content
    shape = response.json()["salesOpportunity"]
    assert shape["owner"] == {
        "employeeId": None,
        "lastName": None,
        "firstName": None,
        "employeeLink": None,
    }
    opportunity = Opportunity.objects.get()
    assert opportunity.owner is None
    assert opportunity.responsible == user  # the assignee keeps its default
    assert _audit(opportunity) == [(AuditAction.CREATED, "", "", "Nobody's")]


@pytest.mark.parametrize("owner", ["<Owner/>", "<Owner><EmployeeId/></Owner>", "<Owner></Owner>"])
def test_a_null_owner_in_xml_leaves_it_without_one(rb, user, owner):
    text = f"<SalesOpportunity><Title>Nobody's</Title>{owner}</SalesOpportunity>"
    response = rb.send_xml("post", f"{URL}?$format=xml", text)
    assert response.status_code == 201, response.content
    root = xml_of(response)
    assert root.findtext("Owner/EmployeeId") == ""
    assert root.findtext("Assignee/EmployeeId") == str(user.pk + 100)
    assert Opportunity.objects.get().owner is None


def test_a_new_opportunity_without_owner_reads_so_on_onlyoffice(rb, user):
    response = rb.send_json("post", URL, {"title": "Nobody's", "owner": None})
    assert response.status_code == 201, response.content
    pk = response.json()["salesOpportunity"]["salesOpportunityId"] - 100000
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_issue(user)[0])
    wire = client.get(f"/api/2.0/crm/opportunity/{pk}").json()["response"]
    assert wire["owner"] is None


def test_an_explicit_owner_on_post_is_taken(rb, other_user):
    body = {"title": "Theirs", "owner": {"employeeId": other_user.pk + 100}}
    assert rb.send_json("post", URL, body).status_code == 201
    assert Opportunity.objects.get().owner == other_user


def test_put_with_a_null_owner_in_xml_clears_it_with_an_audit_row(rb, user):
    opportunity = OpportunityFactory(created_by=user, owner=user, title="Deal")
    text = "<SalesOpportunity><Owner><EmployeeId/></Owner></SalesOpportunity>"
    response = rb.send_xml("put", f"{_url(opportunity)}?$format=xml", text)
    assert response.status_code == 200, response.content
    assert xml_of(response).findtext("Owner/EmployeeId") == ""
    opportunity.refresh_from_db()
    assert opportunity.owner is None
    assert opportunity.responsible == user
    changes = [row for row in _audit(opportunity) if row[0] == AuditAction.CHANGED]
    assert changes == [(AuditAction.CHANGED, "owner", "Alice Archer", "")]


def test_put_without_the_owner_keeps_it(rb, user):
    opportunity = OpportunityFactory(created_by=user, owner=user, title="Deal")
    response = rb.send_json("put", _url(opportunity), {"title": "Renamed"})
    assert response.status_code == 200, response.content
    opportunity.refresh_from_db()
    assert opportunity.owner == user
    assert [row[1] for row in _audit(opportunity) if row[0] == AuditAction.CHANGED] == ["title"]
