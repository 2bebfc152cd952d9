"""Values on the wire (contract §3): dates `yyyy-MM-dd`, date-times with their offset in
TIME_ZONE, amounts as integers rounded half up; in bodies, numbers as JSON numbers or numeric
text (`12,345` is 12345)."""

import re
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

from rambase.errors import invalid_value

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$", re.ASCII)
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})?)?$",
    re.ASCII | re.IGNORECASE,
)
YEARS = (2, 9999)


def format_datetime(value: datetime | None) -> str | None:
    """`yyyy-MM-ddTHH:mm:ss` plus `Z` or the offset of TIME_ZONE."""
    if value is None:
        return None
    local = timezone.localtime(value)
    offset = local.utcoffset()
    if not offset:
        suffix = "Z"
    else:
        minutes = round(offset.total_seconds() / 60)
        sign = "+" if minutes >= 0 else "-"
        suffix = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return (
        f"{local.year:04d}-{local.month:02d}-{local.day:02d}T"
        f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}{suffix}"
    )


def local_date(value: datetime | None) -> date | None:
    return None if value is None else timezone.localdate(value)


def format_date(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    day = local_date(value) if isinstance(value, datetime) else value
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def amount(value: Decimal | None) -> int:
    """RamBase's amounts are integers: rounded half up (4073.85 -> 4074)."""
    return int(Decimal(value or 0).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def number_text(value, path: str) -> str | None:
    """A number from a body as text ("12,345" -> "12345"), None for null or empty text; a
    value of another type is 400 990001 naming `path`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | dict | list):
        raise invalid_value(f"{path} must be a number.", path)
    text = str(value).strip()
    if not _NUMBER.match(text):
        raise invalid_value(f"{path} must be a number.", path)
    return text.replace(",", "")


def whole_number(value, path: str) -> int | None:
    text = number_text(value, path)
    if text is None:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise invalid_value(f"{path} must be a whole number.", path) from exc
    if number != number.to_integral_value() or abs(number) > 2**63:
        raise invalid_value(f"{path} must be a whole number.", path)
    return int(number)


def text_value(value, path: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list | bool):
        raise invalid_value(f"{path} must be text.", path)
    return str(value)


def parse_date(value, path: str) -> datetime | None:
    """A Date (`yyyy-MM-dd`; a date-time is taken as its day in TIME_ZONE), stored at midnight
    in TIME_ZONE; null or empty text is None."""
    text = text_value(value, path)
    if text is None or not text.strip():
        return None
    return midnight(parse_day(text.strip(), path))


def parse_day(text: str, path: str) -> date:
    moment = parse_moment(text, path)
    return timezone.localdate(moment) if isinstance(moment, datetime) else moment


def parse_moment(text: str, path: str) -> date | datetime:
    """`yyyy-MM-dd` (a date) or a date-time with an offset, `Z` or none (= TIME_ZONE)."""
    if not _DATETIME.match(text):
        raise invalid_value(f"{path}: '{text[:40]}' is not a date (yyyy-MM-dd).", path)
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            if not YEARS[0] <= day.year <= YEARS[1]:
                raise ValueError
            return day
        moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        if not YEARS[0] <= moment.year <= YEARS[1]:
            raise ValueError
        return moment
    except (ValueError, OverflowError) as exc:
        raise invalid_value(f"{path}: '{text[:40]}' is not a valid date.", path) from exc
