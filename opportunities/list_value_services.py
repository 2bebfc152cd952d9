"""Writes on the short lists admins edit for deals: lead sources, opportunity statuses and lost
reasons (administrators only). One small set for the three, taking the model.

A value's title is unique in its list in any case. A value a deal carries, in the trash too, is
never deleted (a lead source or status would silently vanish from those deals, a lost reason is
protected): it is retired instead (`is_active` off), which keeps it on those deals and takes it
out of the pickers. An unused value is deleted."""

from django.db import transaction
from django.db.models import Count, Model, Q
from django.utils.text import Truncator

from accounts.models import User
from core.errors import Conflict, InvalidInput
from core.limits import integer_range
from core.locks import lock_rows
from core.services import require_admin
from core.titled_lists import clean_sort_order, clean_unique_title, save_unique_title
from opportunities.models import LeadSource, LostReason, Opportunity, OpportunityStatus

#: each list -> the deal field that carries its values
CARRYING_FIELD: dict[type[Model], str] = {
    LeadSource: "source",
    OpportunityStatus: "status",
    LostReason: "lost_reason",
}
LIST_VALUE_FIELDS = ("title", "sort_order", "is_active")


def _noun(model: type[Model]) -> str:
    return str(model._meta.verbose_name)


def _names(model: type[Model]) -> dict[str, str]:
    """The entity of its errors and its noun in messages."""
    return {"entity": model._meta.model_name, "noun": _noun(model)}


def _clean_title(model: type[Model], title, *, exclude_id: int | None = None) -> str:
    return clean_unique_title(model, title, exclude_id=exclude_id, **_names(model))


def _clean_sort_order(model: type[Model], value) -> int:
    return clean_sort_order(model, value, entity=model._meta.model_name)


def _clean(model: type[Model], name: str, value, *, exclude_id: int | None = None):
    if name == "title":
        return _clean_title(model, value, exclude_id=exclude_id)
    if name == "sort_order":
        return _clean_sort_order(model, value)
    return bool(value)  # is_active


def _save_unique(value: Model, **kwargs) -> None:
    save_unique_title(value, **_names(type(value)), **kwargs)


def _check_known(model: type[Model]) -> None:
    if model not in CARRYING_FIELD:
        raise InvalidInput(f"Not a list of deal values: {model._meta.label}")


@transaction.atomic
def list_value_create(
    *, model: type[Model], created_by: User, title: str, sort_order=None, is_active=True
) -> Model:
    """A new lead source, status or lost reason; without a sort order it goes last."""
    require_admin(created_by)
    _check_known(model)
    list(lock_rows(model.objects.all()))  # a title's uniqueness is a rule over the list
    value = model(title=_clean_title(model, title), is_active=bool(is_active))
    if sort_order is None:
        last = model.objects.order_by("-sort_order").values_list("sort_order", flat=True).first()
        sort_order = min((last or 0) + 1, integer_range(model, "sort_order")[1])
    value.sort_order = _clean_sort_order(model, sort_order)
    _save_unique(value)
    return value


@transaction.atomic
def list_value_update(*, value: Model, updated_by: User, **changes) -> Model:
    """Change the named fields (`title`, `sort_order`, `is_active`: off retires the value);
    only what changed is written."""
    require_admin(updated_by)
    model = type(value)
    _check_known(model)
    unknown = set(changes) - set(LIST_VALUE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    locked = {row.pk: row for row in lock_rows(model.objects.all())}
    value = locked.get(value.pk)
    if value is None:
        raise InvalidInput(f"This {_noun(model)} was deleted meanwhile.")
    changed = []
    for name, new in changes.items():
        if new == getattr(value, name):
            continue  # as stored: nothing to check, nothing to write
        new = _clean(model, name, new, exclude_id=value.pk)
        if new != getattr(value, name):
            setattr(value, name, new)
            changed.append(name)
    if changed:
        _save_unique(value, update_fields=changed)
    return value


@transaction.atomic
def list_value_delete(*, value: Model, deleted_by: User) -> Model:
    """Delete a value no deal carries (trashed deals included); one in use is refused with how
    many deals carry it: retire it instead."""
    require_admin(deleted_by)
    model = type(value)
    _check_known(model)
    locked = lock_rows(model.objects.filter(pk=value.pk)).first()
    if locked is None:
        return value  # deleted meanwhile: nothing left to do
    value = locked
    field = CARRYING_FIELD[model]
    # the row lock above makes a deal write that would pick this value wait for us
    carried = Opportunity.all_objects.filter(**{field: value}).aggregate(
        deals=Count("pk"), trashed=Count("pk", filter=Q(deleted_at__isnull=False))
    )
    if carried["deals"]:
        raise _in_use(value, carried["deals"], carried["trashed"])
    value_id = value.pk
    value.delete()
    value.pk = value_id
    return value


def _in_use(value: Model, deals: int, trashed: int) -> Conflict:
    count = f"{deals} deal" if deals == 1 else f"{deals} deals"
    verb = "carries" if deals == 1 else "carry"
    if trashed:
        count += f" ({trashed} of them in the trash)" if deals > 1 else " (in the trash)"
    return Conflict(
        "“{title}” can't be deleted: {count} {verb} it. Untick Active to retire it instead: "
        "it stays on those deals and is no longer offered.",
        entity=value._meta.model_name,
        title=Truncator(value.title).chars(60),
        count=count,
        verb=verb,
    )
