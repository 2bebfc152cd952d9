"""Schemathesis over every operation of the product's own OpenAPI schema (/api/schema/), signed in
as a sales user and as an administrator: no request it generates answers 5xx, every error is the
ONLYOFFICE envelope, and a GET's `.xml` answer is well-formed XML (issue 8, "How it must be
shown").

Cases are sent through Django's test client (inside the test's transaction) rather than
schemathesis' own WSGI transport, so each operation runs against a small data set whose ids the
path parameters often hit. `derandomize=True` and no example database keep CI deterministic;
FUZZ_EXAMPLES (default 10) bounds the examples per operation and role."""

import json
import os
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree

import pytest
import schemathesis
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from accounts.api.authentication import token_issue
from core.models import EntityType
from opportunities.models import Stage
from tests.factories import (
    CompanyFactory,
    CustomFieldFactory,
    OpportunityFactory,
    PersonFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)


def _schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))


SCHEMA = _schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture
def world(user, other_user, admin_user):
    """A few rows of each kind, some private to someone else, for path ids to hit."""
    company = CompanyFactory(created_by=user, company_name="Acme")
    person = PersonFactory(created_by=user, company=company)
    hidden = PersonFactory(created_by=other_user, access_list=[other_user])
    tag = TagFactory(title="hot")
    opportunities = [
        OpportunityFactory(created_by=user, contact=person, members=[person], tags=[tag]),
        OpportunityFactory(created_by=other_user, access_list=[other_user]),
        OpportunityFactory(created_by=admin_user, contact=company),
    ]
    field = CustomFieldFactory(label="Region")
    CustomFieldFactory(label="Person region", entity_type=EntityType.PERSON)
    ids = {
        "opportunity": [o.pk for o in opportunities],
        "contact": [company.pk, person.pk, hidden.pk],
        "stage": list(Stage.objects.values_list("pk", flat=True)[:3]),
        "field": [field.pk],
        "user": [str(u.uuid) for u in (user, other_user, admin_user)],
    }
    return ids


# Path parameter name -> which known ids it takes.
KNOWN = {
    "opportunityid": "opportunity",
    "entityid": "opportunity",
    "contactid": "contact",
    "personid": "contact",
    "companyid": "contact",
    "stageid": "stage",
    "id": "stage",
    "fieldid": "field",
    "userid": "user",
}


def _send(client: Client, case, headers: dict) -> object:
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    url = urlsplit(kwargs["url"])
    query = urlencode(kwargs.get("params") or {}, doseq=True)
    path = url.path + (f"?{query}" if query else "")
    content_type = (kwargs.get("headers") or {}).get("Content-Type") or "application/json"
    body = b""
    if "json" in kwargs:
        body = json.dumps(kwargs["json"]).encode()
    elif kwargs.get("files") is not None:
        fields = dict(kwargs.get("data") or {})
        for name, value in kwargs["files"]:
            content = value[1] if isinstance(value, tuple) else value
            fields[name] = (
                content.decode("utf-8", "replace") if isinstance(content, bytes) else content
            )
        body, content_type = encode_multipart(BOUNDARY, fields), MULTIPART_CONTENT
    elif isinstance(kwargs.get("data"), dict):
        body = urlencode(kwargs["data"], doseq=True).encode()
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        body = data if isinstance(data, bytes) else str(data).encode()
    return client.generic(
        kwargs["method"], path, data=body, content_type=content_type, headers=headers
    )


def _assert_sane(response, case) -> None:
    label = f"{case.method} {case.formatted_path} {case.query!r} {case.body!r}"[:2000]
    assert response.status_code < 500, (
        f"{response.status_code} for {label}: {response.content[:500]!r}"
    )
    if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
        body = response.json()
        assert body["status"] == 1 and body["statusCode"] == response.status_code, label
        assert body["error"]["message"], label


def _fuzz(operation, token: str, ids: dict) -> None:
    client = Client()
    headers = {"Authorization": token}

    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @FUZZ_SETTINGS
    @given(case=cases, data=st.data())
    def run(case, data):
        for name in list(case.path_parameters or {}):
            kind = KNOWN.get(name.lower())
            if kind and ids[kind] and data.draw(st.booleans(), label=f"known {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(ids[kind]), label=name)
        case.headers.pop("Authorization", None)
        case.cookies.clear()
        response = _send(client, case, headers)
        _assert_sane(response, case)
        if case.method.upper() == "GET" and response.status_code == 200:
            xml = client.get(
                f"{case.formatted_path}.xml?{urlencode(case.query or {}, doseq=True)}",
                headers=headers,
            )
            _assert_sane(xml, case)
            if xml.status_code == 200:
                ElementTree.fromstring(xml.content)  # well-formed

    run()


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
@pytest.mark.parametrize("role", ["sales", "admin"])
def test_no_server_error_when_fuzzing_the_operation(operation, role, world, user, admin_user):
    token, _ = token_issue(admin_user if role == "admin" else user)

    _fuzz(operation, token, world)
