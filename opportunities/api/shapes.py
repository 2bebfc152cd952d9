"""Wire shapes of the opportunity module shared by several routes: DealMilestoneBase (stage)
and CustomFieldBase. Every key always present (decision 3), `sortOrder` included."""

from core.models import CustomFieldDefinition
from opportunities.models import Stage


def stage_shape(stage: Stage) -> dict:
    return {
        "id": stage.pk,
        "title": stage.title,
        "description": stage.description,
        "color": stage.color,
        "sortOrder": stage.sort_order,
        "successProbability": stage.success_probability,
        "stageType": stage.stage_type,
        "daysBeforeWarning": stage.days_before_warning,
    }


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
