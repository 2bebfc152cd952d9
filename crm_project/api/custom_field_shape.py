"""ONLYOFFICE's CustomFieldBase, for every entity that has custom fields (opportunities,
contacts): a definition and, for one entity, its value."""

from core.models import CustomFieldDefinition


def custom_field_base_shape(
    definition: CustomFieldDefinition, *, entity_id: int, value: str | None
) -> dict:
    return {
        "id": definition.pk,
        "entityId": entity_id,
        "label": definition.label,
        "fieldValue": value,
        "fieldType": definition.field_type,
        "position": definition.position,
        "mask": definition.mask,
    }


def custom_field_list_shape(values, headings, *, entity_id: int) -> list[dict]:
    """An entity's `customFields`: its `(definition, value)` pairs and the headings (shown on
    every entity, with a null value), in the definitions' order."""
    entries = [*values, *((heading, None) for heading in headings)]
    entries.sort(key=lambda entry: (entry[0].position, entry[0].pk))
    return [
        custom_field_base_shape(definition, entity_id=entity_id, value=value)
        for definition, value in entries
    ]
