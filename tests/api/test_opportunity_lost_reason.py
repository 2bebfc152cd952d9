"""`lostReason` and `lostComment` on the opportunity routes (POST opportunity, PUT
opportunity/{id}, PUT opportunity/{id}/stage/{id}), the `opportunity/lostreason` list, and
settings.LOST_REASON_REQUIRED_IN_API both ways."""

import pytest

from opportunities.models import LostReason, Opportunity
from tests.factories import OpportunityFactory, default_stage

pytestmark = pytest.mark.django_db

URL = "/api/2.0/crm/opportunity"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def lost():
    return default_stage("Unsuccessfully closed")


@pytest.fixture
def price():
    return LostReason.objects.get(title="Price too high")


def move(client, opportunity, stage, suffix="", **body):
    return client.put(
        f"{URL}/{opportunity.pk}/stage/{stage.pk}{suffix}",
        {"stageid": stage.pk, **body},
        format="json",
    )


@pytest.mark.parametrize("suffix", ["", ".json"])
def test_stage_move_takes_reason_by_title_any_case_and_renders_it(
    client_for, user, opportunity, lost, price, suffix
):
    response = move(
        client_for(user), opportunity, lost, suffix, lostReason="PRICE too HIGH", lostComment="Dear"
    )

    assert response.status_code == 200, response.json()
    body = response.json()["response"]
    assert body["lostReason"] == {"id": price.pk, "title": "Price too high"}
    assert body["lostComment"] == "Dear"
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.lost_reason) == (lost, price)


def test_stage_move_takes_reason_by_id_in_a_form_body(client_for, user, opportunity, lost, price):
    response = client_for(user).put(
        f"{URL}/{opportunity.pk}/stage/{lost.pk}",
        f"stageid={lost.pk}&lostReason={price.pk}&lostComment=from+form",
        content_type=FORM,
    )

    assert response.status_code == 200, response.json()
    assert response.json()["response"]["lostReason"]["id"] == price.pk
    assert response.json()["response"]["lostComment"] == "from form"


@pytest.mark.parametrize("reason", ["No such reason", "999999", "9" * 40])
def test_unknown_reason_is_a_400_naming_lost_reason(client_for, user, opportunity, lost, reason):
    response = move(client_for(user), opportunity, lost, lostReason=reason)

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "lostReason"
    assert Opportunity.objects.get(pk=opportunity.pk).stage_id != lost.pk


def test_reason_for_an_open_stage_is_a_400_naming_lost_reason(client_for, user, opportunity, price):
    proposal = default_stage("Proposal")

    response = move(client_for(user), opportunity, proposal, lostReason=price.title)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["data"]["field"] == "lostReason"
    assert "lostReason" in error["message"] or "lost reason" in error["message"]
    assert Opportunity.objects.get(pk=opportunity.pk).stage_id != proposal.pk


def test_retired_reason_is_refused(client_for, user, opportunity, lost):
    LostReason.objects.create(title="Old one", is_active=False)

    response = move(client_for(user), opportunity, lost, lostReason="old one")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "lostReason"


def test_hostile_comment_changes_nothing(client_for, user, opportunity, lost, price):
    response = move(
        client_for(user), opportunity, lost, lostReason=price.pk, lostComment="x" * 100_000
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "lostComment"
    assert Opportunity.objects.get(pk=opportunity.pk).stage_id != lost.pk


def test_reason_optional_when_setting_is_off(client_for, user, opportunity, lost, settings):
    settings.LOST_REASON_REQUIRED_IN_API = False

    response = move(client_for(user), opportunity, lost)

    assert response.status_code == 200
    assert response.json()["response"]["lostReason"] is None
    assert response.json()["response"]["lostComment"] == ""


def test_reason_required_when_setting_is_on(client_for, user, opportunity, lost, price, settings):
    settings.LOST_REASON_REQUIRED_IN_API = True
    client = client_for(user)

    refused = move(client, opportunity, lost)
    refused_put = client.put(f"{URL}/{opportunity.pk}", {"stageid": lost.pk}, format="json")
    refused_post = client.post(URL, {"title": "New", "stageid": lost.pk}, format="json")

    for response in (refused, refused_put, refused_post):
        assert response.status_code == 400
        assert response.json()["error"]["data"]["field"] == "lostReason"
    assert Opportunity.objects.get(pk=opportunity.pk).stage_id != lost.pk
    assert not Opportunity.objects.filter(title="New").exists()
    assert move(client, opportunity, lost, lostReason=price.pk).status_code == 200


def test_create_and_update_take_reason_and_comment(client_for, user, lost, price):
    client = client_for(user)
    created = client.post(
        URL,
        {"title": "Lost at once", "stageid": lost.pk, "lostReason": "price too high"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()["response"]
    assert body["lostReason"]["id"] == price.pk

    other = LostReason.objects.get(title="Bad timing")
    updated = client.put(
        f"{URL}/{body['id']}.json",
        f"lostReason={other.pk}&lostComment=Next+year",
        content_type=FORM,
    )
    assert updated.status_code == 200, updated.json()
    assert updated.json()["response"]["lostReason"]["title"] == "Bad timing"
    assert updated.json()["response"]["lostComment"] == "Next year"


def test_update_reason_object_echoed_from_an_answer_is_taken(client_for, user, lost, price):
    deal = OpportunityFactory(created_by=user, stage=lost)

    response = client_for(user).put(
        f"{URL}/{deal.pk}", {"lostReason": {"id": price.pk, "title": "x"}}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["response"]["lostReason"]["id"] == price.pk


def test_moving_back_to_an_open_stage_clears_reason(client_for, user, opportunity, lost, price):
    client = client_for(user)
    move(client, opportunity, lost, lostReason=price.pk, lostComment="c")

    response = move(client, opportunity, default_stage("Proposal"))

    body = response.json()["response"]
    assert (body["lostReason"], body["lostComment"]) == (None, "")


def test_open_deal_renders_no_reason(client_for, user, opportunity):
    body = client_for(user).get(f"{URL}/{opportunity.pk}").json()["response"]
    assert (body["lostReason"], body["lostComment"]) == (None, "")


def test_stranger_gets_404_and_nothing_changes(client_for, other_user, private_opportunity, lost):
    response = move(client_for(other_user), private_opportunity, lost, lostReason="Other")

    assert response.status_code == 404
    private_opportunity.refresh_from_db()
    assert private_opportunity.lost_reason is None


@pytest.mark.parametrize("suffix", ["", ".json"])
def test_lost_reason_list_offers_active_reasons_in_order(client_for, user, suffix):
    LostReason.objects.create(title="Retired", is_active=False)

    response = client_for(user).get(f"{URL}/lostreason{suffix}")

    assert response.status_code == 200
    reasons = response.json()["response"]
    assert [r["title"] for r in reasons][:2] == ["Price too high", "Chose a competitor"]
    assert "Retired" not in {r["title"] for r in reasons}
    assert set(reasons[0]) == {"id", "title", "sortOrder"}


def test_lost_reason_list_needs_authentication(api_client):
    assert api_client.get(f"{URL}/lostreason").status_code == 401


def test_lost_reason_list_is_documented(admin_client):
    schema = admin_client.get("/api/schema/", {"format": "json"}).json()
    assert "get" in schema["paths"]["/api/2.0/crm/opportunity/lostreason"]
    move_body = schema["paths"]["/api/2.0/crm/opportunity/{opportunityid}/stage/{id}"]["put"]
    assert "requestBody" in move_body


def test_documented_shape_of_a_lost_deal_equals_the_returned_one(client_for, user, lost, price):
    from tests.api.test_opportunity_schema import assert_documented, payload_schema

    schema = client_for(user).get("/api/schema/", {"format": "json"}).json()
    deal = OpportunityFactory(created_by=user, stage=lost, lost_reason=price, lost_comment="c")

    payload = client_for(user).get(f"{URL}/{deal.pk}").json()["response"]

    assert payload["lostReason"] == {"id": price.pk, "title": price.title}
    assert_documented(
        payload_schema(schema, "opportunity/{opportunityid}", "get"),
        payload,
        schema["components"]["schemas"],
    )
    documented = payload_schema(schema, "opportunity/lostreason", "get")
    reasons = client_for(user).get(f"{URL}/lostreason").json()["response"]
    assert_documented(documented, reasons, schema["components"]["schemas"])


@pytest.mark.parametrize(
    "body",
    [
        {"lostReason": "Price\x00too high"},
        {"lostReason": "x" * 100_000},
        {"lostReason": "99999999999999999999999999"},
        {"lostReason": ["a", "b"]},
        {"lostReason": {"id": "nope"}},
        {"lostReason": "Other", "lostComment": "bad\x00byte"},
    ],
)
def test_hostile_lost_input_is_a_400_or_accepted_never_a_500(
    client_for, user, opportunity, lost, body
):
    response = move(client_for(user), opportunity, lost, **body)

    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert Opportunity.objects.get(pk=opportunity.pk).stage_id != lost.pk
    else:
        assert "\x00" not in Opportunity.objects.get(pk=opportunity.pk).lost_comment
