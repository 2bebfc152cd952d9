"""Documentation-only serializers of the opportunity API: they describe the wire shapes
(opportunities/api/rendering.py) and the request parameters in the OpenAPI schema, and are never
used to parse or render (the views bind with `Params`). The envelope is added to every response
schema by `crm_project.api.schema`; tests keep the documented keys equal to the keys returned."""

from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from contacts.api.docs_serializers import ContactBaseSerializer
from core.models import FieldType
from crm_project.api.schema import (
    CurrencyInfoSerializer,
    CustomFieldBaseSerializer,
    EmployeeSerializer,
)
from opportunities.models import BidType, StageType


def _enum_help(choices) -> str:
    return "By name or number: " + ", ".join(f"{m.label} ({m.value})" for m in choices) + "."


# -- stages --------------------------------------------------------------------------------------


class DealMilestoneBaseSerializer(serializers.Serializer):
    """DealMilestoneBase: a stage, as embedded in an opportunity (`sortOrder` included)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    color = serializers.CharField(allow_blank=True, help_text="CSS colour, e.g. #e795c1")
    sortOrder = serializers.IntegerField()
    successProbability = serializers.IntegerField(min_value=0, max_value=100)
    stageType = serializers.ChoiceField(
        choices=StageType.choices, help_text="0 Open, 1 ClosedAndWon, 2 ClosedAndLost"
    )
    daysBeforeWarning = serializers.IntegerField(
        allow_null=True, help_text="Days in the stage before an opportunity is flagged."
    )


class DealMilestoneSerializer(DealMilestoneBaseSerializer):
    """DealMilestoneWrapper: a stage and the number of opportunities in it."""

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


# -- opportunities ------------------------------------------------------------------------------


class NamedItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


DATE_HELP = "yyyy-MM-ddTHH:mm:ss.fffffff plus Z or ±hh:mm; 0001-01-01T00:00:00.0000000Z = unset"


class OpportunitySerializer(serializers.Serializer):
    """ONLYOFFICE's OpportunityWrapper, every key always present, plus Pipeline's additions
    (`updated`, `owner`, `customer`, RamBase's revenue split, board flags, `tags`, why a lost
    deal was lost)."""

    id = serializers.IntegerField()
    createBy = EmployeeSerializer()
    created = serializers.CharField(help_text=DATE_HELP)
    updated = serializers.CharField(help_text=DATE_HELP)
    members = ContactBaseSerializer(many=True, help_text="Includes the primary contact")
    contact = ContactBaseSerializer(allow_null=True, help_text="Primary contact")
    customer = ContactBaseSerializer(allow_null=True)
    title = serializers.CharField()
    description = serializers.CharField()
    responsible = EmployeeSerializer()
    owner = EmployeeSerializer(allow_null=True)
    bidType = serializers.ChoiceField(
        choices=BidType.choices,
        help_text="0 FixedBid, 1 PerHour, 2 PerDay, 3 PerWeek, 4 PerMonth, 5 PerYear",
    )
    bidValue = serializers.FloatField()
    bidCurrency = CurrencyInfoSerializer()
    perPeriodValue = serializers.IntegerField()
    weightedAmount = serializers.FloatField(help_text="bidValue × successProbability / 100")
    oneTimeRevenue = serializers.FloatField()
    recurringRevenue = serializers.FloatField()
    contractMonths = serializers.IntegerField()
    stage = DealMilestoneBaseSerializer()
    stageChangedAt = serializers.CharField(help_text=DATE_HELP)
    daysInStage = serializers.IntegerField()
    isRotting = serializers.BooleanField()
    isOverdue = serializers.BooleanField()
    successProbability = serializers.IntegerField(min_value=0, max_value=100)
    actualCloseDate = serializers.CharField(help_text=DATE_HELP)
    expectedCloseDate = serializers.CharField(help_text=DATE_HELP)
    source = NamedItemSerializer(allow_null=True)
    status = NamedItemSerializer(allow_null=True)
    lostReason = NamedItemSerializer(
        allow_null=True, help_text="Why the deal was lost; null unless it is in a lost stage"
    )
    lostComment = serializers.CharField(allow_blank=True, help_text='"" unless lost')
    tags = serializers.ListField(child=serializers.CharField())
    isPrivate = serializers.BooleanField()
    accessList = EmployeeSerializer(many=True, help_text="[] when public")
    canEdit = serializers.BooleanField()
    customFields = CustomFieldBaseSerializer(many=True)


class OpportunityKeyValueSerializer(serializers.Serializer):
    key = serializers.IntegerField(help_text="Custom field id")
    value = serializers.CharField(allow_blank=True)


class OpportunityWriteSerializer(serializers.Serializer):
    """Body of POST `opportunity` and PUT `opportunity/{id}` (JSON or form; names are
    case-insensitive; lists as `x=1&x=2`, `x[]=1` or a JSON array). On PUT only the named
    fields change; an explicit null or "" clears."""

    contactid = serializers.IntegerField(required=False, help_text="Primary contact; 0 = none")
    members = serializers.ListField(child=serializers.IntegerField(), required=False)
    title = serializers.CharField()
    description = serializers.CharField(required=False)
    responsibleid = serializers.UUIDField(required=False, help_text="Default: the caller")
    bidType = serializers.IntegerField(required=False, help_text="Number or name")
    bidValue = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    bidCurrencyAbbr = serializers.CharField(required=False, help_text="Default: the base currency")
    perPeriodValue = serializers.IntegerField(required=False)
    stageid = serializers.IntegerField(required=False, help_text="Default: the first open stage")
    successProbability = serializers.IntegerField(
        required=False, help_text="Clamped to 0..100; default: the stage's"
    )
    actualCloseDate = serializers.CharField(required=False, help_text=DATE_HELP)
    expectedCloseDate = serializers.CharField(required=False, help_text=DATE_HELP)
    customFieldList = OpportunityKeyValueSerializer(many=True, required=False)
    isPrivate = serializers.BooleanField(required=False)
    accessList = serializers.ListField(child=serializers.UUIDField(), required=False)
    isNotify = serializers.BooleanField(required=False)
    ownerid = serializers.UUIDField(required=False)
    customerid = serializers.IntegerField(required=False)
    source = serializers.CharField(required=False, help_text="Lead source id or title")
    status = serializers.CharField(required=False, help_text="Opportunity status id or title")
    oneTimeRevenue = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    recurringRevenue = serializers.DecimalField(max_digits=18, decimal_places=2, required=False)
    contractMonths = serializers.IntegerField(required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    lostReason = serializers.CharField(
        required=False,
        help_text="With a lost stage: a lost reason's id or title (any case); required when "
        "the server sets LOST_REASON_REQUIRED_IN_API. Refused with another stage.",
    )
    lostComment = serializers.CharField(
        required=False, allow_blank=True, help_text="With a lost stage: why, in words"
    )


class OpportunityIdsSerializer(serializers.Serializer):
    opportunityids = serializers.ListField(child=serializers.IntegerField())


class AccessSerializer(serializers.Serializer):
    isPrivate = serializers.BooleanField()
    accessList = serializers.ListField(child=serializers.UUIDField(), required=False)
    isNotify = serializers.BooleanField(required=False)


class AccessBatchSerializer(AccessSerializer):
    opportunityid = serializers.ListField(child=serializers.IntegerField())


class StageMoveSerializer(serializers.Serializer):
    stageid = serializers.IntegerField(help_text="Falls back to the {id} path segment")
    lostReason = serializers.CharField(
        required=False, help_text="With a lost stage: a lost reason's id or title"
    )
    lostComment = serializers.CharField(required=False, allow_blank=True)


class LostReasonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    sortOrder = serializers.IntegerField()


class CreationDateSerializer(serializers.Serializer):
    creationDate = serializers.CharField(help_text=DATE_HELP)


class LastModifiedDateSerializer(serializers.Serializer):
    lastModifedDate = serializers.CharField(help_text=DATE_HELP)


class EmptySerializer(serializers.Serializer):
    """A void method's `response: {}`."""
