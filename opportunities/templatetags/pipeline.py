"""Template helpers of the pipeline pages: money, plain numbers for data attributes, initials."""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.html import format_html

from core.models import FieldType
from opportunities.models import BidType

register = template.Library()


def number_separators() -> tuple[str, str]:
    """(thousands, decimal) separators of the active language, as Django's formats give them."""
    return get_format("THOUSAND_SEPARATOR"), get_format("DECIMAL_SEPARATOR")


def _grouped(amount: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    text = f"{amount.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"
    thousands, decimal = number_separators()
    return text.translate({ord(","): thousands, ord("."): decimal})


def money_affixes(currency) -> tuple[str, str]:
    """What goes before and after the number: the symbol before, or the code after."""
    symbol = getattr(currency, "symbol", "") or ""
    if symbol:
        return symbol, ""
    return "", f" {getattr(currency, 'abbreviation', str(currency))}"


@register.filter
def money(amount, currency=None) -> str:
    """`€1,250`, `$1,250.50`, or `1,250 XYZ` when the currency has no symbol, with the active
    language's separators. Cents are shown only when there are some. The one money format of
    the pages: board.js formats the totals it updates with the same rule (`money_format`)."""
    if amount is None or amount == "":
        amount = Decimal(0)
    amount = Decimal(amount)
    places = 0 if amount == amount.to_integral_value() else 2
    text = _grouped(amount, places)
    if currency is None:
        return text
    before, after = money_affixes(currency)
    return f"{before}{text}{after}"


@register.simple_tag
def money_format(currency) -> str:
    """Data attributes telling board.js how `money` formats amounts in `currency`."""
    before, after = money_affixes(currency)
    thousands, decimal = number_separators()
    return format_html(
        'data-money-before="{}" data-money-after="{}" data-money-thousands="{}" '
        'data-money-decimal="{}"',
        before,
        after,
        thousands,
        decimal,
    )


PERIODS = {
    BidType.PER_HOUR: "hour",
    BidType.PER_DAY: "day",
    BidType.PER_WEEK: "week",
    BidType.PER_MONTH: "month",
    BidType.PER_YEAR: "year",
}


@register.filter
def bid_period(bid_type) -> str:
    """`month` for a per-month bid; empty for a fixed bid."""
    return PERIODS.get(bid_type, "")


@register.filter
def plain_number(amount) -> str:
    """A machine-readable number for data attributes: `12345.50`."""
    return f"{Decimal(amount or 0).quantize(Decimal('0.01')):f}"


@register.filter
def initials(user) -> str:
    if user is None:
        return "?"
    name = user.get_display_name() if hasattr(user, "get_display_name") else str(user)
    parts = [part for part in name.replace(".", " ").split() if part]
    return "".join(part[0] for part in parts[:2]).upper() or "?"


@register.filter
def custom_value(value) -> str:
    """A stored custom field value as people read it."""
    kind = value.field.field_type
    if kind == FieldType.CHECK_BOX:
        return "Yes" if value.value == "true" else "No"
    if kind == FieldType.DATE:
        try:
            return date.fromisoformat(value.value).strftime("%b %-d, %Y")
        except ValueError:
            return value.value
    return value.value


@register.filter
def days_since(moment) -> int:
    if moment is None:
        return 0
    return (timezone.now() - moment).days


CSS_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$")


@register.filter
def css_color(value, default="#94a3b8") -> str:
    """A stage colour safe to put in a style attribute; anything else gets the default."""
    value = (value or "").strip()
    return value if CSS_COLOR.match(value) else default
