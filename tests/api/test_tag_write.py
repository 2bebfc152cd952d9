"""POST/DELETE opportunity/tag, POST/DELETE opportunity/{entityid}/tag, DELETE tag/unused."""

import pytest

from core.models import EntityType, Tag
from tests.factories import OpportunityFactory, TagFactory

API = "/api/2.0/crm/"


@pytest.fixture
def hot(db):
    return TagFactory(title="Hot")


def _titles(opportunity) -> set[str]:
    return set(opportunity.tags.values_list("title", flat=True))


# -- POST opportunity/tag ----------------------------------------------------------------------


def test_create_makes_the_tag_and_returns_its_name_when_signed_in(user_client):
    response = user_client.post(f"{API}opportunity/tag", {"tagName": " Warm lead "}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["response"] == "Warm lead"
    assert body["count"] == len("Warm lead")  # ONLYOFFICE counts a string's characters
    assert Tag.objects.filter(entity_type=EntityType.OPPORTUNITY, title="Warm lead").exists()


def test_create_reuses_an_existing_tag_whatever_its_case(user_client, hot):
    response = user_client.post(f"{API}opportunity/tag", {"TAGNAME": "hot"})

    assert response.status_code == 201
    assert response.json()["response"] == "Hot"
    assert Tag.objects.filter(entity_type=EntityType.OPPORTUNITY).count() == 1


def test_create_is_400_naming_the_field_when_the_name_is_empty(user_client):
    response = user_client.post(f"{API}opportunity/tag", {"tagName": "  "}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "tagName"
    assert not Tag.objects.exists()


def test_create_is_401_when_unauthenticated(api_client, db):
    response = api_client.post(f"{API}opportunity/tag", {"tagName": "x"}, format="json")

    assert response.status_code == 401
    assert not Tag.objects.exists()


# -- POST/DELETE opportunity/{entityid}/tag ------------------------------------------------------


def test_add_tags_the_opportunity_and_returns_the_name(user_client, opportunity):
    response = user_client.post(
        f"{API}opportunity/{opportunity.pk}/tag", {"tagName": "Hot"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["response"] == "Hot"
    assert _titles(opportunity) == {"Hot"}


def test_add_reads_the_name_from_a_form_or_the_query_string(user_client, opportunity, hot):
    first = user_client.post(f"{API}opportunity/{opportunity.pk}/tag", {"tagname": "hot"})
    second = user_client.post(f"{API}opportunity/{opportunity.pk}/tag.json?TagName=Cold")

    assert first.status_code == second.status_code == 201
    assert _titles(opportunity) == {"Hot", "Cold"}


def test_add_is_404_and_changes_nothing_when_the_opportunity_is_private_to_others(
    other_client, private_opportunity
):
    response = other_client.post(
        f"{API}opportunity/{private_opportunity.pk}/tag", {"tagName": "Mine"}, format="json"
    )

    assert response.status_code == 404
    assert _titles(private_opportunity) == set()
    assert not Tag.objects.exists()


def test_add_is_400_when_the_name_is_missing(user_client, opportunity):
    response = user_client.post(f"{API}opportunity/{opportunity.pk}/tag", {}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "tagName"


def test_add_is_401_when_unauthenticated(api_client, opportunity):
    response = api_client.post(
        f"{API}opportunity/{opportunity.pk}/tag", {"tagName": "x"}, format="json"
    )

    assert response.status_code == 401
    assert _titles(opportunity) == set()


def test_remove_untags_the_opportunity_whatever_the_case(user_client, user, hot):
    deal = OpportunityFactory(created_by=user, tags=[hot])

    response = user_client.delete(f"{API}opportunity/{deal.pk}/tag?tagName=HOT")

    assert response.status_code == 200
    assert response.json()["response"] == "Hot"
    assert _titles(deal) == set()
    assert Tag.objects.filter(pk=hot.pk).exists()


def test_remove_reads_the_name_from_a_json_body(user_client, user, hot):
    deal = OpportunityFactory(created_by=user, tags=[hot])

    response = user_client.delete(
        f"{API}opportunity/{deal.pk}/tag", {"tagName": "Hot"}, format="json"
    )

    assert response.status_code == 200
    assert _titles(deal) == set()


def test_remove_is_404_when_the_tag_does_not_exist(user_client, opportunity):
    response = user_client.delete(f"{API}opportunity/{opportunity.pk}/tag?tagName=Nope")

    assert response.status_code == 404


def test_remove_is_404_and_changes_nothing_when_the_opportunity_is_private_to_others(
    other_client, user, private_opportunity, hot
):
    private_opportunity.tags.add(hot)

    response = other_client.delete(f"{API}opportunity/{private_opportunity.pk}/tag?tagName=Hot")

    assert response.status_code == 404
    assert _titles(private_opportunity) == {"Hot"}


def test_remove_is_401_when_unauthenticated(api_client, user, hot):
    deal = OpportunityFactory(created_by=user, tags=[hot])

    assert api_client.delete(f"{API}opportunity/{deal.pk}/tag?tagName=Hot").status_code == 401
    assert _titles(deal) == {"Hot"}


# -- DELETE opportunity/tag (everywhere) -------------------------------------------------------


def test_delete_removes_the_tag_from_every_opportunity_when_admin(
    admin_client, user, other_user, hot
):
    mine = OpportunityFactory(created_by=user, tags=[hot])
    theirs = OpportunityFactory(created_by=other_user, access_list=[other_user], tags=[hot])

    response = admin_client.delete(f"{API}opportunity/tag", {"tagName": "hot"}, format="json")

    assert response.status_code == 200
    assert response.json()["response"] == "Hot"
    assert not Tag.objects.filter(pk=hot.pk).exists()
    assert _titles(mine) == _titles(theirs) == set()


def test_delete_is_403_and_keeps_the_tag_when_not_admin(user_client, user, hot):
    deal = OpportunityFactory(created_by=user, tags=[hot])

    response = user_client.delete(f"{API}opportunity/tag?tagName=Hot")

    assert response.status_code == 403
    assert _titles(deal) == {"Hot"}


def test_delete_is_404_when_the_tag_is_unknown(admin_client, db):
    assert admin_client.delete(f"{API}opportunity/tag?tagName=Nope").status_code == 404


def test_delete_is_400_when_the_name_is_missing(admin_client, db):
    response = admin_client.delete(f"{API}opportunity/tag")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "tagName"


def test_delete_is_401_when_unauthenticated(api_client, hot):
    assert api_client.delete(f"{API}opportunity/tag?tagName=Hot").status_code == 401
    assert Tag.objects.filter(pk=hot.pk).exists()


# -- DELETE opportunity/tag/unused -------------------------------------------------------------


def test_delete_unused_removes_tags_no_opportunity_carries_and_returns_their_names(
    admin_client, user, hot
):
    OpportunityFactory(created_by=user, tags=[hot])
    TagFactory(title="beta")
    TagFactory(title="Alpha")
    contact_tag = TagFactory(title="Unused contact tag", entity_type=EntityType.CONTACT)

    response = admin_client.delete(f"{API}opportunity/tag/unused")

    assert response.status_code == 200
    assert response.json()["response"] == ["Alpha", "beta"]
    assert set(Tag.objects.values_list("title", flat=True)) == {"Hot", contact_tag.title}


def test_delete_unused_returns_an_empty_list_when_every_tag_is_used(admin_client, user, hot):
    OpportunityFactory(created_by=user, tags=[hot])

    response = admin_client.delete(f"{API}opportunity/tag/unused.json")

    assert response.status_code == 200
    assert response.json()["response"] == []
    assert "count" not in response.json()


def test_delete_unused_is_403_when_not_admin(user_client, db):
    tag = TagFactory(title="lonely")

    assert user_client.delete(f"{API}opportunity/tag/unused").status_code == 403
    assert Tag.objects.filter(pk=tag.pk).exists()


def test_delete_unused_is_401_when_unauthenticated(api_client, db):
    assert api_client.delete(f"{API}opportunity/tag/unused").status_code == 401
