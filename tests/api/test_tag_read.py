"""GET opportunity/tag and opportunity/tag/{entityid}."""

import pytest

from opportunities.api.docs_serializers import TagSerializer
from tests.factories import OpportunityFactory, TagFactory

API = "/api/2.0/crm/"


@pytest.fixture
def hot(db):
    return TagFactory(title="hot")


@pytest.fixture
def secret(db):
    return TagFactory(title="Secret")


@pytest.fixture
def tagged(user, other_user, hot, secret):
    """A public deal of `user` tagged hot; a private deal of `other_user` tagged hot and Secret."""
    OpportunityFactory(created_by=user, tags=[hot])
    OpportunityFactory(created_by=other_user, access_list=[other_user], tags=[hot, secret])


def test_list_counts_only_opportunities_the_caller_can_see(user_client, tagged):
    response = user_client.get(f"{API}opportunity/tag")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["response"] == [
        {"title": "hot", "relativeItemsCount": 1},
        {"title": "Secret", "relativeItemsCount": 0},
    ]
    assert set(body["response"][0]) == set(TagSerializer().fields)


def test_list_counts_every_opportunity_when_the_caller_is_admin(admin_client, tagged):
    response = admin_client.get(f"{API}opportunity/tag.json")

    assert response.json()["response"] == [
        {"title": "hot", "relativeItemsCount": 2},
        {"title": "Secret", "relativeItemsCount": 1},
    ]


def test_list_counts_private_opportunities_on_the_callers_access_list(
    client_for, third_user, other_user, hot
):
    OpportunityFactory(created_by=other_user, access_list=[other_user, third_user], tags=[hot])

    response = client_for(third_user).get(f"{API}opportunity/tag")

    assert response.json()["response"] == [{"title": "hot", "relativeItemsCount": 1}]


@pytest.mark.parametrize("size", [1, 25])
def test_list_costs_constant_queries_when_tags_and_deals_grow(
    client_for, user, other_user, django_assert_max_num_queries, size
):
    client = client_for(user)
    tags = TagFactory.create_batch(size)
    OpportunityFactory.create_batch(size, created_by=user, tags=tags)
    OpportunityFactory.create_batch(
        size, created_by=other_user, access_list=[other_user], tags=tags
    )

    with django_assert_max_num_queries(2):
        response = client.get(f"{API}opportunity/tag")

    assert {t["relativeItemsCount"] for t in response.json()["response"]} == {size}


def test_list_is_401_when_unauthenticated(api_client, db):
    assert api_client.get(f"{API}opportunity/tag").status_code == 401


def test_opportunity_tags_returns_the_titles_when_visible(user_client, user, hot, secret):
    deal = OpportunityFactory(created_by=user, tags=[secret, hot])

    response = user_client.get(f"{API}opportunity/tag/{deal.pk}")

    assert response.status_code == 200
    assert response.json()["response"] == ["hot", "Secret"]


def test_opportunity_tags_answers_xml_when_the_suffix_is_xml(user_client, user, hot):
    deal = OpportunityFactory(created_by=user, tags=[hot])

    response = user_client.get(f"{API}opportunity/tag/{deal.pk}.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert "<response>hot</response>" in response.content.decode()


def test_opportunity_tags_is_404_when_the_opportunity_is_private_to_others(
    other_client, private_opportunity, hot
):
    private_opportunity.tags.add(hot)

    response = other_client.get(f"{API}opportunity/tag/{private_opportunity.pk}")

    assert response.status_code == 404


def test_opportunity_tags_is_404_when_the_opportunity_is_missing(user_client, db):
    assert user_client.get(f"{API}opportunity/tag/999999").status_code == 404


def test_opportunity_tags_is_401_when_unauthenticated(api_client, opportunity):
    assert api_client.get(f"{API}opportunity/tag/{opportunity.pk}").status_code == 401
