"""PUT opportunity/{id}/stage/{id}, PUT opportunity/{id}/access, PUT opportunity/access and
PUT opportunity/filter/access."""

import uuid

import pytest

from opportunities.models import Opportunity, OpportunityUserObjectPermission, StageChange
from opportunities.selectors import opportunity_access_user_ids
from tests.factories import OpportunityFactory, TagFactory, default_stage

pytestmark = pytest.mark.django_db

URL = "/api/2.0/crm/opportunity"
EMPTY_DATE = "0001-01-01T00:00:00.0000000Z"


# -- stage ---------------------------------------------------------------------------------------


def test_stage_change_sets_probability_close_date_and_records_history(
    client_for, user, opportunity
):
    won = default_stage("Closure/Transaction")
    first = opportunity.stage

    response = client_for(user).put(
        f"{URL}/{opportunity.pk}/stage/{won.pk}", {"stageid": won.pk}, format="json"
    )

    assert response.status_code == 200
    body = response.json()["response"]
    assert body["stage"]["id"] == won.pk
    assert body["successProbability"] == 100
    assert body["actualCloseDate"] != EMPTY_DATE
    change = StageChange.objects.get(opportunity=opportunity)
    assert (change.from_stage, change.to_stage, change.changed_by) == (first, won, user)


def test_stage_change_clears_close_date_when_going_back_to_an_open_stage(
    client_for, user, opportunity
):
    client = client_for(user)
    won, proposal = default_stage("Closure/Transaction"), default_stage("Proposal")
    client.put(f"{URL}/{opportunity.pk}/stage/{won.pk}?stageid={won.pk}")

    response = client.put(f"{URL}/{opportunity.pk}/stage/{proposal.pk}?stageid={proposal.pk}")

    body = response.json()["response"]
    assert body["actualCloseDate"] == EMPTY_DATE
    assert body["successProbability"] == 75
    assert StageChange.objects.filter(opportunity=opportunity).count() == 2


def test_stage_id_from_the_body_wins_over_the_path_segment(client_for, user, opportunity):
    proposal, lost = default_stage("Proposal"), default_stage("Unsuccessfully closed")

    response = client_for(user).put(
        f"{URL}/{opportunity.pk}/stage/{lost.pk}", {"stageId": proposal.pk}, format="json"
    )

    assert response.json()["response"]["stage"]["id"] == proposal.pk


def test_stage_path_segment_is_used_when_stageid_is_absent(client_for, user, opportunity):
    proposal = default_stage("Proposal")

    response = client_for(user).put(f"{URL}/{opportunity.pk}/stage/{proposal.pk}.json")

    assert response.json()["response"]["stage"]["id"] == proposal.pk


def test_stage_change_returns_404_when_the_stage_does_not_exist(client_for, user, opportunity):
    response = client_for(user).put(f"{URL}/{opportunity.pk}/stage/0?stageid=999999")

    assert response.status_code == 404
    opportunity.refresh_from_db()
    assert not StageChange.objects.exists()


def test_stage_change_returns_400_when_no_stage_is_given(client_for, user, opportunity):
    assert client_for(user).put(f"{URL}/{opportunity.pk}/stage/0").status_code == 400


def test_stage_change_returns_404_and_changes_nothing_when_the_caller_is_a_stranger(
    client_for, other_user, private_opportunity
):
    won = default_stage("Closure/Transaction")

    response = client_for(other_user).put(
        f"{URL}/{private_opportunity.pk}/stage/{won.pk}?stageid={won.pk}"
    )

    assert response.status_code == 404
    private_opportunity.refresh_from_db()
    assert private_opportunity.stage_id != won.pk


# -- access on one -------------------------------------------------------------------------------


def test_creator_makes_an_opportunity_private_with_the_listed_users(
    client_for, user, other_user, third_user, opportunity
):
    response = client_for(user).put(
        f"{URL}/{opportunity.pk}/access",
        {"isPrivate": True, "accessList": [str(third_user.uuid)]},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()["response"]
    assert body["isPrivate"] is True
    assert {e["id"] for e in body["accessList"]} == {str(user.uuid), str(third_user.uuid)}
    assert client_for(other_user).get(f"{URL}/{opportunity.pk}").status_code == 404
    assert client_for(third_user).get(f"{URL}/{opportunity.pk}").status_code == 200


def test_creator_makes_a_private_opportunity_public(client_for, user, private_opportunity):
    response = client_for(user).put(
        f"{URL}/{private_opportunity.pk}/access", {"isPrivate": False}, format="json"
    )

    assert response.json()["response"]["isPrivate"] is False
    assert response.json()["response"]["accessList"] == []
    assert not OpportunityUserObjectPermission.objects.exists()


def test_access_returns_403_and_changes_nothing_when_the_caller_is_responsible_but_not_creator(
    client_for, user, responsible_user
):
    opportunity = OpportunityFactory(created_by=user, responsible=responsible_user)

    response = client_for(responsible_user).put(
        f"{URL}/{opportunity.pk}/access", {"isPrivate": True}, format="json"
    )

    assert response.status_code == 403
    opportunity.refresh_from_db()
    assert opportunity.is_private is False


def test_access_returns_404_when_the_caller_is_a_stranger(
    client_for, user, other_user, private_opportunity
):
    response = client_for(other_user).put(
        f"{URL}/{private_opportunity.pk}/access", {"isPrivate": False}, format="json"
    )

    assert response.status_code == 404
    private_opportunity.refresh_from_db()
    assert private_opportunity.is_private is True


def test_access_returns_400_and_changes_nothing_when_a_listed_user_is_unknown(
    client_for, user, opportunity
):
    response = client_for(user).put(
        f"{URL}/{opportunity.pk}/access",
        {"isPrivate": True, "accessList": [str(uuid.uuid4())]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "accessList"
    opportunity.refresh_from_db()
    assert opportunity.is_private is False


def test_admin_changes_access_of_someone_elses_opportunity(
    client_for, admin_user, user, private_opportunity
):
    response = client_for(admin_user).put(
        f"{URL}/{private_opportunity.pk}/access", {"isPrivate": "false"}
    )

    assert response.status_code == 200
    assert response.json()["response"]["isPrivate"] is False


# -- access on many ------------------------------------------------------------------------------


def test_access_batch_changes_those_the_caller_may_change_and_skips_the_rest(
    client_for, user, other_user, opportunity
):
    theirs = OpportunityFactory(created_by=other_user)
    hidden = OpportunityFactory(created_by=other_user, access_list=[other_user])

    response = client_for(user).put(
        f"{URL}/access",
        {
            "opportunityid": [opportunity.pk, theirs.pk, hidden.pk, 999999],
            "isPrivate": True,
            "accessList": [str(other_user.uuid)],
        },
        format="json",
    )

    assert response.status_code == 200
    assert [o["id"] for o in response.json()["response"]] == [opportunity.pk]
    assert opportunity_access_user_ids(opportunity) == {user.pk, other_user.pk}
    theirs.refresh_from_db()
    assert theirs.is_private is False
    assert opportunity_access_user_ids(hidden) == {other_user.pk}


def test_access_batch_returns_400_when_the_id_list_is_missing(client_for, user):
    response = client_for(user).put(f"{URL}/access", {"isPrivate": True}, format="json")

    assert response.status_code == 400


def test_access_batch_returns_400_and_changes_nothing_when_a_listed_user_is_unknown(
    client_for, user, opportunity
):
    response = client_for(user).put(
        f"{URL}/access",
        {"opportunityid": [opportunity.pk], "isPrivate": True, "accessList": ["x"]},
        format="json",
    )

    assert response.status_code == 400
    opportunity.refresh_from_db()
    assert opportunity.is_private is False


def test_filter_access_changes_matching_opportunities_the_caller_created(
    client_for, user, other_user
):
    tag = TagFactory(title="vip")
    mine = OpportunityFactory(created_by=user, tags=[tag])
    OpportunityFactory(created_by=user)
    theirs = OpportunityFactory(created_by=other_user, tags=[tag])

    response = client_for(user).put(
        f"{URL}/filter/access?tags=vip", {"isPrivate": True}, format="json"
    )

    assert [o["id"] for o in response.json()["response"]] == [mine.pk]
    assert list(Opportunity.objects.filter(is_private=True)) == [mine]
    theirs.refresh_from_db()
    assert theirs.is_private is False


def test_filter_access_never_touches_opportunities_hidden_from_the_caller(
    client_for, admin_user, other_user, private_opportunity
):
    response = client_for(other_user).put(
        f"{URL}/filter/access", {"isPrivate": False}, format="json"
    )

    assert response.json()["response"] == []
    private_opportunity.refresh_from_db()
    assert private_opportunity.is_private is True
