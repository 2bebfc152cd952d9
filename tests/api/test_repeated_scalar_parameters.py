"""Issue 9, point 3: a scalar parameter sent more than once takes its first value, as
ONLYOFFICE's `ApiContext.GetRequestValue` does; lists still gather every value."""

import pytest

from opportunities.models import Opportunity
from tests.factories import OpportunityFactory, PersonFactory

API = "/api/2.0/crm/"


@pytest.fixture
def three_deals(user):
    return [OpportunityFactory(title=f"Deal {n}", created_by=user) for n in range(3)]


@pytest.mark.parametrize("suffix", ["", ".json"])
@pytest.mark.parametrize("bearer", [False, True])
def test_opportunity_filter_answers_when_count_is_repeated(
    client_for, user, three_deals, suffix, bearer
):
    client = client_for(user, bearer=bearer)

    response = client.get(f"{API}opportunity/filter{suffix}?count=500&count=500&startIndex=0")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    assert {item["title"] for item in body["response"]} == {"Deal 0", "Deal 1", "Deal 2"}


def test_first_value_wins_when_count_is_repeated_with_different_values(user_client, three_deals):
    response = user_client.get(f"{API}opportunity/filter?count=1&count=500&startIndex=0")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["total"] == 3


@pytest.mark.parametrize("suffix", ["", ".json"])
def test_contact_filter_answers_when_count_is_repeated(user_client, user, suffix):
    PersonFactory(first_name="Ann", last_name="One", created_by=user)
    PersonFactory(first_name="Bob", last_name="Two", created_by=user)

    response = user_client.get(f"{API}contact/filter{suffix}?count=500&count=500&startIndex=0")

    assert response.status_code == 200, response.content
    assert response.json()["count"] == 2


def test_first_value_wins_when_a_form_body_repeats_a_scalar(user_client, opportunity):
    response = user_client.put(
        f"{API}opportunity/{opportunity.pk}",
        "title=First&title=Second&bidValue=10&bidValue=20",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200, response.content
    opportunity.refresh_from_db()
    assert opportunity.title == "First"
    assert opportunity.bid_value == 10
    assert response.json()["response"]["title"] == "First"


def test_first_value_wins_when_the_query_repeats_a_scalar_on_a_write(user_client, opportunity):
    response = user_client.put(
        f"{API}opportunity/{opportunity.pk}.json?title=First&title=Second&isPrivate=false&isPrivate=true"
    )

    assert response.status_code == 200, response.content
    opportunity.refresh_from_db()
    assert opportunity.title == "First"
    assert opportunity.is_private is False


def test_first_element_wins_when_a_json_body_gives_an_array_for_a_scalar(
    client_for, user, opportunity
):
    response = client_for(user, bearer=True).put(
        f"{API}opportunity/{opportunity.pk}",
        {"title": ["First", "Second"], "successProbability": [40, 90]},
        format="json",
    )

    assert response.status_code == 200, response.content
    opportunity.refresh_from_db()
    assert (opportunity.title, opportunity.success_probability) == ("First", 40)


def test_an_empty_json_array_for_a_scalar_is_refused_naming_it(user_client, opportunity):
    response = user_client.put(
        f"{API}opportunity/{opportunity.pk}", {"title": [], "bidValue": 5}, format="json"
    )

    assert response.status_code == 400
    assert "title" in response.json()["error"]["message"]
    opportunity.refresh_from_db()
    assert opportunity.title == "Public deal"


def test_lists_still_gather_every_value_when_keys_repeat(user_client, user, opportunity):
    first = PersonFactory(created_by=user)
    second = PersonFactory(created_by=user)

    response = user_client.put(
        f"{API}opportunity/{opportunity.pk}",
        f"members={first.pk}&members={second.pk}",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200, response.content
    assert set(Opportunity.objects.get(pk=opportunity.pk).members.values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
