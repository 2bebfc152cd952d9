"""Dates that cannot be stored and read back are a 400 naming the field, and nothing is written
(issue 8, point 1): `9999-12-31T23:59:59-14:00` is year 10000 in UTC."""

import pytest
from django.test import override_settings

from opportunities.models import Opportunity
from tests.factories import OpportunityFactory, default_stage

pytestmark = pytest.mark.django_db

URL = "/api/2.0/crm/opportunity"
YEAR_10000 = "9999-12-31T23:59:59-14:00"
YEAR_1_IN_UTC = "0002-01-01T00:00:00+14:00"  # would read back as 0001-…, "no date"
BAD_OFFSETS = [
    "2030-01-01T00:00:00+24:00",
    "2030-01-01T00:00:00-99:00",
    "2030-01-01T00:00:00+23:60",
]


def assert_refused(response, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["status"] == 1
    assert body["error"]["data"]["field"] == field


@pytest.mark.parametrize("field", ["expectedCloseDate", "actualCloseDate"])
@pytest.mark.parametrize("value", [YEAR_10000, YEAR_1_IN_UTC, *BAD_OFFSETS])
def test_update_answers_400_and_keeps_the_row_when_the_date_cannot_be_stored(
    client_for, user, opportunity, field, value
):
    client = client_for(user)

    response = client.put(f"{URL}/{opportunity.pk}", {field: value}, format="json")

    assert_refused(response, field)
    opportunity.refresh_from_db()
    assert opportunity.expected_close_date is None
    assert opportunity.actual_close_date is None
    assert client.get(f"{URL}/filter").status_code == 200
    assert client.get(f"{URL}/{opportunity.pk}").status_code == 200


def test_board_and_list_keep_working_when_a_year_10000_date_was_refused(
    client_for, client, user, opportunity
):
    client_for(user).put(f"{URL}/{opportunity.pk}", {"expectedCloseDate": YEAR_10000})
    client.force_login(user)

    assert client.get("/").status_code == 200
    assert client.get("/opportunities/").status_code == 200


def test_create_answers_400_and_creates_nothing_when_the_date_cannot_be_stored(client_for, user):
    body = {
        "title": "Far future",
        "stageid": default_stage("Initial contact").pk,
        "expectedCloseDate": YEAR_10000,
    }

    response = client_for(user).post(URL, body, format="json")

    assert_refused(response, "expectedCloseDate")
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    "route, field", [("creationdate", "creationDate"), ("lastmodifeddate", "lastModifedDate")]
)
def test_timestamp_routes_answer_400_when_the_date_cannot_be_stored(
    client_for, admin_user, opportunity, route, field
):
    before = Opportunity.objects.values("created_at", "updated_at").get(pk=opportunity.pk)

    response = client_for(admin_user).put(
        f"{URL}/{opportunity.pk}/{route}", {field: YEAR_10000}, format="json"
    )

    assert_refused(response, field)
    assert Opportunity.objects.values("created_at", "updated_at").get(pk=opportunity.pk) == before


@pytest.mark.parametrize("field", ["fromDate", "toDate"])
@pytest.mark.parametrize("value", [YEAR_10000, BAD_OFFSETS[0]])
def test_filter_answers_400_when_a_date_criterion_cannot_be_stored(
    client_for, user, opportunity, field, value
):
    response = client_for(user).get(f"{URL}/filter", {field: value})

    assert_refused(response, field)


@override_settings(TIME_ZONE="Pacific/Kiritimati")  # UTC+14
def test_update_answers_400_when_the_date_is_year_10000_in_the_portal_time_zone(
    client_for, user, opportunity
):
    response = client_for(user).put(
        f"{URL}/{opportunity.pk}", {"expectedCloseDate": "9999-12-31T20:00:00Z"}, format="json"
    )

    assert_refused(response, "expectedCloseDate")
    opportunity.refresh_from_db()
    assert opportunity.expected_close_date is None


@override_settings(TIME_ZONE="Pacific/Pago_Pago")  # UTC-11
def test_update_answers_400_when_a_date_without_offset_is_year_10000_in_utc(
    client_for, user, opportunity
):
    response = client_for(user).put(
        f"{URL}/{opportunity.pk}", {"expectedCloseDate": "9999-12-31T23:00:00"}, format="json"
    )

    assert_refused(response, "expectedCloseDate")


@override_settings(TIME_ZONE="Asia/Tokyo")  # east of UTC: 0001-01-01 starts in year 0 UTC
def test_update_clears_the_date_when_an_xml_date_of_year_1_is_year_0_in_utc(
    client_for, user, opportunity
):
    body = (
        "<?xml version='1.0'?><root>"
        "<expectedCloseDate>0001-01-01 00:00:00</expectedCloseDate></root>"
    )

    response = client_for(user).put(
        f"{URL}/{opportunity.pk}.xml", body, content_type="application/xml"
    )

    assert response.status_code == 200  # year 1 is .NET's DateTime.MinValue: "no date"
    opportunity.refresh_from_db()
    assert opportunity.expected_close_date is None
    assert client_for(user).get(f"{URL}/{opportunity.pk}").status_code == 200


def test_dates_at_the_edges_of_the_range_are_stored_and_read_back(client_for, user, opportunity):
    client = client_for(user)

    late = client.put(
        f"{URL}/{opportunity.pk}", {"expectedCloseDate": "9999-12-31T23:59:59+14:00"}, format="json"
    )
    early = client.put(
        f"{URL}/{opportunity.pk}", {"actualCloseDate": "0002-01-01T14:00:00+14:00"}, format="json"
    )

    assert late.status_code == 200
    assert early.status_code == 200
    body = client.get(f"{URL}/{opportunity.pk}").json()["response"]
    assert body["expectedCloseDate"] == "9999-12-31T09:59:59.0000000Z"
    assert body["actualCloseDate"] == "0002-01-01T00:00:00.0000000Z"


# -- the HTML forms ------------------------------------------------------------------------------


def page_form(**overrides):
    data = {
        "title": "Website relaunch",
        "stage": default_stage("Proposal").pk,
        "bid_value": "100",
        "bid_currency": "EUR",
        "bid_type": "0",
    }
    data.update(overrides)
    return data


@override_settings(TIME_ZONE="Asia/Tokyo")  # east of UTC: 0001-01-01 starts in year 0 UTC
def test_create_page_shows_a_form_error_when_the_close_date_is_year_0_in_utc(client, user):
    client.force_login(user)

    response = client.post(
        "/opportunities/new/", page_form(responsible=user.pk, expected_close_date="0001-01-01")
    )

    assert response.status_code == 200
    assert "This date cannot be stored" in response.content.decode()
    assert not Opportunity.objects.exists()


@override_settings(TIME_ZONE="Asia/Tokyo")
def test_edit_page_shows_a_form_error_when_the_close_date_cannot_be_stored(client, user):
    opportunity = OpportunityFactory(created_by=user, title="Keep me")
    client.force_login(user)
    page = client.get(f"/opportunities/{opportunity.pk}/edit/")
    data = {
        key: value
        for key, value in page.context["form"].initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(page_form(title="Keep me", responsible=user.pk, expected_close_date="0001-01-01"))

    response = client.post(f"/opportunities/{opportunity.pk}/edit/", data)

    assert response.status_code == 200
    assert "This date cannot be stored" in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.expected_close_date is None
