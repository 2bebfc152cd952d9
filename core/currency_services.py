"""Writes on the currencies (administrators only): create, update, delete.

There is always exactly one base currency (the `currency_single_base` constraint): making
another one the base unsets the old one in the same transaction, and the cached counts and
sums are dropped when it commits (totals are read in the base). The base is never unticked
nor deleted, only replaced. A currency that records carry (a deal's bid, a contact's
currency) is not deleted; its exchange rates are its own and go with it."""

import re

from django.db import IntegrityError, models, transaction

from core.counts_cache import counts_invalidate
from core.errors import Conflict, InvalidInput
from core.limits import check_length
from core.locks import lock_rows
from core.models import Currency
from core.services import require_admin
from core.titled_lists import check_storable

ENTITY = "currency"
ISO_CODE = re.compile(r"[A-Z]{3}")
TEXT_FIELDS = ("title", "symbol", "culture_name")
CURRENCY_FIELDS = (*TEXT_FIELDS, "is_convertible", "is_basic")


def _invalid(message: str, field: str, **values) -> InvalidInput:
    return InvalidInput(message, field=field, entity=ENTITY, **values)


def _clean_text(name: str, value) -> str:
    text = str(value or "").strip()
    if name == "title" and not text:
        raise _invalid("The title is required.", name)
    check_storable(name, text, entity=ENTITY)
    return check_length(Currency, name, text)


def _clean(name: str, value):
    return _clean_text(name, value) if name in TEXT_FIELDS else bool(value)


def _clean_code(abbreviation) -> str:
    code = str(abbreviation or "").strip().upper()
    if not ISO_CODE.fullmatch(code):
        raise _invalid("{field} is three letters (ISO 4217: EUR, USD...).", "abbreviation")
    if Currency.objects.filter(pk=code).exists():
        raise _exists(code)
    return code


def _exists(code: str) -> InvalidInput:
    return _invalid("The currency {code} exists already ({field}).", "abbreviation", code=code)


def _lock_all() -> dict[str, Currency]:
    """Every currency, locked: which one is the base is a rule over them all (the old base,
    whichever it is by then, is unset by the same writer that sets the new one)."""
    return {currency.pk: currency for currency in lock_rows(Currency.objects.all())}


def _make_base(currency: Currency) -> None:
    """Unset the old base before saving `currency` as the base (the constraint holds at each
    statement), and drop the cached totals once this commits."""
    Currency.objects.filter(is_basic=True).exclude(pk=currency.pk).update(is_basic=False)
    counts_invalidate()


@transaction.atomic
def currency_create(
    *,
    created_by,
    abbreviation: str,
    title: str,
    symbol: str = "",
    culture_name: str = "",
    is_convertible: bool = True,
    is_basic: bool = False,
) -> Currency:
    """A new currency; `is_basic` makes it the base in place of the current one."""
    require_admin(created_by)
    _lock_all()
    values = {"title": title, "symbol": symbol, "culture_name": culture_name}
    currency = Currency(
        abbreviation=_clean_code(abbreviation),
        **{name: _clean(name, value) for name, value in values.items()},
        is_convertible=bool(is_convertible),
        is_basic=bool(is_basic),
    )
    if currency.is_basic:
        _make_base(currency)
    try:
        with transaction.atomic():
            currency.save(force_insert=True)
    except IntegrityError as exc:  # the same code, inserted meanwhile
        raise _exists(currency.pk) from exc
    return currency


@transaction.atomic
def currency_update(*, currency: Currency, updated_by, **changes) -> Currency:
    """Change the named fields (the ISO code is the key: it never changes); only what changed
    is written. `is_basic=True` moves the base here; unticking the base is refused."""
    require_admin(updated_by)
    unknown = set(changes) - set(CURRENCY_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    currencies = _lock_all()
    current = currencies.get(currency.pk)
    if current is None:
        raise _invalid(
            "The currency {code} was deleted meanwhile.", "abbreviation", code=currency.pk
        )
    changed = []
    for name, value in changes.items():
        value = _clean(name, value)
        if value != getattr(current, name):
            setattr(current, name, value)
            changed.append(name)
    if "is_basic" in changed:
        if not current.is_basic:
            raise _invalid(
                "There is always one base currency ({field}): make another currency the base "
                "instead.",
                "is_basic",
            )
        _make_base(current)
    if changed:
        current.save(update_fields=changed)
    return current


@transaction.atomic
def currency_delete(*, currency: Currency, deleted_by) -> Currency:
    """Delete a currency no record carries (deals in the trash included); the base currency
    and one in use are refused with why."""
    require_admin(deleted_by)
    locked = lock_rows(Currency.objects.filter(pk=currency.pk)).first()
    if locked is None:
        return currency  # deleted meanwhile: nothing left to do
    if locked.is_basic:
        raise Conflict(
            "{code} is the base currency: make another currency the base before deleting it.",
            entity=ENTITY,
            code=locked.pk,
        )
    carriers = _carriers(locked)
    if carriers:
        raise Conflict(
            "{code} can't be deleted: it is used by {carriers}.",
            entity=ENTITY,
            code=locked.pk,
            carriers=" and ".join(carriers),
        )
    locked.delete()
    return locked


def _carriers(currency: Currency) -> list[str]:
    """What carries the currency ("3 opportunities", "1 contact"): the records of every model
    that refers to it and is not a part of it (exchange rates are: CASCADE). Core cannot name
    the apps above it, so it walks the relations; the base managers count the trash too."""
    found = []
    relations = Currency._meta.get_fields(include_hidden=True)  # hidden: related_name="+"
    for relation in relations:
        if not relation.one_to_many or relation.on_delete is models.CASCADE:
            continue
        model = relation.related_model
        count = model._base_manager.filter(**{relation.field.name: currency}).count()
        if count:
            noun = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            found.append(f"{count} {noun}")
    return found
