"""Writes on task categories (administrators only): create, update (its icon too), reorder by
title, delete (moving its tasks to another category).

Decision 13 of the wire contract: a category in use may be renamed (its tasks follow it); a
title another category has, in any case, is a 400 (ONLYOFFICE answers the existing one); an
unknown title in a reorder is a 400 naming it (ONLYOFFICE: a 500). Every write locks every
category first: a title's uniqueness, the last category and the order are rules over all."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import Truncator

from accounts.models import User
from activities.models import Task, TaskCategory
from activities.task_selectors import TaskCategoryNotFound
from core.errors import Conflict, InvalidInput
from core.limits import check_integer, check_length
from core.locks import lock_rows
from core.services import require_admin

CATEGORY = "taskcategory"  # the entity of a category's errors (crm_project/api/wire_names.py)
CATEGORY_FIELDS = ("title", "description", "image_name", "color", "sort_order")


def _lock_categories() -> dict[int, TaskCategory]:
    return {category.pk: category for category in lock_rows(TaskCategory.objects.all())}


def _taken(title: str, *, exclude_id: int | None = None) -> InvalidInput | None:
    taken = TaskCategory.objects.filter(title__iexact=title)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        return _duplicate(title)
    return None


def _duplicate(title: str) -> InvalidInput:
    return InvalidInput(
        "A task category is already called “{title}” ({field}).",
        field="title",
        entity=CATEGORY,
        title=Truncator(title).chars(60),
    )


def _clean_title(title, *, exclude_id: int | None = None) -> str:
    title = str(title or "").strip()
    if not title:
        raise InvalidInput("The title ({field}) is required.", field="title", entity=CATEGORY)
    check_length(TaskCategory, "title", title)
    _check_storable("title", title)
    error = _taken(title, exclude_id=exclude_id)
    if error is not None:
        raise error
    return title


def _check_storable(name: str, value: str) -> None:
    if "\x00" in value:
        raise InvalidInput(
            "{field} contains a character that cannot be stored (U+0000).",
            field=name,
            entity=CATEGORY,
        )


def _clean_text(name: str, value) -> str:
    value = str(value or "").strip()
    _check_storable(name, value)
    return check_length(TaskCategory, name, value)


def _clean_sort_order(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | None):
        raise InvalidInput("{field} must be a whole number.", field="sort_order", entity=CATEGORY)
    return check_integer(TaskCategory, "sort_order", value or 0)


def _save_unique(category: TaskCategory, **kwargs) -> None:
    """Save; a concurrent insert of the same title (the unique index) is the same 400."""
    try:
        with transaction.atomic():
            category.save(**kwargs)
    except IntegrityError as exc:
        raise _duplicate(category.title) from exc


@transaction.atomic
def task_category_create(
    *,
    created_by: User,
    title: str,
    description: str = "",
    image_name: str = "",
    color: str = "",
    sort_order: int = 0,
) -> TaskCategory:
    """A new category; `sort_order` 0 puts it last."""
    require_admin(created_by)
    _lock_categories()
    category = TaskCategory(
        title=_clean_title(title),
        description=_clean_text("description", description),
        image_name=_clean_text("image_name", image_name),
        color=_clean_text("color", color),
        sort_order=_clean_sort_order(sort_order),
    )
    if not category.sort_order:
        last = TaskCategory.objects.aggregate(last=Max("sort_order"))["last"]
        category.sort_order = (last or 0) + 1
    _save_unique(category)
    return category


@transaction.atomic
def task_category_update(*, category_id: int, updated_by: User, **changes) -> TaskCategory:
    """Change the named fields (omitted ones keep their value); only what changed is written."""
    require_admin(updated_by)
    unknown = set(changes) - set(CATEGORY_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    category = _lock_categories().get(category_id)
    if category is None:
        raise TaskCategoryNotFound()
    changed = []
    for name, value in changes.items():
        if name == "title":
            value = _clean_title(value, exclude_id=category.pk)
        elif name == "sort_order":
            value = _clean_sort_order(value)
        else:
            value = _clean_text(name, value)
        if getattr(category, name) != value:
            setattr(category, name, value)
            changed.append(name)
    if changed:
        _save_unique(category, update_fields=changed)
    return category


def task_category_set_icon(*, category_id: int, image_name: str, updated_by: User) -> TaskCategory:
    return task_category_update(
        category_id=category_id, updated_by=updated_by, image_name=image_name
    )


@transaction.atomic
def task_category_reorder(*, titles: Iterable[str] | None, reordered_by: User) -> list:
    """The categories named by title (any case) first, in that order (positions from 0), then
    the others in their order. An unknown title is a 400 naming it; an empty list changes
    nothing and returns every category in its order."""
    require_admin(reordered_by)
    categories = sorted(_lock_categories().values(), key=lambda c: (c.sort_order, c.pk))
    by_title = {category.title.lower(): category for category in categories}
    named: list[TaskCategory] = []
    for title in titles or []:
        title = str(title).strip()
        category = by_title.get(title.lower())
        if category is None:
            raise InvalidInput(
                "{field}: there is no task category “{title}”.",
                field="titles",
                entity=CATEGORY,
                title=Truncator(title).chars(60),
            )
        if category not in named:
            named.append(category)
    if not named:
        return categories
    ordered = named + [category for category in categories if category not in named]
    for position, category in enumerate(ordered):
        category.sort_order = position
    TaskCategory.objects.bulk_update(ordered, ["sort_order"])
    return ordered


@transaction.atomic
def task_category_delete(
    *, category_id: int, deleted_by: User, new_category_id: int | None = None
) -> TaskCategory:
    """Delete a category, its tasks (those of trashed deals included) moved to
    `new_category_id`. The last category is a 400; so is a category in use with no other
    category named (missing, unknown or itself)."""
    require_admin(deleted_by)
    categories = _lock_categories()
    category = categories.get(category_id)
    if category is None:
        raise TaskCategoryNotFound()
    if len(categories) == 1:
        raise Conflict("The last task category cannot be deleted.")
    tasks = Task.objects.filter(category_id=category.pk)
    if tasks.exists():
        target = categories.get(new_category_id) if new_category_id else None
        if target is None or target.pk == category.pk:
            raise InvalidInput(
                "Can't be deleted. There are some tasks with this category: name another "
                "category ({field}) to move them to.",
                field="new_category",
                entity=CATEGORY,
            )
        tasks.update(category=target, version=F("version") + 1, updated_at=timezone.now())
    category.delete()
    category.pk = category_id
    return category
