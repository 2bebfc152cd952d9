"""A page of task/filter, GET task/{id} and the category list cost a constant number of queries,
whatever the number of tasks (pinned at two sizes)."""

import pytest

from tests.activities.task_factories import API, TaskFactory
from tests.factories import OpportunityFactory, PersonFactory


def _arrange(user, other_user, n: int) -> None:
    for i in range(n):
        TaskFactory(
            created_by=user,
            responsible=other_user if i % 2 else user,
            opportunity=OpportunityFactory(created_by=user),
            contact=PersonFactory(created_by=user, access_list=[user] if i % 3 else None),
        )


@pytest.mark.parametrize("size", [26, 60])
def test_filter_page_costs_the_same_queries_when_the_page_grows(
    client_for, user, other_user, size, django_assert_num_queries
):
    _arrange(user, other_user, size)
    client = client_for(user)
    client.get(f"{API}task/filter")  # warm the token and the session caches

    # the token's user, the page's rows, the contacts' access rows, the categories with
    # their counts, the total (the page is full)
    with django_assert_num_queries(5):
        response = client.get(f"{API}task/filter", {"count": 25})

    assert len(response.json()["response"]) == 25
    assert response.json()["total"] == size


@pytest.mark.parametrize("size", [2, 20])
def test_short_page_needs_no_count_query_when_every_match_fits(
    client_for, user, other_user, size, django_assert_num_queries
):
    _arrange(user, other_user, size)
    client = client_for(user)
    client.get(f"{API}task/filter")

    with django_assert_num_queries(4):
        response = client.get(f"{API}task/filter", {"count": 25})

    assert response.json()["total"] == size


@pytest.mark.parametrize("size", [3, 30])
def test_category_list_costs_the_same_queries_when_there_are_more_tasks(
    client_for, user, other_user, size, django_assert_num_queries
):
    _arrange(user, other_user, size)
    client = client_for(user)
    client.get(f"{API}task/category")

    with django_assert_num_queries(2):  # the token's user, the categories with counts
        client.get(f"{API}task/category")


def test_single_task_costs_a_fixed_number_of_queries_when_read(
    client_for, user, other_user, django_assert_num_queries
):
    _arrange(user, other_user, 2)
    task_id = TaskFactory(created_by=user, contact=PersonFactory(created_by=user)).pk
    client = client_for(user)
    client.get(f"{API}task/{task_id}")

    # the token's user, the task with its links, the contact's access rows, the categories
    with django_assert_num_queries(4):
        assert client.get(f"{API}task/{task_id}").status_code == 200
