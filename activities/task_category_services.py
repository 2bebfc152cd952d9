"""Writes on task categories (administrators only): create, update (its icon too), reorder by
title, delete (moving its tasks to another category). The rules every category list shares
(decision 13 of the wire contract, the locks) are `activities/category_services.py`'s."""

from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone

from accounts.models import User
from activities.category_services import CategoryList
from activities.models import Task, TaskCategory
from activities.task_selectors import TaskCategoryNotFound
from core.errors import InvalidInput

CATEGORY = "taskcategory"  # the entity of a category's errors (crm_project/api/wire_names.py)
TASK_CATEGORIES = CategoryList(
    model=TaskCategory, entity=CATEGORY, noun="task category", not_found=TaskCategoryNotFound
)


def task_category_create(*, created_by: User, **values) -> TaskCategory:
    """A new category (`title`, `description`, `image_name`, `color`, `sort_order`: 0 puts it
    last)."""
    return TASK_CATEGORIES.create(created_by=created_by, **values)


def task_category_update(*, category_id: int, updated_by: User, **changes) -> TaskCategory:
    """Change the named fields (omitted ones keep their value); only what changed is written."""
    return TASK_CATEGORIES.update(category_id=category_id, updated_by=updated_by, **changes)


def task_category_set_icon(*, category_id: int, image_name: str, updated_by: User) -> TaskCategory:
    return task_category_update(
        category_id=category_id, updated_by=updated_by, image_name=image_name
    )


def task_category_reorder(*, titles: Iterable[str] | None, reordered_by: User) -> list:
    """The categories named by title (any case) first, in that order, then the others (see
    `CategoryList.reorder`)."""
    return TASK_CATEGORIES.reorder(titles=titles, reordered_by=reordered_by)


def task_category_delete(
    *, category_id: int, deleted_by: User, new_category_id: int | None = None
) -> TaskCategory:
    """Delete a category, its tasks (those of trashed deals included) moved to
    `new_category_id`. The last category is a 400; so is a category in use with no other
    category named (missing, unknown or itself)."""

    def move_its_tasks(category: TaskCategory, categories: dict[int, TaskCategory]) -> None:
        tasks = Task.objects.filter(category_id=category.pk)
        if not tasks.exists():
            return
        target = categories.get(new_category_id) if new_category_id else None
        if target is None or target.pk == category.pk:
            raise InvalidInput(
                "Can't be deleted. There are some tasks with this category: name another "
                "category ({field}) to move them to.",
                field="new_category",
                entity=CATEGORY,
            )
        tasks.update(category=target, version=F("version") + 1, updated_at=timezone.now())

    return TASK_CATEGORIES.delete(
        category_id=category_id, deleted_by=deleted_by, release=move_its_tasks
    )
