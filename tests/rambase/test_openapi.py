"""The RamBase routes' own OpenAPI document (/api/rambase/schema/) and its offline Swagger UI."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from drf_spectacular.validation import validate_schema

from rambase.errors import CATALOGUE

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema():
    response = Client().get("/api/rambase/schema/")
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi(schema):
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


def test_every_rambase_route_is_documented_with_its_methods(schema):
    expected = {
        "/sales/opportunities": {"get", "post"},
        "/sales/opportunities/{salesOpportunityId}": {"get", "put", "delete"},
        "/sales/opportunity-stages": {"get", "post"},
        "/sales/opportunity-stages/{opportunityStageId}": {"get", "put", "delete"},
        "/oauth2/access_token": {"post"},
        "/system/domain-values/applicable-values": {"get"},
        "/human-resources/employees": {"get"},
        "/human-resources/employees/{employeeId}": {"get"},
        "/collaboration/contacts/{contactId}": {"get"},
        "/sales/customers/{customerId}": {"get"},
        "/system/error-messages/{errorMessageId}": {"get"},
    }
    assert {path: set(item) for path, item in schema["paths"].items()} == expected


def test_posts_document_201_deletes_204_and_errors_use_the_flat_body(schema):
    opportunities = schema["paths"]["/sales/opportunities"]
    assert "201" in opportunities["post"]["responses"]
    detail = schema["paths"]["/sales/opportunities/{salesOpportunityId}"]
    assert "204" in detail["delete"]["responses"]
    error = detail["get"]["responses"]["404"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}
    described = schema["components"]["schemas"]["Error"]["description"]
    assert all(str(number) in described for number in CATALOGUE)


def test_the_opportunity_fields_are_the_contracts(schema):
    fields = schema["components"]["schemas"]["SalesOpportunity"]["properties"]
    assert list(fields)[:4] == ["salesOpportunityId", "status", "title", "source"]
    assert set(fields["value"]["properties"]) == {
        "unweightedAmount",
        "weightedAmount",
        "oneTimeRevenueAmount",
        "recurringRevenueAmount",
        "contractMonths",
    }


def test_swagger_ui_is_served_from_local_static_files():
    response = Client().get("/api/rambase/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/rambase/schema/" in html
    assert "swagger-ui-dist" in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
