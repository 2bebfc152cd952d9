"""The OpportunityWrapper: one plain function that builds the wire dict, and documentation-only
serializers that describe it (and the request bodies) for the OpenAPI schema.

The shape function is the hot path of `GET opportunity/filter?count=1000`: it reads attributes
already loaded by `opportunity_render_queryset` (a constant number of queries per page) and
builds dicts directly, without DRF serializers."""

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from contacts.api.serializers import CompanySerializer, ContactBaseSerializer, PersonSerializer
from contacts.api.shapes import contact_base_shape
from contacts.models import ContactUserObjectPermission
from contacts.selectors import contact_is_visible_in_memory
from core.models import CustomFieldDefinition, EntityType, FieldType
from crm_project.api.dates import format_datetime
from crm_project.api.schema import CurrencyInfoSerializer, EmployeeSerializer
from crm_project.api.shapes import RenderContext
from opportunities.api.list_item_serializers import CustomFieldBaseSerializer
from opportunities.api.shapes import custom_field_base_shape, stage_shape
from opportunities.models import BidType, Opportunity, StageType
from opportunities.selectors import (
    opportunity_access_users,
    opportunity_can_edit,
    opportunity_with_related,
)


def _contact_access_prefetch(path: str) -> Prefetch:
    return Prefetch(
        f"{path}__contactuserobjectpermission_set",
        queryset=ContactUserObjectPermission.objects.select_related("user").order_by("user_id"),
        to_attr="access_permissions",
    )


def opportunity_render_queryset(queryset: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """`opportunity_with_related` plus what the embedded contacts need (their currency and
    access rows, for `accessList`, `canEdit` and visibility): a constant number of queries."""
    return (
        opportunity_with_related(queryset)
        .select_related("customer__currency")
        .prefetch_related(
            _contact_access_prefetch("members"),
            _contact_access_prefetch("contact"),
            _contact_access_prefetch("customer"),
        )
    )


def _named(item) -> dict | None:
    return None if item is None else {"id": item.pk, "title": item.title}


class OpportunityRenderer:
    """Renders OpportunityWrappers for one response. The custom field Headings (shown on every
    opportunity) are read once per response, whatever the number of opportunities."""

    def __init__(self, request):
        self.ctx = RenderContext(request)
        self.user = request.user
        self._headings: list[CustomFieldDefinition] | None = None
        self._stages: dict[int, dict] = {}

    @property
    def headings(self) -> list[CustomFieldDefinition]:
        if self._headings is None:
            self._headings = list(
                CustomFieldDefinition.objects.filter(
                    entity_type=EntityType.OPPORTUNITY, field_type=FieldType.HEADING
                )
            )
        return self._headings

    def _contact(self, contact) -> dict | None:
        if contact is None or not contact_is_visible_in_memory(user=self.user, contact=contact):
            return None
        return contact_base_shape(contact, self.ctx)

    def _stage(self, stage) -> dict:
        cached = self._stages.get(stage.pk)
        if cached is None:
            cached = self._stages[stage.pk] = stage_shape(stage)
        return cached

    def _custom_fields(self, opportunity: Opportunity) -> list[dict]:
        entries = [
            (value.field, value.value)
            for value in opportunity.custom_values.all()
            if value.value != ""
        ]
        entries.extend((heading, None) for heading in self.headings)
        entries.sort(key=lambda entry: (entry[0].position, entry[0].pk))
        return [
            custom_field_base_shape(definition, entity_id=opportunity.pk, value=value)
            for definition, value in entries
        ]

    def _members(self, opportunity: Opportunity) -> list[dict]:
        contacts = list(opportunity.members.all())
        primary = opportunity.contact
        if primary is not None and all(contact.pk != primary.pk for contact in contacts):
            contacts.insert(0, primary)
        shapes = []
        for contact in contacts:
            if contact_is_visible_in_memory(user=self.user, contact=contact):
                shapes.append(contact_base_shape(contact, self.ctx))
        return shapes

    def shape(self, opportunity: Opportunity) -> dict:
        ctx = self.ctx
        stage = opportunity.stage
        is_private = opportunity.is_private
        employee = ctx.employee
        return {
            "id": opportunity.pk,
            "createBy": employee(opportunity.created_by),
            "created": format_datetime(opportunity.created_at),
            "updated": format_datetime(opportunity.updated_at),
            "members": self._members(opportunity),
            "contact": self._contact(opportunity.contact),
            "customer": self._contact(opportunity.customer),
            "title": opportunity.title,
            "description": opportunity.description,
            "responsible": employee(opportunity.responsible),
            "owner": employee(opportunity.owner) if opportunity.owner_id else None,
            "bidType": opportunity.bid_type,
            "bidValue": opportunity.bid_value,
            "bidCurrency": ctx.currency(opportunity.bid_currency),
            "perPeriodValue": opportunity.per_period_value,
            "weightedAmount": opportunity.weighted_amount,
            "oneTimeRevenue": opportunity.one_time_revenue,
            "recurringRevenue": opportunity.recurring_revenue,
            "contractMonths": opportunity.contract_months,
            "stage": self._stage(stage),
            "stageChangedAt": format_datetime(opportunity.stage_entered_at),
            "daysInStage": opportunity.days_in_stage,
            "isRotting": opportunity.is_rotting,
            "isOverdue": opportunity.is_overdue,
            "successProbability": opportunity.success_probability,
            "actualCloseDate": format_datetime(opportunity.actual_close_date),
            "expectedCloseDate": format_datetime(opportunity.expected_close_date),
            "source": _named(opportunity.source),
            "status": _named(opportunity.status),
            "tags": sorted((tag.title for tag in opportunity.tags.all()), key=str.lower),
            "isPrivate": is_private,
            "accessList": (
                [employee(user) for user in opportunity_access_users(opportunity)]
                if is_private
                else []
            ),
            "canEdit": opportunity_can_edit(user=self.user, opportunity=opportunity),
            "customFields": self._custom_fields(opportunity),
        }

    def shapes(self, opportunities) -> list[dict]:
        return [self.shape(opportunity) for opportunity in opportunities]

    def deleted_shape(self, opportunity: Opportunity) -> dict:
        """What ONLYOFFICE returns for a deleted deal: the wrapper built after the deletion,
        so without members, field values, tags or access list."""
        shape = self.shape(opportunity)
        shape.update(members=[], customFields=[], tags=[], isPrivate=False, accessList=[])
        return shape


# -- documentation-only serializers (the OpenAPI schema); never used to render ---------------


class DealMilestoneBaseSerializer(serializers.Serializer):
    """DealMilestoneBase: the stage embedded in an opportunity (`sortOrder` included)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    color = serializers.CharField(allow_blank=True)
    sortOrder = serializers.IntegerField()
    successProbability = serializers.IntegerField(min_value=0, max_value=100)
    stageType = serializers.ChoiceField(
        choices=StageType.choices, help_text="0 Open, 1 ClosedAndWon, 2 ClosedAndLost"
    )
    daysBeforeWarning = serializers.IntegerField(allow_null=True)


class NamedItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


DATE_HELP = "yyyy-MM-ddTHH:mm:ss.fffffff plus Z or ±hh:mm; 0001-01-01T00:00:00.0000000Z = unset"


class OpportunitySerializer(serializers.Serializer):
    """ONLYOFFICE's OpportunityWrapper, every key always present, plus Pipeline's additions
    (`updated`, `owner`, `customer`, RamBase's revenue split, board flags, `tags`)."""

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


class CreationDateSerializer(serializers.Serializer):
    creationDate = serializers.CharField(help_text=DATE_HELP)


class LastModifiedDateSerializer(serializers.Serializer):
    lastModifedDate = serializers.CharField(help_text=DATE_HELP)


def contact_wrapper_doc(*, many: bool = False) -> PolymorphicProxySerializer:
    """A Person or Company ContactWrapper (contacts/api/serializers.py)."""
    return PolymorphicProxySerializer(
        component_name="ContactWrapper",
        serializers=[PersonSerializer, CompanySerializer],
        resource_type_field_name=None,
        many=many,
    )


class EmptySerializer(serializers.Serializer):
    """A void method's `response: {}`."""
