"""opportunity/filter's default order is paged stage by stage (stage counts, then a LIMIT per
stage), and its `total` is cached under the data version: pages must equal one ORDER BY over
everything, and the total must follow every write at once, whoever writes."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.functions import Lower
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from opportunities.models import Opportunity, Stage
from tests.factories import OpportunityFactory, PersonFactory, UserFactory, default_stage

pytestmark = pytest.mark.django_db

URL = "/api/2.0/crm/opportunity/filter"


def expected_order(*, descending: bool) -> list[int]:
    stage_order = F("stage__sort_order").desc() if descending else F("stage__sort_order").asc()
    return list(
        Opportunity.objects.order_by(
            stage_order,
            F("contact_id").asc(nulls_first=True),
            F("actual_close_date").desc(nulls_last=True),
            F("expected_close_date").asc(nulls_last=True),
            Lower("title").asc(),
            "id",
        ).values_list("pk", flat=True)
    )


def all_pages(client, *, size: int, **params) -> tuple[list[int], set[int]]:
    seen, totals, start = [], set(), 0
    while True:
        body = client.get(URL, {"count": size, "startIndex": start, **params}).json()
        seen += [o["id"] for o in body.get("response", [])]
        totals.add(body["total"])
        if "nextIndex" not in body:
            return seen, totals
        start += size


@pytest.fixture
def spread(user):
    """Opportunities over four stages, two of which share a sort order (their rows then
    interleave by the rest of the order), with and without contacts and dates."""
    stages = [
        default_stage(t)
        for t in ("Initial contact", "Proposal", "Negotiations", "Closure/Transaction")
    ]
    Stage.objects.filter(pk=stages[2].pk).update(sort_order=stages[1].sort_order)
    contacts = [PersonFactory(created_by=user) for _ in range(2)]
    for index in range(23):
        OpportunityFactory(
            created_by=user,
            title=f"{'b' if index % 3 else 'A'} deal {index % 4}",
            stage=stages[index % 4],
            contact=contacts[index % 2] if index % 5 else None,
            expected_close_date=datetime(2024, 5, 1 + index % 3, tzinfo=UTC) if index % 2 else None,
            actual_close_date=datetime(2024, 6, 1 + index % 4, tzinfo=UTC) if index % 3 else None,
        )


@pytest.mark.parametrize("size", [1, 4, 7, 30])
@pytest.mark.parametrize("descending", [False, True])
def test_default_order_pages_equal_one_order_when_paged_by_stage(
    client_for, user, spread, size, descending
):
    params = {"sortOrder": "descending"} if descending else {}

    seen, totals = all_pages(client_for(user), size=size, **params)

    assert seen == expected_order(descending=descending)
    assert totals == {23}


def test_total_follows_writes_that_bypass_the_services(client_for, user, other_user):
    client = client_for(other_user)
    OpportunityFactory.create_batch(3, created_by=user)
    assert client.get(URL).json()["total"] == 3

    hidden = OpportunityFactory(created_by=user)  # a plain INSERT
    assert client.get(URL).json()["total"] == 4

    Opportunity.objects.filter(pk=hidden.pk).update(is_private=True)  # a plain UPDATE
    assert client.get(URL).json()["total"] == 3

    assign_perm("view_opportunity", other_user, hidden)  # the access list
    assert client.get(URL).json()["total"] == 4


def test_total_follows_a_write_through_the_api(client_for, user):
    client = client_for(user)
    OpportunityFactory.create_batch(2, created_by=user)
    assert client.get(URL).json()["total"] == 2

    created = client.post("/api/2.0/crm/opportunity", {"title": "New"}, format="json")

    assert created.status_code == 201
    assert client.get(URL).json()["total"] == 3


def test_total_is_counted_once_while_nothing_changes(client_for, user, shared_cache):
    client = client_for(user)
    OpportunityFactory.create_batch(3, created_by=user)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            body = client.get(URL).json()
        return len(captured), body["total"]

    first, second = queries(), queries()

    assert first[1] == second[1] == 3
    assert second[0] == first[0] - 1  # the count is read from the cache


def test_total_is_per_user(client_for, user, other_user):
    OpportunityFactory(created_by=user, access_list=[user])
    OpportunityFactory(created_by=user)

    assert client_for(user).get(URL).json()["total"] == 2
    assert client_for(other_user).get(URL).json()["total"] == 1
    assert client_for(UserFactory()).get(URL).json()["total"] == 1
