"""Custom fields' RamBase names (contract §9): the label folded to ASCII, split on
non-alphanumerics and joined with each word capitalised ("Deal size class" ->
`DealSizeClass`). Empty, digit-first or repeated names become `CustomField{id}`. Headings are
not listed."""

import re
import unicodedata

from core.models import CustomFieldDefinition, EntityType, FieldType
from core.selectors import custom_field_list

_WORDS = re.compile(r"[A-Za-z0-9]+")


def _from_label(label: str) -> str:
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return "".join(word[:1].upper() + word[1:] for word in _WORDS.findall(ascii_label))


def custom_field_names(definitions) -> dict[int, str]:
    """{definition id: RamBase name} for the given definitions, in their order."""
    proposed = {}
    for definition in definitions:
        name = _from_label(definition.label)
        if not name or name[0].isdigit():
            name = f"CustomField{definition.pk}"
        proposed[definition.pk] = name
    counts: dict[str, int] = {}
    for name in proposed.values():
        counts[name.lower()] = counts.get(name.lower(), 0) + 1
    return {
        pk: (name if counts[name.lower()] == 1 else f"CustomField{pk}")
        for pk, name in proposed.items()
    }


def opportunity_custom_fields() -> list[CustomFieldDefinition]:
    """The opportunity definitions RamBase lists (every one but Headings), in position order."""
    return [
        definition
        for definition in custom_field_list(entity_type=EntityType.OPPORTUNITY)
        if definition.field_type != FieldType.HEADING
    ]


def custom_field_path(domain_field: str) -> str:
    """`CustomFields.<Name>` for the domain name `custom_field_<id>`."""
    try:
        pk = int(domain_field.rsplit("_", 1)[-1])
    except ValueError:
        return "CustomFields"
    name = custom_field_names(opportunity_custom_fields()).get(pk)
    return f"CustomFields.{name}" if name else "CustomFields"
