"""POST opportunity/taglist and POST opportunity/filter/taglist."""

import pytest

from core.models import Tag
from opportunities.models import Stage
from tests.factories import OpportunityFactory, TagFactory

API = "/api/2.0/crm/"


def _titles(opportunity) -> set[str]:
    return set(opportunity.tags.values_list("title", flat=True))


@pytest.fixture
def deals(user, other_user):
    """Two deals `user` may edit, and a private deal of `other_user`."""
    return {
        "mine": OpportunityFactory(created_by=user, title="Alpha renewal"),
        "public": OpportunityFactory(created_by=other_user, title="Beta launch"),
        "private": OpportunityFactory(
            created_by=other_user, access_list=[other_user], title="Alpha secret"
        ),
    }


# -- taglist ------------------------------------------------------------------------------------


def test_taglist_tags_every_visible_opportunity_and_skips_the_others(user_client, deals):
    ids = [deals["mine"].pk, deals["public"].pk, deals["private"].pk, 999999]

    response = user_client.post(
        f"{API}opportunity/taglist", {"entityid": ids, "tagName": "Q3"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["response"] == "Q3"
    assert _titles(deals["mine"]) == _titles(deals["public"]) == {"Q3"}
    assert _titles(deals["private"]) == set()


def test_taglist_takes_ids_as_form_list_keys_and_keeps_existing_links(user_client, deals):
    existing = TagFactory(title="Q3")
    deals["mine"].tags.add(existing)

    response = user_client.post(
        f"{API}opportunity/taglist",
        f"entityid[]={deals['mine'].pk}&entityid[]={deals['public'].pk}&TAGNAME=q3",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 201
    assert _titles(deals["mine"]) == _titles(deals["public"]) == {"Q3"}
    assert Tag.objects.count() == 1


@pytest.mark.parametrize(
    "payload,field",
    [({"tagName": "Q3"}, "entityid"), ({"entityid": [], "tagName": "Q3"}, "entityid")],
)
def test_taglist_is_400_when_the_list_is_empty(user_client, deals, payload, field):
    response = user_client.post(f"{API}opportunity/taglist", payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == field
    assert not Tag.objects.exists()


def test_taglist_is_400_when_the_name_is_empty(user_client, deals):
    response = user_client.post(
        f"{API}opportunity/taglist",
        {"entityid": [deals["mine"].pk], "tagName": ""},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "tagName"
    assert _titles(deals["mine"]) == set()


def test_taglist_changes_nothing_when_every_opportunity_is_hidden(other_client, user):
    hidden = OpportunityFactory(created_by=user, access_list=[user])

    response = other_client.post(
        f"{API}opportunity/taglist", {"entityid": [hidden.pk], "tagName": "Q3"}, format="json"
    )

    assert response.status_code == 201
    assert _titles(hidden) == set()


def test_taglist_is_401_when_unauthenticated(api_client, deals):
    response = api_client.post(
        f"{API}opportunity/taglist",
        {"entityid": [deals["mine"].pk], "tagName": "Q3"},
        format="json",
    )

    assert response.status_code == 401
    assert _titles(deals["mine"]) == set()


# -- filter/taglist -----------------------------------------------------------------------------


def test_filter_taglist_tags_the_matching_visible_opportunities(user_client, deals):
    response = user_client.post(
        f"{API}opportunity/filter/taglist",
        {"filterValue": "alpha", "tagName": "Focus"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["response"] == "Focus"
    assert _titles(deals["mine"]) == {"Focus"}
    assert _titles(deals["public"]) == set()
    assert _titles(deals["private"]) == set()  # matches the text but is hidden


def test_filter_taglist_takes_the_stage_type_by_name_or_number(user_client, user, deals):
    won = Stage.objects.get(title="Closure/Transaction")
    closed = OpportunityFactory(created_by=user, stage=won)

    by_name = user_client.post(
        f"{API}opportunity/filter/taglist",
        {"stagetype": "ClosedAndWon", "tagName": "Won"},
        format="json",
    )
    by_number = user_client.post(
        f"{API}opportunity/filter/taglist?stageType=1&tagName=Closed",
    )

    assert by_name.status_code == by_number.status_code == 201
    assert _titles(closed) == {"Won", "Closed"}
    assert _titles(deals["mine"]) == set()


def test_filter_taglist_narrows_by_existing_tags(user_client, deals):
    deals["public"].tags.add(TagFactory(title="Enterprise"))

    response = user_client.post(
        f"{API}opportunity/filter/taglist",
        {"tags": ["enterprise"], "tagName": "Priority"},
        format="json",
    )

    assert response.status_code == 201
    assert _titles(deals["public"]) == {"Enterprise", "Priority"}
    assert _titles(deals["mine"]) == set()


def test_filter_taglist_is_400_naming_the_field_when_a_criterion_is_invalid(user_client, deals):
    response = user_client.post(
        f"{API}opportunity/filter/taglist",
        {"stageType": "Someday", "tagName": "X"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "stageType"
    assert not Tag.objects.exists()


def test_filter_taglist_is_401_when_unauthenticated(api_client, deals):
    response = api_client.post(f"{API}opportunity/filter/taglist", {"tagName": "X"}, format="json")

    assert response.status_code == 401
    assert not Tag.objects.exists()
