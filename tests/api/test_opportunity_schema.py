"""The OpenAPI schema documents exactly the keys the opportunity routes return, at every level,
so the documentation cannot drift from the wire."""

import pytest

from opportunities.api.filters import FILTER_PARAMETERS
from tests.factories import (
    CompanyFactory,
    CustomFieldFactory,
    LeadSourceFactory,
    OpportunityCustomFieldValueFactory,
    OpportunityFactory,
    OpportunityStatusFactory,
    PersonFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

PREFIX = "/api/2.0/crm/"


@pytest.fixture
def schema(admin_client):
    response = admin_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def resolve(node: dict, components: dict) -> dict:
    while True:
        if "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        elif "allOf" in node and len(node["allOf"]) == 1:
            node = node["allOf"][0]
        else:
            return node


def assert_documented(node: dict, value, components: dict, path: str = "response") -> None:
    """`value`'s keys equal the documented properties, recursively."""
    node = resolve(node, components)
    if value is None:
        return
    alternatives = [n for n in node.get("oneOf", []) if n.get("type") != "null"]
    if alternatives:
        failures = []
        for alternative in alternatives:
            try:
                assert_documented(alternative, value, components, path)
                return
            except AssertionError as error:
                failures.append(str(error))
        raise AssertionError(f"{path}: matches no alternative: {failures}")
    if isinstance(value, dict):
        documented = set(node.get("properties", {}))
        assert documented == set(value), (
            f"{path}: undocumented {set(value) - documented}, missing {documented - set(value)}"
        )
        for key, item in value.items():
            assert_documented(node["properties"][key], item, components, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_documented(node["items"], item, components, f"{path}[{index}]")


def payload_schema(schema: dict, route: str, method: str, status: str = "200") -> dict:
    operation = schema["paths"][PREFIX + route][method]
    envelope = resolve(
        operation["responses"][status]["content"]["application/json"]["schema"],
        schema["components"]["schemas"],
    )
    return envelope["properties"]["response"]


@pytest.fixture
def rich_opportunity(user, other_user):
    person = PersonFactory(created_by=user, first_name="Paula")
    company = CompanyFactory(created_by=user, access_list=[user])
    field = CustomFieldFactory()
    CustomFieldFactory(field_type=4)
    opportunity = OpportunityFactory(
        created_by=user,
        contact=person,
        customer=company,
        members=[person, company],
        source=LeadSourceFactory(),
        status=OpportunityStatusFactory(),
        tags=[TagFactory()],
        access_list=[user, other_user],
    )
    OpportunityCustomFieldValueFactory(opportunity=opportunity, field=field)
    return opportunity


@pytest.mark.parametrize(
    ("method", "route", "url", "status"),
    [
        ("get", "opportunity/{opportunityid}", "opportunity/{id}", "200"),
        ("get", "opportunity/filter", "opportunity/filter", "200"),
        ("get", "opportunity/byprefix", "opportunity/byprefix?prefix=deal", "200"),
        ("get", "opportunity/bycontact/{contactid}", "opportunity/bycontact/{contact}", "200"),
        ("get", "opportunity/{opportunityid}/contact", "opportunity/{id}/contact", "200"),
        ("put", "opportunity/{opportunityid}", "opportunity/{id}", "200"),
        ("put", "opportunity/{opportunityid}/access", "opportunity/{id}/access", "200"),
        (
            "delete",
            "opportunity/{opportunityid}/contact/{contactid}",
            "opportunity/{id}/contact/{contact}",
            "200",
        ),
        ("delete", "opportunity/{opportunityid}", "opportunity/{id}", "200"),
        ("delete", "opportunity/filter", "opportunity/filter", "200"),
    ],
)
def test_documented_keys_equal_returned_keys(
    client_for, user, schema, rich_opportunity, method, route, url, status
):
    url = PREFIX + url.format(id=rich_opportunity.pk, contact=rich_opportunity.contact_id)
    body = {"isPrivate": True} if method == "put" else None

    response = getattr(client_for(user), method)(url, body, format="json")

    assert response.status_code == int(status), response.json()
    payload = response.json()["response"]
    assert payload, "nothing to compare"
    assert_documented(
        payload_schema(schema, route, method, status), payload, schema["components"]["schemas"]
    )


def test_documented_keys_equal_returned_keys_on_create(client_for, user, schema):
    response = client_for(user).post(PREFIX + "opportunity", {"title": "Docs"}, format="json")

    assert response.status_code == 201
    assert_documented(
        payload_schema(schema, "opportunity", "post", "201"),
        response.json()["response"],
        schema["components"]["schemas"],
    )


def test_every_opportunity_route_is_documented(schema):
    routes = {
        ("opportunity", "post"),
        ("opportunity", "put"),
        ("opportunity/filter", "get"),
        ("opportunity/filter", "delete"),
        ("opportunity/filter/access", "put"),
        ("opportunity/access", "put"),
        ("opportunity/byprefix", "get"),
        ("opportunity/bycontact/{contactid}", "get"),
        ("opportunity/{opportunityid}", "get"),
        ("opportunity/{opportunityid}", "put"),
        ("opportunity/{opportunityid}", "delete"),
        ("opportunity/{opportunityid}/stage/{id}", "put"),
        ("opportunity/{opportunityid}/access", "put"),
        ("opportunity/{opportunityid}/contact", "get"),
        ("opportunity/{opportunityid}/contact/{contactid}", "post"),
        ("opportunity/{opportunityid}/contact/{contactid}", "delete"),
        ("opportunity/{opportunityid}/creationdate", "put"),
        ("opportunity/{opportunityid}/lastmodifeddate", "put"),
    }
    documented = {
        (path.removeprefix(PREFIX), method)
        for path, operations in schema["paths"].items()
        for method in operations
    }

    assert routes <= documented


def test_filter_route_documents_every_criterion_and_paging_parameter(schema):
    operation = schema["paths"][PREFIX + "opportunity/filter"]["get"]

    documented = {parameter["name"] for parameter in operation["parameters"]}

    assert documented >= {*FILTER_PARAMETERS, "sortBy", "sortOrder", "startIndex", "count"}
