"""Template helpers of the pipeline pages: money, plain numbers for data attributes, initials."""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone

from core.models import FieldType

register = template.Library()


def _grouped(amount: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    return f"{amount.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


@register.filter
def money(amount, currency=None) -> str:
    """`€1,250`, `$1,250.50`, or `1,250 XYZ` when the currency has no symbol. Cents are shown
    only when there are some."""
    if amount is None or amount == "":
        amount = Decimal(0)
    amount = Decimal(amount)
    places = 0 if amount == amount.to_integral_value() else 2
    text = _grouped(amount, places)
    if currency is None:
        return text
    symbol = getattr(currency, "symbol", "") or ""
    code = getattr(currency, "abbreviation", str(currency))
    return f"{symbol}{text}" if symbol else f"{text} {code}"


@register.filter
def money_short(amount, currency=None) -> str:
    """Compact money for column headers: `$9,500`, `$12.5k`, `$3.2M`."""
    amount = Decimal(amount or 0)
    text = _grouped(amount, 0)
    for threshold, size, suffix in ((10**9, 10**9, "B"), (10**6, 10**6, "M"), (10**4, 1000, "k")):
        if abs(amount) >= threshold:
            scaled = (amount / size).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            text = f"{scaled:,.1f}".removesuffix(".0") + suffix
            break
    symbol = getattr(currency, "symbol", "") or ""
    code = getattr(currency, "abbreviation", "")
    return f"{symbol}{text}" if symbol else f"{text} {code}".strip()


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
