"""Services name domain fields (`bid_value`, `first_name`); the API answers with ONLYOFFICE's
names (crm_project/api/wire_names.py), in the field and in the message, per entity."""

import pytest

from core.errors import InvalidInput
from crm_project.api.wire_names import wire_name
from tests.factories import default_stage

pytestmark = pytest.mark.django_db

API = "/api/2.0/"


def refused(response) -> tuple[str, str | None]:
    assert response.status_code == 400, response.content[:300]
    error = response.json()["error"]
    return error["message"], error["data"].get("field")


@pytest.mark.parametrize(
    ("body", "message", "field"),
    [
        ({"bidValue": -1}, "bidValue cannot be negative.", "bidValue"),
        ({"bidValue": 10**17}, "bidValue is too large.", "bidValue"),
    ],
)
def test_opportunity_error_names_the_wire_parameter_when_a_service_refuses_a_value(
    client_for, user, body, message, field
):
    payload = {"title": "Deal", "stageid": default_stage("Initial contact").pk, **body}

    response = client_for(user).post(f"{API}crm/opportunity", payload, format="json")

    assert refused(response) == (message, field)


def test_stage_error_names_the_wire_parameter_when_the_probability_is_out_of_range(
    admin_client,
):
    payload = {"title": "Late", "successProbability": 250}

    response = admin_client.post(f"{API}crm/opportunity/stage", payload, format="json")

    assert refused(response) == (
        "successProbability must be between 0 and 100.",
        "successProbability",
    )


def test_same_domain_name_maps_per_entity_when_user_and_contact_differ(admin_client):
    long_name = "x" * 300

    person = admin_client.post(
        f"{API}crm/contact/person", {"firstName": long_name, "lastName": "L"}, format="json"
    )
    user = admin_client.post(
        f"{API}people", {"email": "n@example.com", "firstname": long_name}, format="json"
    )

    assert refused(person)[1] == "firstName"
    assert refused(person)[0].startswith("firstName has at most ")
    assert refused(user)[1] == "firstname"
    assert refused(user)[0].startswith("firstname has at most ")


def test_user_text_is_kept_verbatim_when_it_looks_like_a_placeholder():
    error = InvalidInput(
        "'{value}' is not a valid e-mail address.", field="email", entity="contact", value="{field}"
    )

    assert error.message == "'{field}' is not a valid e-mail address."
    assert error.message_naming("eMail") == "'{field}' is not a valid e-mail address."


def test_message_is_plain_text_when_the_error_has_no_entity():
    error = InvalidInput("count must be {field} whole", field="count")

    assert error.message_naming("other") == "count must be {field} whole"
    assert wire_name(None, "count") == "count"
    assert wire_name("opportunity", "stage") == "stageid"
    assert wire_name("opportunity", "title") == "title"
