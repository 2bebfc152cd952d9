"""crm/task/category routes that only task categories have: one category read with its count,
and a delete that moves the category's tasks to `newcategoryid` (the routes both category
lists share are in test_category_lists_share_rules.py)."""

import pytest

from activities.models import Task, TaskCategory
from tests.activities.task_factories import API, TaskCategoryFactory, TaskFactory, task_category


def test_read_one_counts_the_tasks_when_the_caller_can_read_them(user_client, user):
    category = task_category()
    TaskFactory(created_by=user, category=category)

    body = user_client.get(f"{API}task/category/{category.pk}").json()["response"]

    assert body["relativeItemsCount"] == 1
    assert user_client.get(f"{API}task/category/99999").status_code == 404


def test_delete_moves_the_tasks_when_newcategoryid_names_another(admin_client, user):
    doomed = TaskCategoryFactory(title="Doomed")
    task = TaskFactory(created_by=user, category=doomed)
    target = task_category("Note")

    response = admin_client.delete(f"{API}task/category/{doomed.pk}?newcategoryid={target.pk}")

    assert response.status_code == 200
    assert response.json()["response"]["title"] == "Doomed"
    task.refresh_from_db()
    assert task.category == target
    assert not TaskCategory.objects.filter(pk=doomed.pk).exists()


@pytest.mark.parametrize("new_category", [None, 99999, "self"])
def test_delete_is_400_when_in_use_and_no_other_category_is_named(admin_client, user, new_category):
    doomed = TaskCategoryFactory(title="In use")
    TaskFactory(created_by=user, category=doomed)
    query = (
        ""
        if new_category is None
        else f"?newcategoryid={doomed.pk if new_category == 'self' else new_category}"
    )

    response = admin_client.delete(f"{API}task/category/{doomed.pk}{query}")

    assert response.status_code == 400
    assert TaskCategory.objects.filter(pk=doomed.pk).exists()
    assert Task.objects.get().category == doomed
