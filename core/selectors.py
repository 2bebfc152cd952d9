from decimal import Decimal

from django.db.models import QuerySet

from core.errors import NotFound
from core.models import Currency, CustomFieldDefinition, ExchangeRate


def currency_base() -> Currency:
    return Currency.objects.get(is_basic=True)


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
