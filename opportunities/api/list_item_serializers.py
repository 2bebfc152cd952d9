"""Documentation-only serializers for the stage, custom field and tag routes: they describe the
parameters and payloads in the OpenAPI schema and are never used to parse or render (the views
bind with `Params` and render with the shape functions). The envelope is added to every
response schema by `crm_project.api.schema`. A test keeps the documented keys equal to the keys
the API returns."""

from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from core.models import FieldType
from opportunities.models import StageType


def _enum_help(choices) -> str:
    return "By name or number: " + ", ".join(f"{m.label} ({m.value})" for m in choices) + "."


# -- stages --------------------------------------------------------------------------------------


class DealMilestoneSerializer(serializers.Serializer):
    """DealMilestoneWrapper: a stage and the number of opportunities in it."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    color = serializers.CharField(help_text="CSS colour, e.g. #e795c1")
    sortOrder = serializers.IntegerField()
    successProbability = serializers.IntegerField(min_value=0, max_value=100)
    stageType = serializers.ChoiceField(
        choices=StageType.choices, help_text="0 Open, 1 ClosedAndWon, 2 ClosedAndLost"
    )
    daysBeforeWarning = serializers.IntegerField(
        allow_null=True, help_text="Days in the stage before an opportunity is flagged."
    )
    relativeItemsCount = serializers.IntegerField(help_text="Opportunities in this stage.")


class StageInputSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, help_text="Required on create.")
    description = serializers.CharField(required=False, allow_blank=True)
    color = serializers.CharField(required=False, allow_blank=True)
    successProbability = serializers.IntegerField(required=False, min_value=0, max_value=100)
    stageType = serializers.CharField(required=False, help_text=_enum_help(StageType))
    daysBeforeWarning = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class StageColorInputSerializer(serializers.Serializer):
    color = serializers.CharField(allow_blank=True)


class StageReorderInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Stage ids, in their new order; empty or missing changes nothing.",
    )


# -- custom fields -------------------------------------------------------------------------------


class CustomFieldBaseSerializer(serializers.Serializer):
    """CustomFieldBase: a field and, for one opportunity, its value."""

    id = serializers.IntegerField()
    entityId = serializers.IntegerField(help_text="The opportunity; 0 for a definition.")
    label = serializers.CharField()
    fieldValue = serializers.CharField(allow_null=True)
    fieldType = serializers.ChoiceField(
        choices=FieldType.choices,
        help_text="0 TextField, 1 TextArea, 2 SelectBox, 3 CheckBox, 4 Heading, 5 Date",
    )
    position = serializers.IntegerField()
    mask = serializers.CharField(
        help_text='JSON: the options of a SelectBox (`["a","b"]`), `{"size":N}` for a TextField.'
    )


class CustomFieldSerializer(CustomFieldBaseSerializer):
    """CustomFieldWrapper: a definition and how many opportunities hold a value for it."""

    relativeItemsCount = serializers.IntegerField()


class CustomFieldInputSerializer(serializers.Serializer):
    label = serializers.CharField(required=False, help_text="Required on create.")
    fieldType = serializers.CharField(required=False, help_text=_enum_help(FieldType))
    position = serializers.IntegerField(required=False)
    mask = serializers.JSONField(
        required=False, help_text="JSON text, or a JSON array/object in a JSON body."
    )


class CustomFieldReorderInputSerializer(serializers.Serializer):
    fieldids = serializers.ListField(child=serializers.IntegerField())


class CustomFieldValueInputSerializer(serializers.Serializer):
    fieldValue = serializers.CharField(
        allow_blank=True, allow_null=True, help_text="Trimmed; empty deletes the value."
    )


# -- tags ----------------------------------------------------------------------------------------


class TagSerializer(serializers.Serializer):
    title = serializers.CharField()
    relativeItemsCount = serializers.IntegerField(
        help_text="Opportunities visible to the caller carrying the tag."
    )


class TagNameInputSerializer(serializers.Serializer):
    tagName = serializers.CharField()


class TagBatchInputSerializer(TagNameInputSerializer):
    entityid = serializers.ListField(child=serializers.IntegerField(), help_text="Opportunity ids.")


class TagFilterInputSerializer(TagNameInputSerializer):
    responsibleid = serializers.UUIDField(required=False)
    opportunityStagesid = serializers.IntegerField(required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    contactid = serializers.IntegerField(required=False)
    stageType = serializers.CharField(required=False, help_text=_enum_help(StageType))
    contactAlsoIsParticipant = serializers.BooleanField(required=False, allow_null=True)
    fromDate = serializers.CharField(required=False, help_text="ApiDateTime")
    toDate = serializers.CharField(required=False, help_text="ApiDateTime")
    filterValue = serializers.CharField(required=False, help_text="Search text.")


TAG_NAME_RESPONSE = OpenApiTypes.STR
TAG_NAMES_RESPONSE = {"type": "array", "items": {"type": "string"}}
