"""crm/task/category routes: reads for every CRM user, writes for admins (403 before any
lookup). Decision 13: renames allowed in use, duplicates and unknown reorder titles are 400;
delete moves the tasks to `newcategoryid`."""

import pytest

from activities.models import Task, TaskCategory
from tests.activities.task_factories import API, TaskCategoryFactory, TaskFactory, task_category

CATEGORY_KEYS = {
    "id",
    "title",
    "description",
    "color",
    "sortOrder",
    "imagePath",
    "relativeItemsCount",
}


def test_list_gives_the_twelve_defaults_in_order_when_nothing_was_changed(user_client):
    response = user_client.get(f"{API}task/category.json")

    body = response.json()["response"]
    assert response.status_code == 200
    assert [c["title"] for c in body][:3] == ["Phone call", "Opportunity", "Demo"]
    assert len(body) == 12
    assert all(set(c) == CATEGORY_KEYS for c in body)
    assert body[0]["imagePath"].endswith("/static/img/tasks/task_category_call.png")


def test_read_one_counts_the_tasks_when_the_caller_can_read_them(user_client, user):
    category = task_category()
    TaskFactory(created_by=user, category=category)

    body = user_client.get(f"{API}task/category/{category.pk}").json()["response"]

    assert body["relativeItemsCount"] == 1
    assert user_client.get(f"{API}task/category/99999").status_code == 404


@pytest.mark.parametrize("body_format", ["json", "multipart"])
def test_create_answers_201_last_in_order_when_an_admin_sends_it(admin_client, body_format):
    response = admin_client.post(
        f"{API}task/category",
        {"title": "Site visit", "description": "On site", "imageName": "task_category_ship.png"},
        format=body_format,
    )

    assert response.status_code == 201
    body = response.json()["response"]
    assert body["title"] == "Site visit" and body["relativeItemsCount"] == 0
    assert body["sortOrder"] == 13
    assert TaskCategory.objects.filter(title="Site visit", description="On site").exists()


def test_create_is_400_when_the_title_is_taken_in_any_case(admin_client):
    response = admin_client.post(f"{API}task/category", {"title": "phone CALL"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"]["field"] == "title"
    assert TaskCategory.objects.count() == 12


def test_writes_are_403_when_the_caller_is_not_an_admin(user_client):
    category = task_category()
    for method, path in (
        ("post", "task/category"),
        ("put", f"task/category/{category.pk}"),
        ("put", f"task/category/{category.pk}/icon"),
        ("put", "task/category/reorder"),
        ("delete", f"task/category/{category.pk}"),
    ):
        response = getattr(user_client, method)(f"{API}{path}", {"title": "X"}, format="json")
        assert response.status_code == 403, path
    category.refresh_from_db()
    assert category.title == "Phone call"


def test_update_renames_a_category_in_use_and_keeps_what_was_not_sent(admin_client, user):
    category = task_category()
    TaskFactory(created_by=user, category=category)
    category.description = "Keep me"
    category.save()

    response = admin_client.put(
        f"{API}task/category/{category.pk}.json", {"title": "Call"}, format="json"
    )

    assert response.status_code == 200
    category.refresh_from_db()
    assert (category.title, category.description) == ("Call", "Keep me")


def test_update_is_400_when_renamed_to_another_categorys_title(admin_client):
    response = admin_client.put(
        f"{API}task/category/{task_category().pk}", {"title": "demo"}, format="json"
    )

    assert response.status_code == 400


def test_icon_changes_only_the_image_when_put(admin_client):
    category = task_category()

    response = admin_client.put(
        f"{API}task/category/{category.pk}/icon",
        {"imageName": "task_category_fax.png"},
        format="multipart",
    )

    assert response.status_code == 200
    assert response.json()["response"]["imagePath"].endswith("task_category_fax.png")
    category.refresh_from_db()
    assert (category.title, category.image_name) == ("Phone call", "task_category_fax.png")


def test_reorder_puts_the_named_titles_first_when_given_in_any_case(admin_client):
    response = admin_client.put(
        f"{API}task/category/reorder",
        {"titles": ["thank you", "Expression of gratitude", "Fax"]},
        format="json",
    )

    assert response.status_code == 400  # "thank you" is no title
    assert task_category("Phone call").sort_order == 1

    response = admin_client.put(
        f"{API}task/category/reorder",
        {"titles": ["expression of gratitude", "Fax"]},
        format="json",
    )
    assert response.status_code == 200
    titles = [c["title"] for c in response.json()["response"]]
    assert titles[:3] == ["Expression of gratitude", "Fax", "Phone call"]


def test_reorder_changes_nothing_when_the_list_is_empty(admin_client):
    response = admin_client.put(f"{API}task/category/reorder", {}, format="multipart")

    assert response.status_code == 200
    assert response.json()["response"][0]["title"] == "Phone call"


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


def test_delete_removes_an_unused_category_and_refuses_the_last(admin_client):
    for category in TaskCategory.objects.exclude(title="Note"):
        assert admin_client.delete(f"{API}task/category/{category.pk}").status_code == 200

    last = TaskCategory.objects.get()
    response = admin_client.delete(f"{API}task/category/{last.pk}")

    assert response.status_code == 400
    assert TaskCategory.objects.count() == 1
