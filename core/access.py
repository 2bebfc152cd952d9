"""Access lists of private records, stored in guardian's direct foreign-key permission tables,
and the rule of who may read a record: written once, as SQL and as a Python predicate.

Opportunities and contacts share the mechanism: a private record is visible to the users holding
its `view_<model>` object permission. Public records are visible through `is_private=False`, never
by granting every user a permission.
"""

from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass

from django.db.models import Model, Prefetch, Q, QuerySet
from guardian.shortcuts import assign_perm


def view_codename(model: type[Model]) -> str:
    return f"view_{model._meta.model_name}"


def access_list_user_ids(perm_model: type[Model], obj: Model) -> set[int]:
    codename = view_codename(type(obj))
    return set(
        perm_model.objects.filter(content_object=obj, permission__codename=codename).values_list(
            "user_id", flat=True
        )
    )


def prefetched_access_user_ids(perm_model: type[Model], obj: Model) -> set[int]:
    """The access list's user ids from the rows prefetched as `access_permissions`, else one
    query (`access_list_user_ids`)."""
    rows = getattr(obj, "access_permissions", None)
    if rows is not None:
        return {row.user_id for row in rows}
    return access_list_user_ids(perm_model, obj)


def access_list_prefetch(
    perm_model: type[Model], *, through: str = "", with_users: bool = True
) -> Prefetch:
    """The access-list rows of each record (or of its related record `through`, e.g.
    "company") as `access_permissions`, the attribute the readers below look for."""
    lookup = f"{perm_model._meta.model_name}_set"
    rows = (
        perm_model.objects.select_related("user").order_by("user_id")
        if with_users
        else perm_model.objects.only("user_id", "content_object")
    )
    return Prefetch(
        f"{through}__{lookup}" if through else lookup, queryset=rows, to_attr="access_permissions"
    )


def access_list_users(perm_model: type[Model], obj: Model) -> list:
    """The users on the access list, by id; the prefetched rows (`access_list_prefetch`, with
    users) when present, else one query."""
    rows = getattr(obj, "access_permissions", None)
    if rows is None:
        rows = perm_model.objects.filter(content_object=obj).select_related("user")
    return sorted({row.user_id: row.user for row in rows}.values(), key=lambda u: u.pk)


def replace_access_list(perm_model: type[Model], obj: Model, users: Iterable) -> list:
    """Make `users` exactly the access list of `obj`; returns the users newly added."""
    codename = view_codename(type(obj))
    users = list({user.pk: user for user in users}.values())
    wanted_ids = {user.pk for user in users}
    current_ids = access_list_user_ids(perm_model, obj)
    perm_model.objects.filter(content_object=obj, permission__codename=codename).exclude(
        user_id__in=wanted_ids
    ).delete()
    added = [user for user in users if user.pk not in current_ids]
    if added:
        assign_perm(codename, added, obj)
    return added


def clear_access_list(perm_model: type[Model], obj: Model) -> None:
    perm_model.objects.filter(content_object=obj).delete()


@dataclass(frozen=True)
class AccessRule:
    """Who passes: nobody without CRM access (`may_use`), every admin (`user.is_crm_admin`),
    the owners (the users in `owners`, e.g. "created_by"), and, with an `access_list` table,
    anyone on a public record and the access list of a private one.

    One rule, read three ways that cannot drift apart: `q` (SQL, also through a relation),
    `filter` (a queryset) and `allows`/`allows_row` (a loaded object or row, in Python)."""

    may_use: Callable[[object], bool]
    owners: tuple[str, ...]
    access_list: type[Model] | None = None

    def reach(self, user) -> bool | None:
        """True: every row passes (an admin); False: none does; None: the row decides."""
        if not self.may_use(user):
            return False
        return True if user.is_crm_admin else None

    def _row_q(self, user, prefix: str) -> Q:
        condition = Q()
        if self.access_list is not None:
            # `pk IN (the user's list)`, not a correlated EXISTS: PostgreSQL runs the subquery
            # once and hashes it; under the OR an EXISTS is costed per row (about 1M for 100000
            # rows), which trips JIT compilation (hundreds of ms) and bad join orders.
            record = self.access_list._meta.get_field("content_object").related_model
            on_access_list = self.access_list.objects.filter(
                user=user, permission__codename=view_codename(record)
            ).values("content_object_id")
            condition = Q(**{f"{prefix}is_private": False}) | Q(
                **{f"{prefix}pk__in": on_access_list}
            )
        for field in self.owners:
            condition |= Q(**{f"{prefix}{field}": user})
        return condition

    def q(self, user, *, through: str = "") -> Q:
        """The rule as one SQL condition over the model, or over the relation `through` of
        another model (true only where the related row exists and passes)."""
        reach = self.reach(user)
        key = f"{through}__isnull" if through else "pk__isnull"
        if reach is False:
            return Q(**{key: False}) & Q(**{key: True})  # never true
        if reach is True:
            return Q(**{key: False})
        return self._row_q(user, f"{through}__" if through else "")

    def filter(self, queryset: QuerySet, user) -> QuerySet:
        reach = self.reach(user)
        if reach is None:
            return queryset.filter(self._row_q(user, ""))
        return queryset if reach else queryset.none()

    def allows_row(
        self,
        user,
        *,
        is_private: bool,
        owner_ids: Iterable[int | None],
        access_user_ids: Callable[[], Container[int]],
    ) -> bool:
        """The rule over plain values (e.g. a `values_list` row, `owner_ids` in the order of
        `owners`); `access_user_ids` is called only when nothing else decides."""
        reach = self.reach(user)
        if reach is not None:
            return reach
        if user.pk in owner_ids:
            return True
        if self.access_list is None:
            return False
        return not is_private or user.pk in access_user_ids()

    def allows(
        self, user, obj, *, access_user_ids: Callable[[], Container[int]] | None = None
    ) -> bool:
        """`allows_row` for a loaded object or row with `is_private` and the owners'
        `<field>_id`; the access list from `access_user_ids`, else the prefetched
        `access_permissions`, else one query."""
        if access_user_ids is None:
            access_list = self.access_list

            def access_user_ids():
                return prefetched_access_user_ids(access_list, obj)

        return self.allows_row(
            user,
            is_private=getattr(obj, "is_private", True),
            owner_ids=[getattr(obj, f"{field}_id") for field in self.owners],
            access_user_ids=access_user_ids,
        )
