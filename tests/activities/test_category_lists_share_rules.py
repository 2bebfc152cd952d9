"""History and task categories follow the same rules (activities/category_services.py) on the
same routes (activities/api/category_views.py): reads for every CRM user, writes for admins
(403 first, nothing changed); a title is required and unique in any case, a category in use may
be renamed, a reorder names categories by title in any case and refuses an unknown or malformed
one, the last category stays. Asserted on both routes; what each list does with what uses a
category it deletes is in test_history_category_routes.py and test_task_category_routes.py."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from activities.models import Category, HistoryCategory, TaskCategory
from tests.activities.history_factories import HistoryCategoryFactory, HistoryEventFactory
from tests.activities.task_factories import TaskCategoryFactory, TaskFactory

API = "/api/2.0/crm/"
CATEGORY_KEYS = {
    "id",
    "title",
    "description",
    "color",
    "sortOrder",
    "imagePath",
    "relativeItemsCount",
}


@dataclass(frozen=True)
class CategoryRoutes:
    """One list of categories as its routes answer it."""

    route: str
    model: type[Category]
    noun: str
    first_defaults: list[str]  # the first titles the migration creates, in their order
    default_count: int
    first_image_path: str  # how the first default's icon is served
    other_image: str  # an icon the first default does not have
    factory: Callable[..., Category]
    use: Callable[[Category], object]  # a row that uses the category

    def order(self) -> list[tuple[str, int]]:
        return list(
            self.model.objects.order_by("sort_order", "pk").values_list("title", "sort_order")
        )

    def titles_in_order(self) -> list[str]:
        return [title for title, _ in self.order()]

    def first(self) -> Category:
        return self.model.objects.order_by("sort_order", "pk").first()


HISTORY = CategoryRoutes(
    route="history/category",
    model=HistoryCategory,
    noun="history category",
    first_defaults=["Note", "Email", "Phone call", "Appointment"],
    default_count=4,
    first_image_path="/event_category_note.png",
    other_image="event_category_email.png",
    factory=HistoryCategoryFactory,
    use=lambda category: HistoryEventFactory(category=category),
)
TASKS = CategoryRoutes(
    route="task/category",
    model=TaskCategory,
    noun="task category",
    first_defaults=["Phone call", "Opportunity", "Demo"],
    default_count=12,
    first_image_path="/static/img/tasks/task_category_call.png",
    other_image="task_category_fax.png",
    factory=TaskCategoryFactory,
    use=lambda category: TaskFactory(category=category),
)
LISTS = [pytest.param(HISTORY, id="history"), pytest.param(TASKS, id="task")]
with_each_list = pytest.mark.parametrize("categories", LISTS)


def _error(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]


# -- reads ----------------------------------------------------------------------------------------


@with_each_list
def test_list_answers_onlyoffices_defaults_in_order_when_nothing_was_changed(
    user_client, categories
):
    response = user_client.get(f"{API}{categories.route}.json")

    assert response.status_code == 200
    body = response.json()["response"]
    titles = [c["title"] for c in body]
    assert titles[: len(categories.first_defaults)] == categories.first_defaults
    assert len(body) == categories.default_count
    assert all(set(c) == CATEGORY_KEYS for c in body)
    assert body[0]["imagePath"].endswith(categories.first_image_path)


# -- create ---------------------------------------------------------------------------------------


@with_each_list
@pytest.mark.parametrize("body_format", ["multipart", "json"])
def test_create_adds_a_category_last_when_an_admin_sends_it(admin_client, categories, body_format):
    response = admin_client.post(
        f"{API}{categories.route}",
        {"title": " Visit ", "description": "On site", "imageName": categories.other_image},
        format=body_format,
    )

    assert response.status_code == 201
    body = response.json()["response"]
    assert body["title"] == "Visit" and body["relativeItemsCount"] == 0
    assert body["sortOrder"] == categories.default_count + 1
    assert categories.titles_in_order()[-1] == "Visit"
    created = categories.model.objects.get(title="Visit")
    assert (created.description, created.image_name) == ("On site", categories.other_image)


@with_each_list
def test_create_is_400_naming_the_title_when_it_is_blank_or_taken_in_another_case(
    admin_client, categories
):
    taken = categories.first().title
    route = f"{API}{categories.route}"

    blank = _error(admin_client.post(route, {"title": "   "}, format="json"))
    twin = _error(admin_client.post(route, {"title": taken.upper()}, format="json"))

    assert blank["message"] == "The title is required."
    assert blank["data"]["field"] == "title"
    assert twin["message"].startswith(f"A {categories.noun} is already called “{taken.upper()}”")
    assert twin["data"]["field"] == "title"
    assert categories.model.objects.count() == categories.default_count


@with_each_list
def test_create_is_400_naming_the_title_when_none_is_sent(admin_client, categories):
    error = _error(admin_client.post(f"{API}{categories.route}", {"imageName": "x.png"}))

    assert error["data"]["field"] == "title"
    assert categories.model.objects.count() == categories.default_count


# -- update ---------------------------------------------------------------------------------------


@with_each_list
@pytest.mark.parametrize(("suffix", "body_format"), [("", "multipart"), (".json", "json")])
def test_update_renames_a_category_in_use_and_keeps_the_fields_not_sent(
    admin_client, categories, suffix, body_format
):
    category = categories.first()
    categories.use(category)
    category.description = "Keep me"
    category.save()

    response = admin_client.put(
        f"{API}{categories.route}/{category.pk}{suffix}", {"title": "Memo"}, format=body_format
    )

    assert response.status_code == 200
    body = response.json()["response"]
    assert body["title"] == "Memo" and body["relativeItemsCount"] == 1
    image_name = category.image_name
    category.refresh_from_db()
    assert (category.title, category.description, category.image_name) == (
        "Memo",
        "Keep me",
        image_name,
    )


@with_each_list
@pytest.mark.parametrize("suffix", ["", ".json"])
def test_update_is_400_and_changes_nothing_when_renamed_to_another_categorys_title(
    admin_client, categories, suffix
):
    category = categories.first()
    other_title = categories.first_defaults[1].lower()

    error = _error(
        admin_client.put(
            f"{API}{categories.route}/{category.pk}{suffix}", {"title": other_title}, format="json"
        )
    )

    assert error["data"]["field"] == "title"
    category.refresh_from_db()
    assert category.title == categories.first_defaults[0]


@with_each_list
def test_update_is_404_and_changes_nothing_when_the_category_is_unknown(admin_client, categories):
    before = categories.order()

    response = admin_client.put(f"{API}{categories.route}/99999", {"title": "x"})

    assert response.status_code == 404
    assert categories.order() == before


@with_each_list
def test_icon_changes_only_the_image_when_put(admin_client, categories):
    category = categories.first()
    title = category.title

    response = admin_client.put(
        f"{API}{categories.route}/{category.pk}/icon",
        {"imageName": categories.other_image},
        format="multipart",
    )

    assert response.status_code == 200
    assert response.json()["response"]["imagePath"].endswith(f"/{categories.other_image}")
    category.refresh_from_db()
    assert (category.title, category.image_name) == (title, categories.other_image)


# -- reorder --------------------------------------------------------------------------------------


@with_each_list
@pytest.mark.parametrize("body_format", ["multipart", "json"])
def test_reorder_puts_the_titles_named_in_any_case_first_when_they_all_exist(
    admin_client, categories, body_format
):
    before = categories.titles_in_order()
    wanted = [before[-1], before[0]]

    response = admin_client.put(
        f"{API}{categories.route}/reorder",
        {"titles": [title.lower() for title in wanted]},
        format=body_format,
    )

    assert response.status_code == 200
    assert [c["title"] for c in response.json()["response"]] == wanted + before[1:-1]
    assert categories.titles_in_order() == wanted + before[1:-1]


@with_each_list
def test_reorder_is_400_and_changes_nothing_when_a_title_is_unknown_or_not_text(
    admin_client, categories
):
    before = categories.order()
    known = before[-1][0]
    route = f"{API}{categories.route}/reorder"

    unknown = _error(admin_client.put(route, {"titles": [known, "Nope"]}, format="json"))
    not_text = _error(admin_client.put(route, {"titles": [known, {"a": 1}]}, format="json"))
    with_suffix = _error(
        admin_client.put(f"{route}.json", {"titles": [known, "Nope"]}, format="json")
    )

    assert unknown["message"] == f"titles: there is no {categories.noun} “Nope”."
    assert not_text["message"] == "titles must hold titles."
    assert unknown["data"]["field"] == not_text["data"]["field"] == "titles"
    assert with_suffix["data"]["field"] == "titles"
    assert categories.order() == before


@with_each_list
@pytest.mark.parametrize("body", [None, {}], ids=["no-body", "empty-form"])
def test_reorder_changes_nothing_when_no_titles_are_sent(admin_client, categories, body):
    before = categories.order()

    response = admin_client.put(f"{API}{categories.route}/reorder", body, format="multipart")

    assert response.status_code == 200
    assert [c["title"] for c in response.json()["response"]] == [t for t, _ in before]
    assert categories.order() == before


# -- delete ---------------------------------------------------------------------------------------


@with_each_list
def test_delete_removes_each_unused_category_until_the_last(admin_client, categories):
    categories.factory(title="Visit")
    kept = categories.first()

    for category in categories.model.objects.exclude(pk=kept.pk):
        response = admin_client.delete(f"{API}{categories.route}/{category.pk}")
        assert response.status_code == 200, category.title
        assert response.json()["response"]["title"] == category.title

    assert list(categories.model.objects.all()) == [kept]
    assert admin_client.delete(f"{API}{categories.route}/{kept.pk}").status_code == 400
    assert categories.model.objects.count() == 1


@with_each_list
def test_delete_is_400_and_keeps_it_when_it_is_the_last_category(admin_client, categories):
    last = categories.first()
    categories.model.objects.exclude(pk=last.pk).delete()

    error = _error(admin_client.delete(f"{API}{categories.route}/{last.pk}"))

    assert error["message"] == f"The last {categories.noun} cannot be deleted"
    assert categories.model.objects.filter(pk=last.pk).exists()


# -- who may write --------------------------------------------------------------------------------


@with_each_list
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "", {"title": "Visit"}),
        ("put", "/{id}", {"title": "Visit"}),
        ("put", "/{id}/icon", {"imageName": "x.png"}),
        ("put", "/reorder", {"titles": ["Email"]}),
        ("delete", "/{id}", None),
    ],
)
def test_writes_are_403_and_change_nothing_when_the_caller_is_not_an_admin(
    client_for, user, categories, method, path, body
):
    category = categories.first()
    before = list(categories.model.objects.order_by("pk").values())
    url = f"{API}{categories.route}{path.format(id=category.pk)}"

    for client in (client_for(user), client_for(user, bearer=True)):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403

    assert list(categories.model.objects.order_by("pk").values()) == before
