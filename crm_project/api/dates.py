"""ONLYOFFICE's ApiDateTime: one format out, the listed formats in, tenant time zone."""

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from datetime import timezone as dt_timezone

from django.utils import timezone

from core.errors import InvalidInput

# Unset dates are written as .NET's DateTime.MinValue.
EMPTY_DATE = "0001-01-01T00:00:00.0000000Z"

_INPUT = re.compile(
    r"""^(?P<date>\d{4}-\d{2}-\d{2})
        (?:[T\s](?P<h>\d{2})[:\-](?P<m>\d{2})(?:[:\-](?P<s>\d{2})(?:\.(?P<frac>\d{1,7}))?)?)?
        (?P<tz>Z|[+\-]\d{2}:?\d{2})?\Z""",
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)


def format_datetime(value: datetime | date | None, zone: tzinfo | None = None) -> str:
    """`yyyy-MM-ddTHH:mm:ss.fffffff` in the configured zone, then `Z` or `±hh:mm`.

    Written with integer formatting rather than `strftime` and `timezone.localtime`: a page of
    1000 opportunities formats 6000 dates. Renderers pass the zone they read once per response."""
    if value is None:
        return EMPTY_DATE
    if zone is None:
        zone = timezone.get_current_timezone()
    if not isinstance(value, datetime):
        value = timezone.make_aware(datetime.combine(value, time.min), zone)
    local = value.astimezone(zone)
    offset = local.utcoffset()
    if offset and offset.seconds % 60:
        # A local mean time before 1900 (Tokyo was +09:18:59): the wire's offset has no
        # seconds, so write the same instant at the offset rounded to the minute.
        local = value.astimezone(
            dt_timezone(timedelta(minutes=round(offset / timedelta(minutes=1))))
        )
        offset = local.utcoffset()
    if not offset:
        suffix = "Z"
    else:
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        suffix = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return (
        f"{local.year:04d}-{local.month:02d}-{local.day:02d}T{local.hour:02d}:"
        f"{local.minute:02d}:{local.second:02d}.{local.microsecond:06d}0{suffix}"
    )


def parse_datetime(value, *, field: str) -> datetime | None:
    """Parse an ApiDateTime input. Empty or DateTime.MinValue means "no date"; a value without
    offset is in the configured zone; anything else unparsable is a 400 naming the field."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, datetime):  # from the XML parser
        if value.year == 1:  # DateTime.MinValue, as below
            return None
        aware = value if timezone.is_aware(value) else timezone.make_aware(value)
        return ensure_storable(aware, field=field)
    text = str(value).strip()
    if len(text) < 7:
        raise InvalidInput(f"{field}: '{text}' is not a date.", field=field)
    match = _INPUT.match(text)
    if not match:
        raise InvalidInput(
            f"{field}: '{text}' is not a date (use yyyy-MM-ddTHH:mm:ss.fffffffK or yyyy-MM-dd).",
            field=field,
        )
    try:
        day = date.fromisoformat(match["date"])
        clock = time(
            int(match["h"] or 0),
            int(match["m"] or 0),
            int(match["s"] or 0),
            int((match["frac"] or "0").ljust(7, "0")[:6]),
        )
    except ValueError as exc:
        raise InvalidInput(f"{field}: '{text}' is not a valid date.", field=field) from exc
    if day.year == 1:  # DateTime.MinValue: ONLYOFFICE's "unset"
        return None
    moment = datetime.combine(day, clock)
    zone = match["tz"]
    if zone is None:
        return ensure_storable(timezone.make_aware(moment), field=field)
    if zone.upper() == "Z":
        return ensure_storable(moment.replace(tzinfo=UTC), field=field)
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise InvalidInput(
            f"{field}: '{text}' has no valid time-zone offset (-23:59 to +23:59).", field=field
        )
    offset = timedelta(hours=hours, minutes=minutes)
    moment = moment.replace(tzinfo=dt_timezone(offset if zone[0] == "+" else -offset))
    return ensure_storable(moment, field=field)


def ensure_storable(moment: datetime, *, field: str) -> datetime:
    """The aware `moment`, if it can be stored and read back: in UTC (how the database keeps
    it) and in the portal's zone (how every answer and page shows it) it must fall within the
    years 2 to 9999. Past 9999 Python cannot read the row back (`9999-12-31T23:59:59-14:00`
    is year 10000 in UTC: the database would take it, and every later read of the row would
    fail); in year 1 it would read back as DateTime.MinValue, "no date". A 400 naming the
    field instead."""
    zones = {UTC, timezone.get_default_timezone(), timezone.get_current_timezone()}
    try:
        readable = all(moment.astimezone(zone).year >= 2 for zone in zones)
    except OverflowError:
        readable = False
    if not readable:
        raise InvalidInput(
            f"{field}: {moment.isoformat()} cannot be stored: a date must fall within the "
            "years 2 to 9999 in UTC and in the portal's time zone.",
            field=field,
        )
    return moment
