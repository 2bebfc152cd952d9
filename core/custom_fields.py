"""Custom field masks and values: one place that knows what each field type accepts."""

import json
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


def normalize_value(definition: CustomFieldDefinition, value) -> str:
    """The stored text for `value`, or "" for no value. Raises InvalidInput naming the field."""
    field = f"customField[{definition.pk}]"
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
        return _normalize_date(text, definition.label, field)
    raise InvalidInput(f"Unknown field type {kind}.", field=field)


def _normalize_date(text: str, label: str, field: str) -> str:
    candidate = text[:-1] + "+00:00" if text.endswith("Z") else text
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parsed = parse(candidate)
        except ValueError:
            continue
        return (parsed.date() if isinstance(parsed, datetime) else parsed).isoformat()
    raise InvalidInput(f"'{label}' takes a date (yyyy-mm-dd).", field=field)
