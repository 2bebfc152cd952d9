from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q, QuerySet

from core.errors import InvalidInput, NotFound
from core.models import Currency, CustomFieldDefinition, ExchangeRate


def currency_base() -> Currency:
    return Currency.objects.get(is_basic=True)


def currency_get(*, abbreviation: str) -> Currency:
    """The currency by ISO code, in any case; NotFound when there is none."""
    currency = Currency.objects.filter(pk=abbreviation.upper()).first()
    if currency is None:
        raise NotFound("Currency not found")
    return currency


def currency_rates_to_base(base: Currency | None = None) -> dict[str, Decimal]:
    """Units of the base currency per unit of each currency that has a stored rate.

    A direct rate to the base is used; failing that, the inverse of a rate from the base."""
    base = base or currency_base()
    rates = {base.pk: Decimal(1)}
    for rate in ExchangeRate.objects.filter(to_currency=base):
        rates[rate.from_currency_id] = rate.rate
    for rate in ExchangeRate.objects.filter(from_currency=base):
        rates.setdefault(rate.to_currency_id, Decimal(1) / rate.rate)
    return rates


# -- custom field definitions --------------------------------------------------------------------


def custom_field_list(*, entity_type: str) -> QuerySet[CustomFieldDefinition]:
    return CustomFieldDefinition.objects.filter(entity_type=entity_type).order_by("position", "id")


def custom_field_get(*, entity_type: str, field_id: int) -> CustomFieldDefinition:
    definition = custom_field_list(entity_type=entity_type).filter(pk=field_id).first()
    if definition is None:
        raise NotFound("Custom field not found")
    return definition


# -- text search ---------------------------------------------------------------------------------


# A search is a few words: each is a LIKE over every field, and thousands of them (or one of
# megabytes) exceed what the databases take in one query (SQLite: "LIKE or GLOB pattern too
# complex", "Expression tree is too large").
SEARCH_MAX_WORDS = 20
SEARCH_MAX_LENGTH = 1000


def text_search_q(
    text: str,
    fields: Iterable[str],
    *,
    word_start: bool = False,
    guarded: Iterable[tuple[Q, Iterable[str]]] = (),
    entity: str | None = None,
) -> Q:
    """The one text search: every word of `text` (split on white space) must occur, in any
    case, in one of `fields`: anywhere in it, or with `word_start` at its start or after a
    space (ONLYOFFICE's SQL search). `guarded` adds (condition, fields) pairs whose fields
    count only where the condition holds (e.g. the names of a contact the user may read).
    No words: Q(), which matches everything. A longer search than SEARCH_MAX_WORDS words or
    SEARCH_MAX_LENGTH characters is InvalidInput on the field `text` of `entity`."""
    if len(text) > SEARCH_MAX_LENGTH or len(text.split()) > SEARCH_MAX_WORDS:
        raise InvalidInput(
            "{field} takes at most {words} words and {length} characters.",
            field="text",
            entity=entity or "search",
            words=SEARCH_MAX_WORDS,
            length=SEARCH_MAX_LENGTH,
        )
    fields, guarded = tuple(fields), [(condition, tuple(f)) for condition, f in guarded]

    def match(word: str, field: str) -> Q:
        if word_start:
            return Q(**{f"{field}__istartswith": word}) | Q(**{f"{field}__icontains": f" {word}"})
        return Q(**{f"{field}__icontains": word})

    condition = Q()
    for word in text.split():
        any_field = Q()
        for field in fields:
            any_field |= match(word, field)
        for guard, guarded_fields in guarded:
            names = Q()
            for field in guarded_fields:
                names |= match(word, field)
            any_field |= guard & names
        condition &= any_field
    return condition
