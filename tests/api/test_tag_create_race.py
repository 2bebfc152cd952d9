"""Creating the same new tag at once, through every route that creates tags: one tag, and
every request succeeds (PostgreSQL with threads; SQLite serializes its writers)."""

import pytest
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue
from core.models import EntityType, Tag
from tests.concurrency import NO_RACE_TO_LOSE, answers_at_once, postgresql_only
from tests.factories import OpportunityFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    postgresql_only(NO_RACE_TO_LOSE),
]

API = "/api/2.0/crm"
CLIENTS = 12


def _race(requests) -> list:
    """Send each `request()` from its own thread, all released at once; what they answered."""
    return [
        (response.status_code, response.content[:300])
        for response in answers_at_once(*requests, timeout=60)
    ]


def _client(user) -> APIClient:
    token, _ = token_issue(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token)
    return client


@pytest.mark.parametrize("round_", range(3))
def test_one_tag_and_every_request_succeeds_when_opportunities_are_tagged_at_once(user, round_):
    opportunities = [OpportunityFactory(created_by=user) for _ in range(CLIENTS)]
    title = f"Brand new {round_}"

    def tag(opportunity, spelling):
        client = _client(user)
        return lambda: client.post(
            f"{API}/opportunity/{opportunity.pk}/tag", {"tagName": spelling}, format="json"
        )

    def tag_list(opportunity):
        client = _client(user)
        return lambda: client.post(
            f"{API}/opportunity/taglist",
            {"entityid": [opportunity.pk], "tagName": title},
            format="json",
        )

    requests = [tag(o, title if n % 3 else title.upper()) for n, o in enumerate(opportunities)]
    requests[::4] = [tag_list(o) for o in opportunities[::4]]

    results = _race(requests)

    assert [status for status, _ in results] == [201] * CLIENTS, results
    tags = Tag.objects.filter(entity_type=EntityType.OPPORTUNITY, title__iexact=title)
    assert tags.count() == 1
    assert tags.get().opportunities.count() == CLIENTS


@pytest.mark.parametrize("round_", range(3))
def test_one_tag_and_every_request_succeeds_when_contacts_are_created_with_it_at_once(user, round_):
    titles = [f"Fair {round_}", f"Lead {round_}"]

    def create(n):
        client = _client(user)
        return lambda: client.post(
            f"{API}/contact/person",
            {"firstName": f"Person {n}", "tags": titles if n % 2 else titles[::-1]},
            format="json",
        )

    results = _race([create(n) for n in range(CLIENTS)])

    assert [status for status, _ in results] == [201] * CLIENTS, results
    for title in titles:
        tags = Tag.objects.filter(entity_type=EntityType.CONTACT, title__iexact=title)
        assert tags.count() == 1
        assert tags.get().contacts.count() == CLIENTS
