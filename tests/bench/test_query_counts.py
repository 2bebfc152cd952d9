"""Query counts of the benchmarked routes stay pinned, whatever the size (the list page and the
board are pinned in tests/api/test_opportunity_filter.py and tests/pages/test_board_page.py).

The numbers are those `python -m bench` reports; a change that adds a query per row, or a query
per member, access row or custom field, fails here before it shows in the benchmark."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue
from core.models import CustomFieldDefinition, EntityType
from opportunities.models import Opportunity, OpportunityCustomFieldValue, Stage
from tests.factories import OpportunityFactory, PersonFactory

API = "/api/2.0/crm"
GET_ONE_QUERIES = 7
# issue 11: +1 the stage the lost-reason rule reads, +1 the audit row of the probability change
MOVE_QUERIES = 15
GROUP_DELETE_QUERIES = 13  # a soft delete (to the trash) since issue 11


@pytest.fixture
def client(user):
    token, _ = token_issue(user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def rich_opportunity(user, other_user, *, members: int):
    field = CustomFieldDefinition.objects.create(
        entity_type=EntityType.OPPORTUNITY, label=f"Field {members}"
    )
    contacts = [PersonFactory(created_by=user) for _ in range(members)]
    opportunity = OpportunityFactory(
        created_by=user,
        contact=contacts[0],
        members=contacts,
        access_list=[user, other_user],
    )
    OpportunityCustomFieldValue.objects.create(opportunity=opportunity, field=field, value="x")
    return opportunity


def queries_of(send) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = send()
    return len(queries), response


@pytest.mark.parametrize("members", [1, 6])
def test_get_one_costs_a_fixed_number_of_queries_when_members_grow(
    client, user, other_user, members
):
    opportunity = rich_opportunity(user, other_user, members=members)

    count, response = queries_of(lambda: client.get(f"{API}/opportunity/{opportunity.pk}"))

    assert response.status_code == 200
    assert len(response.json()["response"]["members"]) == members
    assert count == GET_ONE_QUERIES


@pytest.mark.parametrize("members", [1, 6])
def test_move_costs_a_fixed_number_of_queries_when_members_grow(client, user, other_user, members):
    opportunity = rich_opportunity(user, other_user, members=members)
    target = Stage.objects.exclude(pk=opportunity.stage_id).order_by("sort_order").first()

    count, response = queries_of(
        lambda: client.put(
            f"{API}/opportunity/{opportunity.pk}/stage/{target.pk}",
            {"stageid": target.pk},
            format="json",
        )
    )

    assert response.status_code == 200
    assert response.json()["response"]["stage"]["id"] == target.pk
    assert count == MOVE_QUERIES


@pytest.mark.parametrize("size", [2, 20])
def test_group_delete_costs_a_fixed_number_of_queries_when_the_batch_grows(
    client, user, other_user, size
):
    ids = [rich_opportunity(user, other_user, members=2).pk for _ in range(size)]

    count, response = queries_of(
        lambda: client.put(f"{API}/opportunity", {"opportunityids": ids}, format="json")
    )

    assert response.status_code == 200
    assert sorted(item["id"] for item in response.json()["response"]) == sorted(ids)
    assert count == GROUP_DELETE_QUERIES
    assert not Opportunity.objects.filter(pk__in=ids).exists()
    trashed = Opportunity.all_objects.filter(pk__in=ids)
    assert trashed.in_trash().count() == size  # kept in the trash, as one batch
    assert trashed.values("deletion_batch").distinct().count() == 1
