"""The read-only helpers (contract §1): domain values, employees, contacts, customers."""

import pytest

from tests.factories import (
    CompanyFactory,
    LeadSourceFactory,
    OpportunityStatusFactory,
    PersonFactory,
    UserFactory,
)
from tests.rambase.conftest import assert_error, xml_of

pytestmark = pytest.mark.django_db
DOMAIN = "/system/domain-values/applicable-values"


def test_source_domain_values_are_the_active_lead_sources(rb):
    active = LeadSourceFactory(title="Referral zz", sort_order=9000)
    LeadSourceFactory(title="Old zz", is_active=False)
    body = rb.get(f"{DOMAIN}?object=SalesOpportunity&field=source&$top=80").json()
    assert {"key": active.pk, "description": "Referral zz", "priority": 9000} in body[
        "domainValues"
    ]
    assert "Old zz" not in [value["description"] for value in body["domainValues"]]
    assert "paging" in body


def test_status_domain_values_in_xml_with_a_filter(rb):
    status = OpportunityStatusFactory(title="Qualified zz")
    response = rb.get(f"{DOMAIN}?OBJECT=OPT&Field=Status&$format=xml&$filter=Key eq {status.pk}")
    root = xml_of(response)
    assert root.tag == "DomainValues"
    assert root.findtext("DomainValue/Description") == "Qualified zz"


def test_currency_domain_values(rb):
    body = rb.get(f"{DOMAIN}?object=SalesOpportunity&field=Currency&$filter=Key eq 'nok'").json()
    assert body["domainValues"] == [
        {"key": "NOK", "description": body["domainValues"][0]["description"], "priority": 0}
    ]


@pytest.mark.parametrize(
    "query", ["object=Invoice&field=Source", "object=SalesOpportunity&field=Title", ""]
)
def test_unknown_domain_object_or_field_is_990004(rb, query):
    assert_error(rb.get(f"{DOMAIN}?{query}"), 400, 990004)


def test_employees_list_active_users_and_get_one_returns_any(rb, user):
    gone = UserFactory(username="gone", is_active=False)
    body = rb.get("/human-resources/employees?$top=$max").json()
    assert body["paging"]["size"] == 500
    ids = [employee["employeeId"] for employee in body["employees"]]
    assert user.pk + 100 in ids and gone.pk + 100 not in ids
    one = rb.get(f"/human-resources/employees/{gone.pk + 100}").json()["employee"]
    assert one["guid"] == str(gone.uuid)
    assert one["employeeLink"] == f"http://testserver/human-resources/employees/{gone.pk + 100}"
    me = rb.get("/human-resources/employees?$filter=LastName eq 'archer'").json()
    assert [e["firstName"] for e in me["employees"]] == ["Alice"]
    assert_error(rb.get("/human-resources/employees/99"), 400, 990004, "employeeId")
    assert_error(rb.get("/human-resources/employees/99999999"), 404, 990012)


def test_guests_read_employees(guest, rambase_for):
    assert rambase_for(guest).get("/human-resources/employees").status_code == 200


def test_contacts_and_customers_follow_the_contact_visibility(rb, rb_other, user, person):
    company = CompanyFactory(company_name="Fjord AS", created_by=user, access_list=[user])
    contact = rb.get(f"/collaboration/contacts/{person.pk + 10000}").json()["contact"]
    assert contact == {
        "contactId": person.pk + 10000,
        "firstName": "Paula",
        "lastName": "Person",
        "contactLink": f"http://testserver/collaboration/contacts/{person.pk + 10000}",
    }
    customer = rb.get(f"/sales/customers/{company.pk + 10000}").json()["customer"]
    assert customer["name"] == "Fjord AS" and customer["firstName"] is None
    assert_error(rb_other.get(f"/sales/customers/{company.pk + 10000}"), 404, 990012)
    assert_error(rb_other.get(f"/collaboration/contacts/{company.pk + 10000}"), 404, 990012)
    hidden_person = PersonFactory(created_by=user, access_list=[user])
    assert_error(rb_other.get(f"/collaboration/contacts/{hidden_person.pk + 10000}"), 404, 990012)


def test_helpers_answer_get_only(rb, person):
    assert_error(rb.send_json("post", "/human-resources/employees", {}), 405, 990013)
    assert_error(rb.delete(f"/collaboration/contacts/{person.pk + 10000}"), 405, 990013)


def test_helpers_answer_in_xml(rb, user, person, company):
    employee = xml_of(rb.get(f"/human-resources/employees/{user.pk + 100}?$format=xml"))
    assert employee.tag == "Employee"
    assert [child.tag for child in employee] == [
        "EmployeeId",
        "FirstName",
        "LastName",
        "Guid",
        "EmployeeLink",
    ]
    employees = xml_of(rb.get("/human-resources/employees", HTTP_ACCEPT="text/xml"))
    assert employees.tag == "Employees" and employees[-1].tag == "Paging"
    contact = xml_of(rb.get(f"/collaboration/contacts/{person.pk + 10000}?$format=xml"))
    assert contact.findtext("LastName") == "Person"
    customer = xml_of(rb.get(f"/sales/customers/{company.pk + 10000}?$format=xml"))
    assert customer.findtext("Name") == "Acme Corp"
