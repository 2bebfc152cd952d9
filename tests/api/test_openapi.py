"""The OpenAPI schema (/api/schema/) and Swagger UI (/api/docs/): valid, wrapped in the
ONLYOFFICE envelope, honest about authentication, and usable without internet access."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from crm_project.api.schema import ERROR_COMPONENT

# One pytest-xdist worker builds the schema once for the whole module (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("openapi")

ENVELOPE_KEYS = {"count", "startIndex", "nextIndex", "total", "status", "statusCode", "response"}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_schema_is_valid_openapi_when_served(schema):
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")


def test_schema_served_without_credentials_when_anonymous(db):
    response = APIClient().get("/api/schema/")

    assert response.status_code == 200
    assert b"openapi:" in response.content


def test_schema_generates_without_warnings_when_validated(tmp_path):
    """`manage.py spectacular --validate --fail-on-warn`, as CI runs it."""
    GENERATOR_STATS.reset()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))

    assert (tmp_path / "s.yml").read_text().startswith("openapi:")


def test_every_success_response_is_wrapped_in_the_envelope_when_documented(schema):
    checked = 0
    for path, method, operation in _operations(schema):
        for code, response in operation["responses"].items():
            if not code.startswith("2"):
                continue
            for media, content in response.get("content", {}).items():
                envelope = content["schema"]
                assert set(envelope["properties"]) == ENVELOPE_KEYS, (path, method, media)
                assert envelope["properties"]["statusCode"]["enum"] == [int(code)]
                assert envelope["properties"]["status"]["enum"] == [0]
                checked += 1
    assert checked > 20


def test_every_post_documents_201_and_nothing_documents_204(schema):
    for path, method, operation in _operations(schema):
        codes = set(operation["responses"])
        assert "204" not in codes, (path, method)
        if method == "post":
            assert "201" in codes and "200" not in codes, (path, method)


def test_every_operation_documents_the_error_envelope(schema):
    assert schema["components"]["schemas"][ERROR_COMPONENT]["required"] == [
        "status",
        "statusCode",
        "error",
    ]
    for path, method, operation in _operations(schema):
        for code in ("400", "401", "403", "404"):
            ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith(f"/{ERROR_COMPONENT}"), (path, method, code)


def test_no_format_query_parameter_when_suffix_selects_representation(schema):
    for path, method, operation in _operations(schema):
        names = {(p["in"], p["name"]) for p in operation.get("parameters", [])}
        assert ("query", "format") not in names, (path, method)
        assert "{format}" not in path and "(?" not in path


def test_token_basic_and_session_schemes_documented_when_route_needs_auth(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schemes["tokenAuth"]["description"],
    }
    assert "Bearer" in schemes["tokenAuth"]["description"]
    assert schemes["basicAuth"]["scheme"] == "basic"
    assert schemes["cookieAuth"]["in"] == "cookie"
    people = schema["paths"]["/api/2.0/people"]["get"]
    assert {"tokenAuth": []} in people["security"]


def test_authentication_route_documented_without_auth_when_signing_in(schema):
    login = schema["paths"]["/api/2.0/authentication"]["post"]

    assert login.get("security", []) in ([], [{}])
    assert "security" not in schema  # no document-wide requirement to inherit
    payload = login["responses"]["201"]["content"]["application/json"]["schema"]
    token_ref = payload["properties"]["response"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][token_ref]["properties"]) == {"token", "expires"}
    request_ref = login["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    request = schema["components"]["schemas"][request_ref.rsplit("/", 1)[-1]]
    assert set(request["properties"]) == {"userName", "password"}


def test_people_payload_documented_when_listed(schema):
    ok = schema["paths"]["/api/2.0/people"]["get"]["responses"]["200"]
    payload = ok["content"]["application/json"]["schema"]["properties"]["response"]

    assert payload["type"] == "array"
    assert payload["items"]["$ref"].endswith("/EmployeeFull")


def test_contact_routes_documented_when_schema_served(schema):
    paths = schema["paths"]
    assert {"post"} <= set(paths["/api/2.0/crm/contact/person"])
    assert {"get", "delete"} <= set(paths["/api/2.0/crm/contact/{contactid}"])
    assert "put" in paths["/api/2.0/crm/contact/{contactid}/access"]
    assert {"post", "delete"} <= set(
        paths["/api/2.0/crm/contact/{contactid}/opportunity/{opportunityid}"]
    )
    assert "get" in paths["/api/2.0/crm/settings/currency"]


# -- Swagger UI ---------------------------------------------------------------------------------


def test_swagger_ui_rendered_from_local_static_files_when_docs_opened(db):
    response = APIClient().get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    urls += re.findall(r"""["']([^"'\s]+\.(?:js|css|png))["']""", html)
    assert urls
    for url in urls:
        assert not re.match(r"^(?:https?:)?//", url), url
    static_files = [u for u in urls if u.startswith("/static/")]
    assert any("swagger-ui-dist" in u for u in static_files)
    for url in static_files:
        assert finders.find(url.removeprefix("/static/")), url
    assert "/api/schema/" in html
