"""POST /api/2.0/crm/opportunity (seed 000) read back as GET opportunity/{id} (seed 002)."""

import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from opportunities.models import Opportunity, OpportunityCustomFieldValue, StageChange
from tests.factories import (
    CompanyFactory,
    CustomFieldFactory,
    LeadSourceFactory,
    OpportunityStatusFactory,
    PersonFactory,
    default_stage,
)

pytestmark = pytest.mark.django_db

URL = "/api/2.0/crm/opportunity"
DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}(Z|[+-]\d\d:\d\d)$")
EMPTY_DATE = "0001-01-01T00:00:00.0000000Z"
EMPLOYEE_KEYS = {"id", "displayName", "title", "avatarSmall", "profileUrl"}
CONTACT_BASE_KEYS = {
    "smallFotoUrl",
    "mediumFotoUrl",
    "displayName",
    "isCompany",
    "accessList",
    "isPrivate",
    "isShared",
    "shareType",
    "currency",
    "canEdit",
    "canDelete",
    "id",
}
CURRENCY_KEYS = {"title", "symbol", "abbreviation", "cultureName", "isConvertable", "isBasic"}


def is_guid(value) -> bool:
    return isinstance(value, str) and str(uuid.UUID(value)) == value


def assert_employee(shape, user):
    assert set(shape) == EMPLOYEE_KEYS
    assert shape["id"] == str(user.uuid) and is_guid(shape["id"])
    assert shape["displayName"] == user.get_display_name()
    assert isinstance(shape["title"], str)
    assert shape["profileUrl"].startswith("http")


@pytest.fixture
def full_body(user, other_user, third_user, person, company):
    """All 17 body fields of seed 000."""
    stage = default_stage("Proposal")
    text_field = CustomFieldFactory(label="Region", position=2)
    return {
        "contactid": person.pk,
        "members": [company.pk],
        "title": "Hotel catalogue",
        "description": "Catalogue for the hotel chain",
        "responsibleid": str(other_user.uuid),
        "bidType": 4,
        "bidValue": 1100.5,
        "bidCurrencyAbbr": "eur",
        "perPeriodValue": 12,
        "stageid": stage.pk,
        "successProbability": 65,
        "actualCloseDate": "2024-05-01T13:00:00.0000000+03:00",
        "expectedCloseDate": "2024-06-30",
        "customFieldList": [{"key": text_field.pk, "value": "EMEA"}],
        "isPrivate": True,
        "accessList": [str(third_user.uuid)],
        "isNotify": False,
    }


def test_created_opportunity_reads_back_every_field_of_seed_002_when_all_17_fields_are_sent(
    client_for, user, other_user, third_user, person, company, full_body
):
    heading = CustomFieldFactory(label="Details", field_type=4, position=1)
    client = client_for(user)

    created = client.post(URL, full_body, format="json")

    assert created.status_code == 201
    assert created.json()["statusCode"] == 201
    opportunity_id = created.json()["response"]["id"]
    response = client.get(f"{URL}/{opportunity_id}")
    assert response.status_code == 200
    envelope = response.json()
    assert envelope["status"] == 0 and envelope["statusCode"] == 200 and envelope["count"] == 1
    body = envelope["response"]
    assert body == created.json()["response"]

    assert isinstance(body["id"], int)
    assert_employee(body["createBy"], user)
    assert DATE.match(body["created"])
    assert {m["id"] for m in body["members"]} == {person.pk, company.pk}
    for member in body["members"]:
        assert set(member) == CONTACT_BASE_KEYS
        assert isinstance(member["isCompany"], bool) and isinstance(member["shareType"], int)
    assert body["contact"]["id"] == person.pk
    assert body["contact"]["displayName"] == "Paula Person"
    assert body["title"] == "Hotel catalogue"
    assert body["description"] == "Catalogue for the hotel chain"
    assert_employee(body["responsible"], other_user)
    assert body["bidType"] == 4
    assert body["bidValue"] == 1100.5 and isinstance(body["bidValue"], float)
    assert set(body["bidCurrency"]) == CURRENCY_KEYS
    assert body["bidCurrency"]["abbreviation"] == "EUR"
    assert isinstance(body["bidCurrency"]["isConvertable"], bool)
    assert body["perPeriodValue"] == 12
    stage = default_stage("Proposal")
    assert body["stage"] == {
        "id": stage.pk,
        "title": "Proposal",
        "description": "",
        "color": "#ffb45e",
        "sortOrder": stage.sort_order,
        "successProbability": 75,
        "stageType": 0,
        "daysBeforeWarning": None,
    }
    assert body["successProbability"] == 65
    assert body["actualCloseDate"] == "2024-05-01T10:00:00.0000000Z"
    assert body["expectedCloseDate"] == "2024-06-30T00:00:00.0000000Z"
    assert body["isPrivate"] is True
    assert {e["id"] for e in body["accessList"]} == {str(user.uuid), str(third_user.uuid)}
    for employee in body["accessList"]:
        assert set(employee) == EMPLOYEE_KEYS
    assert body["canEdit"] is True
    assert [(f["label"], f["fieldValue"], f["fieldType"]) for f in body["customFields"]] == [
        ("Details", None, 4),
        ("Region", "EMEA", 0),
    ]
    assert body["customFields"][0]["id"] == heading.pk
    assert all(f["entityId"] == opportunity_id for f in body["customFields"])
    for field in ("created", "updated", "actualCloseDate", "expectedCloseDate", "stageChangedAt"):
        assert DATE.match(body[field]), field

    stored = Opportunity.objects.get(pk=opportunity_id)
    assert stored.bid_value == Decimal("1100.50")
    assert stored.bid_currency_id == "EUR"
    assert stored.actual_close_date == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert StageChange.objects.filter(opportunity=stored, to_stage=stage).count() == 1


def test_rambase_extras_are_stored_and_returned_when_sent_on_create(client_for, user, company):
    source = LeadSourceFactory(title="Harbour expo")
    status = OpportunityStatusFactory(title="Quoted twice")
    body = {
        "title": "Support contract",
        "ownerid": str(user.uuid),
        "customerid": company.pk,
        "source": "harbour EXPO",
        "status": status.pk,
        "oneTimeRevenue": "2500",
        "recurringRevenue": "199.99",
        "contractMonths": 24,
        "tags": ["Hot", "renewal"],
        "bidValue": 1000,
    }

    response = client_for(user).post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    shape = response.json()["response"]
    assert shape["customer"]["id"] == company.pk
    assert shape["owner"]["id"] == str(user.uuid)
    assert shape["source"] == {"id": source.pk, "title": "Harbour expo"}
    assert shape["status"] == {"id": status.pk, "title": "Quoted twice"}
    assert shape["oneTimeRevenue"] == 2500
    assert shape["recurringRevenue"] == 199.99
    assert shape["contractMonths"] == 24
    assert shape["tags"] == ["Hot", "renewal"]
    assert shape["weightedAmount"] == 10  # 1000 at the first stage's 1 %


def test_lenient_defaults_apply_when_only_the_title_is_sent(client_for, user, base_currency):
    response = client_for(user).post(URL, {"title": "Bare"}, format="json")

    assert response.status_code == 201
    shape = response.json()["response"]
    assert shape["responsible"]["id"] == str(user.uuid)
    assert shape["bidCurrency"]["abbreviation"] == base_currency.abbreviation
    assert shape["stage"]["title"] == "Initial contact"
    assert shape["successProbability"] == 1
    assert shape["contact"] is None and shape["members"] == []
    assert shape["actualCloseDate"] == EMPTY_DATE
    assert shape["accessList"] == [] and shape["isPrivate"] is False


def test_form_body_binds_lists_and_objects_when_sent_urlencoded(client_for, user, person, company):
    field = CustomFieldFactory()
    form = (
        f"title=Form+deal&contactId={person.pk}&members[]={company.pk}&bidValue=10"
        f"&customFieldList[0][key]={field.pk}&customFieldList[0][value]=from+form"
        "&tags=a&tags=b"
    )

    response = client_for(user).post(URL, form, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 201, response.json()
    shape = response.json()["response"]
    assert {m["id"] for m in shape["members"]} == {person.pk, company.pk}
    assert shape["customFields"][0]["fieldValue"] == "from form"
    assert shape["tags"] == ["a", "b"]


@pytest.mark.parametrize("name", ["stageid", "stageId", "STAGEID"])
def test_stage_is_bound_when_the_parameter_name_differs_in_case(client_for, user, name):
    stage = default_stage("Negotiations")

    response = client_for(user).post(URL, {"title": "Cased", name: stage.pk}, format="json")

    assert response.status_code == 201
    assert response.json()["response"]["stage"]["id"] == stage.pk


@pytest.mark.parametrize(
    "query",
    ["members={a}&members={b}", "members[]={a}&members[]={b}", "members=[{a},{b}]"],
)
def test_members_list_is_bound_when_sent_in_each_list_form(client_for, user, query):
    a, b = PersonFactory(created_by=user), CompanyFactory(created_by=user)

    response = client_for(user).post(
        f"{URL}?title=Lists&" + query.format(a=a.pk, b=b.pk), content_type="application/json"
    )

    assert response.status_code == 201, response.json()
    assert {m["id"] for m in response.json()["response"]["members"]} == {a.pk, b.pk}


@pytest.mark.parametrize("bearer", [False, True])
def test_token_is_accepted_when_sent_bare_or_as_bearer(client_for, user, bearer):
    response = client_for(user, bearer=bearer).post(URL, {"title": "Tok"}, format="json")

    assert response.status_code == 201


def test_create_is_refused_with_401_when_unauthenticated(api_client):
    response = api_client.post(URL, {"title": "Anon"}, format="json")

    assert response.status_code == 401
    assert response.json()["status"] == 1
    assert not Opportunity.objects.exists()


def test_xml_suffix_answers_the_seed_002_xml_envelope(client_for, user, opportunity):
    response = client_for(user).get(f"{URL}/{opportunity.pk}.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    text = response.content.decode()
    assert "<result><count>1</count><status>0</status><statusCode>200</statusCode>" in text
    assert f"<response><id>{opportunity.pk}</id>" in text
    assert "<isPrivate>False</isPrivate>" in text
    assert "<title>Public deal</title>" in text


def test_json_suffix_answers_json(client_for, user, opportunity):
    response = client_for(user).get(f"{URL}/{opportunity.pk}.json")

    assert response.status_code == 200
    assert response.json()["response"]["id"] == opportunity.pk


def test_success_probability_is_clamped_when_out_of_range(client_for, user):
    client = client_for(user)

    high = client.post(URL, {"title": "High", "successProbability": 250}, format="json")
    low = client.post(URL, {"title": "Low", "successProbability": -5}, format="json")

    assert high.json()["response"]["successProbability"] == 100
    assert low.json()["response"]["successProbability"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x", "contactid": 999999}, "contactid"),
        ({"title": "x", "members": [999999]}, "members"),
        ({"title": "x", "accessList": [str(uuid.uuid4())], "isPrivate": True}, "accessList"),
        ({"title": "x", "responsibleid": str(uuid.uuid4())}, "responsibleid"),
        ({"title": "x", "responsibleid": "not-a-guid"}, "responsibleid"),
        ({"title": "x", "stageid": 999999}, "stageid"),
        ({"title": "x", "bidCurrencyAbbr": "XXQ"}, "bidCurrencyAbbr"),
        ({"title": "x", "bidValue": "lots"}, "bidValue"),
        ({"title": "x", "bidValue": -1}, "bidValue"),
        ({"title": "x", "bidType": "Weekly"}, "bidType"),
        ({"title": "x", "expectedCloseDate": "yesterday"}, "expectedCloseDate"),
        ({"title": "x", "members": ["one"]}, "members"),
        ({"title": "x", "customFieldList": [{"key": 999999, "value": "v"}]}, "customFieldList"),
        ({"title": {"nested": 1}}, "title"),
    ],
)
def test_create_is_refused_with_400_naming_the_field_when_a_value_is_bad(
    client_for, user, body, field
):
    response = client_for(user).post(URL, body, format="json")

    assert response.status_code == 400, response.json()
    assert response.json()["error"]["data"].get("field") == field
    assert not Opportunity.objects.exists()


def test_create_is_refused_with_400_when_the_json_is_malformed(client_for, user):
    response = client_for(user).post(URL, '{"title": "x",', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["status"] == 1
    assert not Opportunity.objects.exists()


def test_create_is_refused_when_the_contact_is_private_to_someone_else(
    client_for, user, other_user
):
    hidden = PersonFactory(created_by=other_user, access_list=[other_user])

    response = client_for(user).post(URL, {"title": "x", "contactid": hidden.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "contactid"
    assert not Opportunity.objects.exists()


def test_bid_type_is_bound_when_sent_by_name(client_for, user):
    response = client_for(user).post(URL, {"title": "x", "bidType": "perday"}, format="json")

    assert response.json()["response"]["bidType"] == 2


def test_empty_custom_field_value_is_not_stored_on_create(client_for, user):
    field = CustomFieldFactory()

    response = client_for(user).post(
        URL, {"title": "x", "customFieldList": [{"key": field.pk, "value": ""}]}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["response"]["customFields"] == []
    assert not OpportunityCustomFieldValue.objects.exists()


@override_settings(TIME_ZONE="Europe/Moscow")
def test_dates_carry_the_configured_zone_offset_when_time_zone_is_not_utc(client_for, user):
    response = client_for(user).post(
        URL,
        {"title": "Moscow", "expectedCloseDate": "2024-05-01T10:00:00Z"},
        format="json",
    )

    shape = response.json()["response"]
    assert shape["expectedCloseDate"] == "2024-05-01T13:00:00.0000000+03:00"
    assert shape["created"].endswith("+03:00") and DATE.match(shape["created"])
    assert shape["actualCloseDate"] == EMPTY_DATE


@override_settings(TIME_ZONE="Europe/Moscow")
def test_date_without_offset_is_read_in_the_configured_zone(client_for, user):
    response = client_for(user).post(
        URL, {"title": "Local", "expectedCloseDate": "2024-05-01T13:00:00"}, format="json"
    )

    opportunity = Opportunity.objects.get(pk=response.json()["response"]["id"])
    assert opportunity.expected_close_date == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
