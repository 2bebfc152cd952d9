"""The writes every category list admins edit shares (history and task categories, the same
`Category` shape): create, update (its icon too), reorder by title, delete.

Decision 13 of the wire contract: a category in use may be renamed (what uses it follows); a
title another category has, in any case, is a 400 (ONLYOFFICE answers the existing one); an
unknown title in a reorder is a 400 naming it (ONLYOFFICE: a 500). Every write locks every
category first: a title's uniqueness, the last category and the order are rules over all.
What uses a category (events refuse a delete, tasks move) stays with each list's services."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.text import Truncator

from accounts.models import User
from activities.models import Category
from core.errors import Conflict, InvalidInput, NotFound
from core.limits import check_length
from core.locks import lock_rows
from core.services import require_admin
from core.titled_lists import (
    check_storable,
    clean_sort_order,
    clean_unique_title,
    save_unique_title,
)

CATEGORY_FIELDS = ("title", "description", "image_name", "color", "sort_order")


@dataclass(frozen=True)
class CategoryList:
    """One list of categories: its model, the entity of its errors
    (crm_project/api/wire_names.py), its name in messages and its 404."""

    model: type[Category]
    entity: str
    noun: str  # "history category"
    not_found: type[NotFound]

    def _lock_all(self) -> dict[int, Category]:
        return {category.pk: category for category in lock_rows(self.model.objects.all())}

    def _locked(self, category_id: int) -> tuple[Category, dict[int, Category]]:
        categories = self._lock_all()
        category = categories.get(category_id)
        if category is None:
            raise self.not_found()
        return category, categories

    def _clean_title(self, title, *, exclude_id: int | None = None) -> str:
        return clean_unique_title(
            self.model, title, entity=self.entity, noun=self.noun, exclude_id=exclude_id
        )

    def _clean_text(self, name: str, value) -> str:
        value = str(value or "").strip()
        check_storable(name, value, entity=self.entity)
        return check_length(self.model, name, value)

    def _clean_sort_order(self, value) -> int:
        # a category without a sort order goes last (0)
        return clean_sort_order(self.model, 0 if value is None else value, entity=self.entity)

    def _clean(self, name: str, value, *, category_id: int | None = None):
        if name == "title":
            return self._clean_title(value, exclude_id=category_id)
        if name == "sort_order":
            return self._clean_sort_order(value)
        return self._clean_text(name, value)

    def _save_unique(self, category: Category, **kwargs) -> None:
        save_unique_title(category, entity=self.entity, noun=self.noun, **kwargs)

    @transaction.atomic
    def create(
        self,
        *,
        created_by: User,
        title: str,
        description: str = "",
        image_name: str = "",
        color: str = "",
        sort_order: int = 0,
    ) -> Category:
        """A new category; `sort_order` 0 puts it last."""
        require_admin(created_by)
        self._lock_all()
        category = self.model(
            title=self._clean_title(title),
            description=self._clean_text("description", description),
            image_name=self._clean_text("image_name", image_name),
            color=self._clean_text("color", color),
            sort_order=self._clean_sort_order(sort_order),
        )
        if not category.sort_order:
            last = self.model.objects.aggregate(last=Max("sort_order"))["last"]
            category.sort_order = (last or 0) + 1
        self._save_unique(category)
        return category

    @transaction.atomic
    def update(self, *, category_id: int, updated_by: User, **changes) -> Category:
        """Change the named fields (omitted ones keep their value); only what changed is
        written."""
        require_admin(updated_by)
        unknown = set(changes) - set(CATEGORY_FIELDS)
        if unknown:
            raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
        category, _ = self._locked(category_id)
        changed = []
        for name, value in changes.items():
            value = self._clean(name, value, category_id=category.pk)
            if getattr(category, name) != value:
                setattr(category, name, value)
                changed.append(name)
        if changed:
            self._save_unique(category, update_fields=changed)
        return category

    @transaction.atomic
    def reorder(self, *, titles: Iterable[str] | None, reordered_by: User) -> list[Category]:
        """The categories named by title (any case) first, in that order (positions from 0),
        then the others in their order. An unknown title is a 400 naming it; an empty list
        changes nothing and returns every category in its order."""
        require_admin(reordered_by)
        categories = sorted(self._lock_all().values(), key=lambda c: (c.sort_order, c.pk))
        by_title = {category.title.lower(): category for category in categories}
        named: list[Category] = []
        for title in titles or []:
            title = str(title).strip()
            category = by_title.get(title.lower())
            if category is None:
                raise InvalidInput(
                    "{field}: there is no {noun} “{title}”.",
                    field="titles",
                    entity=self.entity,
                    noun=self.noun,
                    title=Truncator(title).chars(60),
                )
            if category not in named:
                named.append(category)
        if not named:
            return categories
        ordered = named + [category for category in categories if category not in named]
        for position, category in enumerate(ordered):
            category.sort_order = position
        self.model.objects.bulk_update(ordered, ["sort_order"])
        return ordered

    @transaction.atomic
    def delete(
        self,
        *,
        category_id: int,
        deleted_by: User,
        release: Callable[[Category, dict[int, Category]], None],
    ) -> Category:
        """Delete a category but the last one, once `release(category, categories)` has
        dealt with what uses it (or refused). Returns it as it was, its id kept."""
        require_admin(deleted_by)
        category, categories = self._locked(category_id)
        if len(categories) == 1:
            raise Conflict(f"The last {self.noun} cannot be deleted")
        release(category, categories)
        category.delete()
        category.pk = category_id
        return category
