"""GET/PUT/DELETE opportunity/{id} and the group delete PUT opportunity (seeds 001-003)."""

from decimal import Decimal

import pytest

from opportunities.models import (
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityMember,
    OpportunityUserObjectPermission,
    StageChange,
)
from tests.factories import (
    CustomFieldFactory,
    OpportunityCustomFieldValueFactory,
    OpportunityFactory,
    PersonFactory,
    TagFactory,
    default_stage,
)

pytestmark = pytest.mark.django_db

URL = "/api/2.0/crm/opportunity"


@pytest.fixture
def rich_opportunity(user, person):
    field = CustomFieldFactory(label="Region")
    opportunity = OpportunityFactory(
        title="Rich deal",
        description="Keep me",
        created_by=user,
        contact=person,
        members=[person],
        bid_value=Decimal("500.00"),
        tags=[TagFactory(title="hot")],
    )
    OpportunityCustomFieldValueFactory(opportunity=opportunity, field=field, value="EMEA")
    return opportunity


# -- GET -------------------------------------------------------------------------------------


def test_read_returns_404_when_the_opportunity_is_private_to_someone_else(
    client_for, other_user, private_opportunity
):
    response = client_for(other_user).get(f"{URL}/{private_opportunity.pk}")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "The record could not be found"


def test_read_returns_404_when_the_opportunity_does_not_exist(client_for, user):
    assert client_for(user).get(f"{URL}/987654").status_code == 404


def test_read_returns_400_when_the_id_is_zero(client_for, user):
    assert client_for(user).get(f"{URL}/0").status_code == 400


def test_read_shows_private_opportunity_when_the_caller_is_responsible(
    client_for, user, responsible_user
):
    opportunity = OpportunityFactory(created_by=user, responsible=responsible_user, access_list=[])

    response = client_for(responsible_user).get(f"{URL}/{opportunity.pk}")

    assert response.status_code == 200
    assert response.json()["response"]["canEdit"] is True


def test_read_hides_members_the_caller_cannot_see(client_for, user, other_user):
    hidden = PersonFactory(created_by=other_user, access_list=[other_user])
    shown = PersonFactory(created_by=user)
    opportunity = OpportunityFactory(created_by=user, members=[hidden, shown], contact=hidden)

    body = client_for(user).get(f"{URL}/{opportunity.pk}").json()["response"]

    assert [m["id"] for m in body["members"]] == [shown.pk]
    assert body["contact"] is None


# -- PUT ---------------------------------------------------------------------------------------


def test_update_keeps_omitted_fields_when_only_the_title_is_sent(
    client_for, user, person, rich_opportunity
):
    response = client_for(user).put(
        f"{URL}/{rich_opportunity.pk}", {"title": "Renamed"}, format="json"
    )

    assert response.status_code == 200
    body = response.json()["response"]
    assert body["title"] == "Renamed"
    assert body["description"] == "Keep me"
    assert body["bidValue"] == 500
    assert body["contact"]["id"] == person.pk
    assert [m["id"] for m in body["members"]] == [person.pk]
    assert body["tags"] == ["hot"]
    assert [f["fieldValue"] for f in body["customFields"]] == ["EMEA"]
    rich_opportunity.refresh_from_db()
    assert rich_opportunity.description == "Keep me"
    assert rich_opportunity.bid_value == Decimal("500.00")


def test_update_clears_fields_when_sent_as_null_or_empty(client_for, user, rich_opportunity):
    field_id = rich_opportunity.custom_values.get().field_id
    response = client_for(user).put(
        f"{URL}/{rich_opportunity.pk}",
        {
            "description": None,
            "bidValue": "",
            "contactid": 0,
            "members": [],
            "tags": None,
            "customFieldList": [{"key": field_id, "value": ""}],
            "expectedCloseDate": None,
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()["response"]
    assert body["description"] == ""
    assert body["bidValue"] == 0
    assert body["contact"] is None
    assert body["members"] == []
    assert body["tags"] == []
    assert body["customFields"] == []
    assert body["title"] == "Rich deal"
    assert not OpportunityCustomFieldValue.objects.exists()


def test_update_through_stage_sets_probability_close_date_and_history(
    client_for, user, opportunity
):
    won = default_stage("Closure/Transaction")

    response = client_for(user).put(f"{URL}/{opportunity.pk}", {"stageid": won.pk}, format="json")

    body = response.json()["response"]
    assert body["stage"]["id"] == won.pk
    assert body["successProbability"] == 100
    assert body["actualCloseDate"] != "0001-01-01T00:00:00.0000000Z"
    assert StageChange.objects.filter(opportunity=opportunity, to_stage=won).exists()


def test_update_returns_404_and_changes_nothing_when_the_caller_is_a_stranger(
    client_for, other_user, private_opportunity
):
    response = client_for(other_user).put(
        f"{URL}/{private_opportunity.pk}", {"title": "Hijacked"}, format="json"
    )

    assert response.status_code == 404
    private_opportunity.refresh_from_db()
    assert private_opportunity.title == "Secret deal"


def test_update_returns_400_and_changes_nothing_when_a_member_is_unknown(
    client_for, user, rich_opportunity
):
    response = client_for(user).put(
        f"{URL}/{rich_opportunity.pk}",
        {"title": "Changed", "members": [999999]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "members"
    rich_opportunity.refresh_from_db()
    assert rich_opportunity.title == "Rich deal"


def test_update_skips_access_changes_when_the_caller_is_not_admin_or_creator(
    client_for, user, other_user, opportunity
):
    response = client_for(other_user).put(
        f"{URL}/{opportunity.pk}",
        {"title": "Edited", "isPrivate": True, "accessList": [str(other_user.uuid)]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["response"]["title"] == "Edited"
    assert response.json()["response"]["isPrivate"] is False
    assert not OpportunityUserObjectPermission.objects.exists()


def test_update_makes_private_with_the_caller_listed_when_the_creator_sets_is_private(
    client_for, user, other_user, opportunity
):
    response = client_for(user).put(
        f"{URL}/{opportunity.pk}", {"isPrivate": True, "accessList": []}, format="json"
    )

    body = response.json()["response"]
    assert body["isPrivate"] is True
    assert [e["id"] for e in body["accessList"]] == [str(user.uuid)]
    assert client_for(other_user).get(f"{URL}/{opportunity.pk}").status_code == 404


# -- DELETE ------------------------------------------------------------------------------------


def test_delete_returns_the_wrapper_without_members_fields_or_access(
    client_for, user, person, rich_opportunity
):
    response = client_for(user).delete(f"{URL}/{rich_opportunity.pk}")

    assert response.status_code == 200
    body = response.json()["response"]
    assert body["id"] == rich_opportunity.pk
    assert body["title"] == "Rich deal"
    assert body["members"] == [] and body["customFields"] == []
    assert body["isPrivate"] is False and body["accessList"] == []
    assert body["contact"]["id"] == person.pk
    assert not Opportunity.objects.filter(pk=rich_opportunity.pk).exists()
    assert client_for(user).get(f"{URL}/{rich_opportunity.pk}").status_code == 404
    # in the trash, with what it held, for a restore
    trashed = Opportunity.all_objects.get(pk=rich_opportunity.pk)
    assert trashed.deleted_at is not None and trashed.deleted_by == user
    assert OpportunityMember.objects.filter(opportunity=trashed).exists()
    assert OpportunityCustomFieldValue.objects.filter(opportunity=trashed).exists()


def test_delete_returns_404_and_keeps_the_row_when_the_caller_is_a_stranger(
    client_for, other_user, private_opportunity
):
    response = client_for(other_user).delete(f"{URL}/{private_opportunity.pk}")

    assert response.status_code == 404
    assert Opportunity.objects.filter(pk=private_opportunity.pk).exists()


def test_delete_returns_401_when_unauthenticated(api_client, opportunity):
    assert api_client.delete(f"{URL}/{opportunity.pk}").status_code == 401
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()


# -- group delete (seed 003) -------------------------------------------------------------------


def test_group_delete_skips_unknown_and_hidden_ids_and_returns_what_it_deleted(
    client_for, user, other_user, opportunity
):
    mine = OpportunityFactory(created_by=other_user, title="Mine")
    hidden = OpportunityFactory(created_by=user, access_list=[user])

    response = client_for(other_user).put(
        URL, {"opportunityids": [opportunity.pk, mine.pk, hidden.pk, 999999]}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert sorted(o["id"] for o in body["response"]) == sorted([opportunity.pk, mine.pk])
    assert body["count"] == 2
    assert all(o["members"] == [] and o["isPrivate"] is False for o in body["response"])
    assert list(Opportunity.objects.values_list("pk", flat=True)) == [hidden.pk]


def test_group_delete_returns_empty_list_when_nothing_is_deletable(
    client_for, other_user, private_opportunity
):
    response = client_for(other_user).put(
        URL, {"opportunityids": [private_opportunity.pk]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["response"] == []
    assert "count" not in response.json()
    assert Opportunity.objects.filter(pk=private_opportunity.pk).exists()


@pytest.mark.parametrize("body", [{}, {"opportunityids": []}, {"opportunityids": None}])
def test_group_delete_returns_400_when_the_list_is_missing_or_empty(
    client_for, user, opportunity, body
):
    response = client_for(user).put(URL, body, format="json")

    assert response.status_code == 400
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()


def test_group_delete_binds_ids_from_the_query_string(client_for, user, opportunity):
    response = client_for(user).put(f"{URL}?opportunityids[]={opportunity.pk}")

    assert [o["id"] for o in response.json()["response"]] == [opportunity.pk]
