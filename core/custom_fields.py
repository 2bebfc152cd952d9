"""Custom field masks and values: one place that knows what each field type accepts."""

import json
import re
from datetime import date, datetime

from core.errors import InvalidInput
from core.models import CustomFieldDefinition, FieldType

CHECKBOX_TRUE = {"true", "1", "on", "yes"}
CHECKBOX_FALSE = {"false", "0", "off", "no", ""}


def parse_mask(field_type: int, mask: str) -> dict | list | None:
    """The mask as data; raises InvalidInput when it does not suit the field type."""
    mask = (mask or "").strip()
    if field_type == FieldType.SELECT_BOX:
        try:
            options = json.loads(mask) if mask else None
        except json.JSONDecodeError as exc:
            raise InvalidInput("A SelectBox mask is a JSON list of options.", field="mask") from exc
        if (
            not isinstance(options, list)
            or not options
            or not all(isinstance(o, str) and o.strip() for o in options)
        ):
            raise InvalidInput(
                "A SelectBox mask is a non-empty JSON list of option texts.", field="mask"
            )
        return options
    if not mask:
        return None
    try:
        parsed = json.loads(mask)
    except json.JSONDecodeError as exc:
        raise InvalidInput("The mask must be JSON.", field="mask") from exc
    if field_type == FieldType.TEXT_FIELD and isinstance(parsed, dict) and "size" in parsed:
        size = parsed["size"]
        if isinstance(size, str) and size.strip().isdigit():
            # ONLYOFFICE's own example sends {"size":"40"}
            size = parsed["size"] = int(size.strip())
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise InvalidInput("The TextField size must be a positive integer.", field="mask")
    return parsed


def custom_field_name(definition_id: int) -> str:
    """The domain name of one custom field's value; the edit forms name their field so too."""
    return f"custom_field_{definition_id}"


def normalize_value(definition: CustomFieldDefinition, value) -> str:
    """The stored text for `value`, or "" for no value. Raises InvalidInput naming the field."""
    field = custom_field_name(definition.pk)
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value).strip()
    kind = definition.field_type
    if kind == FieldType.HEADING:
        if text:
            raise InvalidInput(
                f"'{definition.label}' is a heading and holds no value.", field=field
            )
        return ""
    if text == "":
        return ""
    if kind == FieldType.TEXT_FIELD:
        mask = parse_mask(kind, definition.mask)
        size = mask.get("size") if isinstance(mask, dict) else None
        if size and len(text) > size:
            raise InvalidInput(
                f"'{definition.label}' takes at most {size} characters.", field=field
            )
        return text
    if kind == FieldType.TEXT_AREA:
        return text
    if kind == FieldType.SELECT_BOX:
        options = parse_mask(kind, definition.mask)
        if text not in options:
            raise InvalidInput(
                f"'{text}' is not an option of '{definition.label}' ({', '.join(options)}).",
                field=field,
            )
        return text
    if kind == FieldType.CHECK_BOX:
        lowered = text.lower()
        if lowered in CHECKBOX_TRUE:
            return "true"
        if lowered in CHECKBOX_FALSE:
            return "false"
        raise InvalidInput(f"'{definition.label}' takes true or false.", field=field)
    if kind == FieldType.DATE:
        return _normalize_date(value, definition.label, field)
    raise InvalidInput(f"Unknown field type {kind}.", field=field)


# The dates clients write for a Date field: ONLYOFFICE stores the text unchecked, so each client
# sends its own. Each is read as the calendar date it names (an ApiDateTime's offset does not
# move it to another day) and kept as yyyy-MM-dd, which every answer shows.
_US_DATE = re.compile(r"(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})", re.ASCII)
_ISO_DATE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d{1,7})?)?"
    r"(?P<zone>Z|[+-](?P<zh>\d{2}):?(?P<zm>\d{2}))?)?",
    re.ASCII | re.IGNORECASE,
)
DATE_FORMS = "MM/dd/yyyy, yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss.fffffffK"
# Years a date field keeps: year 1 is ONLYOFFICE's DateTime.MinValue ("no date").
DATE_YEARS = (2, 9999)


def parse_date_value(value) -> date | None:
    """The calendar date `value` names in one of DATE_FORMS, or None when it names none."""
    if isinstance(value, datetime):  # from the XML parser
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = _US_DATE.fullmatch(text) or _ISO_DATE.fullmatch(text)
    if match is None:
        return None
    parts = match.groupdict()
    clock = [(parts.get("hour"), 23), (parts.get("minute"), 59), (parts.get("second"), 59)]
    clock += [(parts.get("zh"), 23), (parts.get("zm"), 59)]
    if any(part is not None and int(part) > top for part, top in clock):
        return None
    try:
        day = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:  # 02/30/2028, month 13
        return None
    return day if DATE_YEARS[0] <= day.year <= DATE_YEARS[1] else None


def _normalize_date(value, label: str, field: str) -> str:
    day = parse_date_value(value)
    if day is None:
        shown = str(value).strip()
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        raise InvalidInput(
            f"'{label}' takes a date ({DATE_FORMS}) from year {DATE_YEARS[0]} to "
            f"{DATE_YEARS[1]}, not '{shown}'.",
            field=field,
        )
    return day.isoformat()
