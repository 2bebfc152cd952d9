"""Access lists of private records, stored in guardian's direct foreign-key permission tables.

Opportunities and contacts share the mechanism: a private record is visible to the users holding
its `view_<model>` object permission. Public records are visible through `is_private=False`, never
by granting every user a permission.
"""

from collections.abc import Iterable

from django.db.models import Model, Q
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


def visible_q(perm_model: type[Model], model: type[Model], user, *owner_fields: str) -> Q:
    """Rows `user` may read: public ones, those they own through `owner_fields`, and those whose
    access list holds them. One SQL condition, usable in any queryset of `model`."""
    # `pk IN (the user's list)`, not a correlated EXISTS: PostgreSQL runs the subquery once
    # and hashes it; under the OR an EXISTS is costed per row (about 1M for 100000 rows),
    # which trips JIT compilation (hundreds of ms) and bad join orders.
    on_access_list = perm_model.objects.filter(
        user=user, permission__codename=view_codename(model)
    ).values("content_object_id")
    condition = Q(is_private=False) | Q(pk__in=on_access_list)
    for field in owner_fields:
        condition |= Q(**{field: user})
    return condition
