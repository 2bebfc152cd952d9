"""Issue 9, point 5: a Date custom field takes the dates clients write (`MM/dd/yyyy`,
`yyyy-MM-dd`, ONLYOFFICE's ApiDateTime) and keeps one calendar date, answered as `yyyy-MM-dd`
whichever form came in; only text that is no date is a 400 naming the field, and then nothing
of the request is saved."""

import pytest

from contacts.models import ContactCustomFieldValue
from core.models import EntityType, FieldType
from opportunities.models import Opportunity, OpportunityCustomFieldValue
from tests.factories import CustomFieldFactory, OpportunityCustomFieldValueFactory

API = "/api/2.0/crm/"

CLIENT_FORMS = [
    "05/01/2028",
    "5/1/2028",
    "2028-05-01",
    "2028-05-01T00:00:00.0000000Z",
    "2028-05-01T00:00:00.0000000+02:00",
    "2028-05-01T23:30:00.0000000-05:00",
    "2028-05-01T00:00:00",
    " 05/01/2028 ",
]
NOT_DATES = ["02/30/2028", "13/01/2028", "2028-02-30", "next tuesday", "05/01/28", "10000-01-01"]


@pytest.fixture
def date_field(db):
    return CustomFieldFactory(label="Kick-off", field_type=FieldType.DATE, position=1)


@pytest.fixture
def text_field(db):
    return CustomFieldFactory(label="Budget owner", position=2)


def _values(opportunity) -> dict:
    return dict(
        OpportunityCustomFieldValue.objects.filter(opportunity=opportunity).values_list(
            "field_id", "value"
        )
    )


@pytest.mark.parametrize("text", CLIENT_FORMS)
def test_value_route_keeps_one_calendar_date_when_a_client_writes_it(
    user_client, opportunity, date_field, text
):
    response = user_client.post(
        f"{API}opportunity/{opportunity.pk}/customfield/{date_field.pk}",
        {"fieldValue": text},
        format="json",
    )

    assert response.status_code in (200, 201), response.content
    assert response.json()["response"]["fieldValue"] == "2028-05-01"
    assert _values(opportunity) == {date_field.pk: "2028-05-01"}
    read = user_client.get(f"{API}opportunity/{opportunity.pk}/customfield")
    shown = {f["id"]: f["fieldValue"] for f in read.json()["response"]}
    assert shown[date_field.pk] == "2028-05-01"


@pytest.mark.parametrize("bearer", [False, True])
def test_value_route_takes_a_us_date_from_a_form_body(
    client_for, user, opportunity, date_field, bearer
):
    response = client_for(user, bearer=bearer).post(
        f"{API}opportunity/{opportunity.pk}/customfield/{date_field.pk}.json",
        "fieldValue=05%2F01%2F2028",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code in (200, 201), response.content
    assert _values(opportunity) == {date_field.pk: "2028-05-01"}


@pytest.mark.parametrize("text", NOT_DATES)
def test_value_route_refuses_text_that_is_no_date_naming_the_field(
    user_client, opportunity, date_field, text
):
    OpportunityCustomFieldValueFactory(
        opportunity=opportunity, field=date_field, value="2027-01-01"
    )

    response = user_client.post(
        f"{API}opportunity/{opportunity.pk}/customfield/{date_field.pk}",
        {"fieldValue": text},
        format="json",
    )

    assert response.status_code == 400
    assert "Kick-off" in response.json()["error"]["message"]
    assert _values(opportunity) == {date_field.pk: "2027-01-01"}


def test_update_keeps_a_us_date_with_the_other_changes(
    user_client, opportunity, date_field, text_field
):
    response = user_client.put(
        f"{API}opportunity/{opportunity.pk}",
        {
            "title": "Renamed",
            "customFieldList": [
                {"key": date_field.pk, "value": "05/01/2028"},
                {"key": text_field.pk, "value": "Ann"},
            ],
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert _values(opportunity) == {date_field.pk: "2028-05-01", text_field.pk: "Ann"}
    shown = {f["id"]: f["fieldValue"] for f in response.json()["response"]["customFields"]}
    assert shown[date_field.pk] == "2028-05-01"
    assert Opportunity.objects.get(pk=opportunity.pk).title == "Renamed"


def test_update_takes_a_us_date_in_an_indexed_form_body(client_for, user, opportunity, date_field):
    response = client_for(user, bearer=True).put(
        f"{API}opportunity/{opportunity.pk}.json",
        f"customFieldList[0][key]={date_field.pk}&customFieldList[0][value]=05%2F01%2F2028",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200, response.content
    assert _values(opportunity) == {date_field.pk: "2028-05-01"}


def test_update_with_one_impossible_date_saves_nothing(
    user_client, opportunity, date_field, text_field
):
    OpportunityCustomFieldValueFactory(opportunity=opportunity, field=text_field, value="Old")

    response = user_client.put(
        f"{API}opportunity/{opportunity.pk}",
        {
            "title": "Renamed",
            "bidValue": 99,
            "customFieldList": [
                {"key": text_field.pk, "value": "New"},
                {"key": date_field.pk, "value": "02/30/2028"},
            ],
        },
        format="json",
    )

    assert response.status_code == 400
    assert "Kick-off" in response.json()["error"]["message"]
    opportunity.refresh_from_db()
    assert opportunity.title == "Public deal"
    assert opportunity.bid_value != 99
    assert _values(opportunity) == {text_field.pk: "Old"}


def test_create_with_a_bad_date_creates_nothing(user_client, date_field):
    response = user_client.post(
        f"{API}opportunity",
        "title=Never&customFieldList[0][key]="
        f"{date_field.pk}&customFieldList[0][value]=31%2F12%2F2028",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert not Opportunity.objects.filter(title="Never").exists()


def test_create_keeps_an_api_date_time_as_its_calendar_date(user_client, date_field):
    response = user_client.post(
        f"{API}opportunity",
        {
            "title": "Dated",
            "customFieldList": [
                {"key": date_field.pk, "value": "2028-05-01T00:00:00.0000000+03:00"}
            ],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert _values(Opportunity.objects.get(title="Dated")) == {date_field.pk: "2028-05-01"}


def test_contact_update_keeps_a_us_date(user_client, person):
    field = CustomFieldFactory(
        label="Birthday", field_type=FieldType.DATE, entity_type=EntityType.PERSON
    )

    response = user_client.put(
        f"{API}contact/person/{person.pk}",
        {
            "firstName": "Paula",
            "lastName": "Person",
            "customFieldList": [{"key": field.pk, "value": "05/01/2028"}],
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert ContactCustomFieldValue.objects.get(contact=person, field=field).value == "2028-05-01"
