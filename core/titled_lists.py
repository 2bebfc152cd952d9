"""The rules every short list admins edit shares (history and task categories, lead sources,
statuses, lost reasons): a title, required and unique in its list in any case; a whole sort
order; text the database can store. Each list's services name their model, the entity of their
errors (crm_project/api/wire_names.py) and their noun in messages."""

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.text import Truncator

from core.errors import InvalidInput
from core.limits import check_integer, check_length

NOT_STORABLE = "\x00"  # PostgreSQL text cannot hold U+0000


def check_storable(name: str, value: str, *, entity: str) -> None:
    if NOT_STORABLE in value:
        raise InvalidInput(
            "{field} contains a character that cannot be stored (U+0000).",
            field=name,
            entity=entity,
        )


def duplicate_title(title: str, *, entity: str, noun: str) -> InvalidInput:
    return InvalidInput(
        "A {noun} is already called “{title}” ({field}).",
        field="title",
        entity=entity,
        noun=noun,
        title=Truncator(title).chars(60),
    )


def clean_unique_title(
    model: type[Model], title, *, entity: str, noun: str, exclude_id: int | None = None
) -> str:
    """The stripped title, required, storable and not taken (in any case) by another row of
    `model` than `exclude_id`."""
    title = str(title or "").strip()
    if not title:
        raise InvalidInput("The title is required.", field="title", entity=entity)
    check_length(model, "title", title)
    check_storable("title", title, entity=entity)
    taken = model.objects.filter(title__iexact=title)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise duplicate_title(title, entity=entity, noun=noun)
    return title


def clean_sort_order(model: type[Model], value, *, entity: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("{field} must be a whole number.", field="sort_order", entity=entity)
    return check_integer(model, "sort_order", value)


def save_unique_title(row: Model, *, entity: str, noun: str, **save_kwargs) -> None:
    """Save; a concurrent insert of the same title (the unique index) is the same 400."""
    try:
        with transaction.atomic():
            row.save(**save_kwargs)
    except IntegrityError as exc:
        raise duplicate_title(row.title, entity=entity, noun=noun) from exc
