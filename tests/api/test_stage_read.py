"""GET opportunity/stage and opportunity/stage/{stageid}."""

import pytest

from opportunities.api.docs_serializers import DealMilestoneSerializer
from opportunities.models import Stage, StageType
from tests.factories import OpportunityFactory, StageFactory

API = "/api/2.0/crm/"


@pytest.fixture
def proposal(db):
    return Stage.objects.get(title="Proposal")


def test_list_returns_every_stage_in_sort_order_with_counts_when_signed_in(
    user_client, user, other_user, proposal
):
    OpportunityFactory.create_batch(2, stage=proposal, created_by=user)
    # a private deal of someone else is not counted: hidden rows do not exist for the caller
    OpportunityFactory(stage=proposal, created_by=other_user, access_list=[other_user])
    OpportunityFactory(stage=proposal, created_by=other_user, access_list=[other_user, user])

    response = user_client.get(f"{API}opportunity/stage")

    assert response.status_code == 200
    body = response.json()
    stages = body["response"]
    assert body["count"] == 9 == len(stages)
    assert [s["title"] for s in stages] == list(
        Stage.objects.order_by("sort_order", "id").values_list("title", flat=True)
    )
    assert stages[0]["title"] == "Initial contact"
    by_title = {s["title"]: s for s in stages}
    assert by_title["Proposal"]["relativeItemsCount"] == 3
    assert by_title["Initial contact"]["relativeItemsCount"] == 0
    assert by_title["Closure/Transaction"]["stageType"] == StageType.CLOSED_AND_WON
    assert by_title["Proposal"] == {
        "id": proposal.pk,
        "title": "Proposal",
        "description": proposal.description,
        "color": "#ffb45e",
        "sortOrder": proposal.sort_order,
        "successProbability": 75,
        "stageType": 0,
        "daysBeforeWarning": proposal.days_before_warning,
        "relativeItemsCount": 3,
    }


def test_list_follows_sort_order_when_stages_are_reordered(user_client):
    last = StageFactory(title="Zero", sort_order=-5)

    stages = user_client.get(f"{API}opportunity/stage.json").json()["response"]

    assert stages[0]["id"] == last.pk


@pytest.mark.parametrize("extra_stages,extra_deals", [(0, 1), (20, 60)])
def test_list_costs_constant_queries_when_data_grows(
    client_for, user, proposal, django_assert_max_num_queries, extra_stages, extra_deals
):
    client = client_for(user)
    StageFactory.create_batch(extra_stages)
    OpportunityFactory.create_batch(extra_deals, stage=proposal, created_by=user)

    with django_assert_max_num_queries(2):  # the token's user, the stages with their counts
        response = client.get(f"{API}opportunity/stage")

    assert response.status_code == 200
    assert len(response.json()["response"]) == 9 + extra_stages


def test_list_answers_xml_when_the_suffix_is_xml(user_client):
    response = user_client.get(f"{API}opportunity/stage.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    text = response.content.decode()
    assert text.count("<response>") == 9
    assert "<title>Initial contact</title>" in text
    assert "<relativeItemsCount>" in text


def test_list_refuses_with_401_when_unauthenticated(api_client):
    response = api_client.get(f"{API}opportunity/stage")

    assert response.status_code == 401
    assert response.json()["statusCode"] == 401
    assert "WWW-Authenticate" in response


def test_detail_returns_the_stage_with_its_count_when_it_exists(user_client, user, proposal):
    OpportunityFactory(stage=proposal, created_by=user)

    response = user_client.get(f"{API}opportunity/stage/{proposal.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["response"]["id"] == proposal.pk
    assert body["response"]["title"] == "Proposal"
    assert body["response"]["relativeItemsCount"] == 1


def test_detail_is_404_when_the_stage_is_missing(user_client):
    response = user_client.get(f"{API}opportunity/stage/999999")

    assert response.status_code == 404
    assert response.json()["status"] == 1


def test_detail_is_400_when_the_id_is_zero(user_client):
    response = user_client.get(f"{API}opportunity/stage/0")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "stageid"


def test_detail_refuses_with_401_when_unauthenticated(api_client, proposal):
    assert api_client.get(f"{API}opportunity/stage/{proposal.pk}").status_code == 401


def test_documented_stage_keys_match_the_response_when_rendered(user_client, proposal):
    rendered = user_client.get(f"{API}opportunity/stage/{proposal.pk}").json()["response"]

    assert set(rendered) == set(DealMilestoneSerializer().fields)
