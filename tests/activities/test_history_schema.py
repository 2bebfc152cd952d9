"""The OpenAPI schema documents every history route and exactly the keys they return."""

import pytest

from tests.activities.history_factories import HistoryCategoryFactory, HistoryEventFactory
from tests.api.test_opportunity_schema import assert_documented, payload_schema
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PREFIX = "/api/2.0/crm/"
ROUTES = {
    ("history/filter", "get"),
    ("history", "post"),
    ("history/{id}", "delete"),
    ("history/category", "get"),
    ("history/category", "post"),
    ("history/category/{id}", "put"),
    ("history/category/{id}", "delete"),
    ("history/category/{id}/icon", "put"),
    ("history/category/reorder", "put"),
}


@pytest.fixture
def schema(admin_client):
    response = admin_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_every_history_route_is_documented(schema):
    documented = {
        (path.removeprefix(PREFIX), method)
        for path, operations in schema["paths"].items()
        for method in operations
    }

    assert documented >= ROUTES


def test_filter_documents_its_parameters(schema):
    operation = schema["paths"][PREFIX + "history/filter"]["get"]

    documented = {parameter["name"] for parameter in operation["parameters"]}

    assert documented >= {
        "entityType",
        "entityId",
        "categoryId",
        "createBy",
        "fromDate",
        "toDate",
        "filterValue",
        "sortBy",
        "sortOrder",
        "startIndex",
        "count",
    }


@pytest.mark.parametrize("with_contact", [False, True])
def test_documented_event_keys_equal_returned_keys(
    admin_client, schema, user, opportunity, with_contact
):
    contact = PersonFactory(created_by=user, access_list=[user]) if with_contact else None
    HistoryEventFactory(opportunity=opportunity, contact=contact)

    response = admin_client.get(f"{PREFIX}history/filter")

    payload = response.json()["response"]
    assert payload
    assert_documented(
        payload_schema(schema, "history/filter", "get"), payload, schema["components"]["schemas"]
    )


def test_documented_keys_equal_returned_keys_on_add_and_delete(admin_client, schema, person):
    added = admin_client.post(
        f"{PREFIX}history",
        {"contactId": person.pk, "content": "x", "categoryId": -2},
        format="json",
    )
    deleted = admin_client.delete(f"{PREFIX}history/{added.json()['response']['id']}")

    components = schema["components"]["schemas"]
    assert_documented(
        payload_schema(schema, "history", "post", "201"), added.json()["response"], components
    )
    assert_documented(
        payload_schema(schema, "history/{id}", "delete"), deleted.json()["response"], components
    )


def test_documented_category_keys_equal_returned_keys(admin_client, schema):
    extra = HistoryCategoryFactory()
    components = schema["components"]["schemas"]

    listed = admin_client.get(f"{PREFIX}history/category").json()["response"]
    created = admin_client.post(f"{PREFIX}history/category", {"title": "New"}).json()["response"]
    deleted = admin_client.delete(f"{PREFIX}history/category/{extra.pk}").json()["response"]

    assert_documented(payload_schema(schema, "history/category", "get"), listed, components)
    assert_documented(
        payload_schema(schema, "history/category", "post", "201"), created, components
    )
    assert_documented(
        payload_schema(schema, "history/category/{id}", "delete"), deleted, components
    )
