"""The OpportunityWrapper: one renderer that builds the wire dicts, and documentation-only
serializers that describe it (and the request bodies) for the OpenAPI schema.

The renderer is the hot path of `GET opportunity/filter?count=1000`. It never builds model
objects for the opportunities: the page's rows come as tuples (`values_list`, with the stage,
currency, source and status columns joined), and what hangs off them (members and their
contacts, access lists, users, tags, custom values, headings) is read in a handful of bulk
queries keyed by id, whatever the number of rows. Building 1000 opportunities with a dozen
`select_related` models each was 78% of that request."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import BigIntegerField, QuerySet, TextField, Value
from django.utils import timezone
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from accounts.models import User
from contacts.api.serializers import CompanySerializer, ContactBaseSerializer, PersonSerializer
from contacts.models import Contact, ContactUserObjectPermission
from core.models import Currency, CustomFieldDefinition, EntityType, FieldType
from crm_project.api.dates import format_datetime
from crm_project.api.schema import CurrencyInfoSerializer, EmployeeSerializer
from crm_project.api.shapes import RenderContext
from opportunities.api.list_item_serializers import CustomFieldBaseSerializer
from opportunities.api.shapes import custom_field_base_shape
from opportunities.models import (
    BidType,
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityMember,
    OpportunityUserObjectPermission,
    StageType,
)

# The columns of one opportunity row, then those of the rows it joins (one each).
OPPORTUNITY_COLUMNS = (
    "id",
    "title",
    "description",
    "contact_id",
    "customer_id",
    "responsible_id",
    "owner_id",
    "created_by_id",
    "created_at",
    "updated_at",
    "bid_type",
    "bid_value",
    "bid_currency_id",
    "per_period_value",
    "stage_id",
    "stage_entered_at",
    "success_probability",
    "expected_close_date",
    "actual_close_date",
    "is_private",
    "source_id",
    "status_id",
    "one_time_revenue",
    "recurring_revenue",
    "contract_months",
)
STAGE_COLUMNS = (
    "title",
    "description",
    "color",
    "sort_order",
    "success_probability",
    "stage_type",
    "days_before_warning",
)
CURRENCY_COLUMNS = ("title", "symbol", "culture_name", "is_convertible", "is_basic")
ROW_COLUMNS = (
    *OPPORTUNITY_COLUMNS,
    *(f"stage__{c}" for c in STAGE_COLUMNS),
    *(f"bid_currency__{c}" for c in CURRENCY_COLUMNS),
    "source__title",
    "status__title",
)
CONTACT_COLUMNS = (
    "id",
    "is_company",
    "first_name",
    "last_name",
    "company_name",
    "is_private",
    "share_type",
    "created_by_id",
    "currency_id",
    *(f"currency__{c}" for c in CURRENCY_COLUMNS),
)
USER_COLUMNS = ("uuid", "username", "first_name", "last_name", "display_name", "job_title")
DEFINITION_COLUMNS = ("id", "entity_type", "label", "field_type", "position", "mask")
CONTACT_ORDER = ("company_name", "last_name", "first_name", "id")  # Contact.Meta.ordering

# Positions in a row.
(
    ID,
    TITLE,
    DESCRIPTION,
    CONTACT,
    CUSTOMER,
    RESPONSIBLE,
    OWNER,
    CREATED_BY,
    CREATED_AT,
    UPDATED_AT,
    BID_TYPE,
    BID_VALUE,
    BID_CURRENCY,
    PER_PERIOD_VALUE,
    STAGE,
    STAGE_ENTERED_AT,
    SUCCESS_PROBABILITY,
    EXPECTED_CLOSE_DATE,
    ACTUAL_CLOSE_DATE,
    IS_PRIVATE,
    SOURCE,
    STATUS,
    ONE_TIME_REVENUE,
    RECURRING_REVENUE,
    CONTRACT_MONTHS,
) = range(len(OPPORTUNITY_COLUMNS))
STAGE_AT = len(OPPORTUNITY_COLUMNS)
CURRENCY_AT = STAGE_AT + len(STAGE_COLUMNS)
SOURCE_TITLE = CURRENCY_AT + len(CURRENCY_COLUMNS)
STATUS_TITLE = SOURCE_TITLE + 1
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _number(value: Decimal) -> int | float:
    """A .NET decimal/double as JSON: integral values without ".0" (the renderers' rule)."""
    return int(value) if value == value.to_integral_value() else float(value)


class OpportunityRenderer:
    """Renders OpportunityWrappers for one response, from rows rather than model objects.
    Users, stages, currencies and contacts are shaped once per response."""

    def __init__(self, request):
        self.ctx = RenderContext(request)
        self.user = request.user
        self.zone = timezone.get_current_timezone()

    # -- entry points -----------------------------------------------------------------------

    def shapes(self, opportunities) -> list[dict]:
        """Wrappers of an ordered queryset (its order and slice are kept), or of a list of
        opportunities or ids (in that order)."""
        if isinstance(opportunities, QuerySet):
            rows = list(opportunities.values_list(*ROW_COLUMNS))
        else:
            ids = [getattr(item, "pk", item) for item in opportunities]
            if not ids:
                return []
            by_id = {
                row[ID]: row
                for row in Opportunity.objects.filter(pk__in=ids).values_list(*ROW_COLUMNS)
            }
            rows = [by_id[pk] for pk in ids if pk in by_id]
        if not rows:
            return []
        return _Page(self, rows).shapes()

    def shape(self, opportunity) -> dict:
        return self.shapes([opportunity])[0]

    def deleted_shapes(self, opportunities) -> dict[int, dict]:
        """What ONLYOFFICE returns for deleted deals: the wrappers built after the deletion,
        so without members, field values, tags or access list. Keyed by id."""
        shapes = {}
        for shape in self.shapes(opportunities):
            shape.update(members=[], customFields=[], tags=[], isPrivate=False, accessList=[])
            shapes[shape["id"]] = shape
        return shapes

    def deleted_shape(self, opportunity) -> dict:
        return self.deleted_shapes([opportunity])[opportunity.pk]


class _Page:
    """One batch of rows and everything hanging off them, each read in one query."""

    def __init__(self, renderer: OpportunityRenderer, rows: list[tuple]):
        self.renderer = renderer
        self.ctx = renderer.ctx
        self.user = renderer.user
        self.rows = rows
        self.now = timezone.now()
        self.stages: dict[int, dict] = {}
        self.currencies: dict[str, dict] = {}
        self.contact_shapes: dict[int, dict | None] = {}
        ids = [row[ID] for row in rows]

        # members, in Contact's order, with the columns of their contact
        self.members: dict[int, list[tuple]] = defaultdict(list)
        self.contacts: dict[int, tuple] = {}
        member_rows = (
            OpportunityMember.objects.filter(opportunity_id__in=ids)
            .order_by(*(f"contact__{c}" for c in CONTACT_ORDER))
            .values_list("opportunity_id", *(f"contact__{c}" for c in CONTACT_COLUMNS))
        )
        for opportunity_id, *contact in member_rows:
            contact = self.contacts.setdefault(contact[0], tuple(contact))
            self.members[opportunity_id].append(contact)
        missing = {row[CONTACT] for row in rows} | {row[CUSTOMER] for row in rows}
        missing -= {None, *self.contacts}
        if missing:
            for contact in Contact.objects.filter(pk__in=missing).values_list(*CONTACT_COLUMNS):
                self.contacts[contact[0]] = contact

        # access lists of the private opportunities and of the private contacts, in one query
        self.access: dict[int, list[int]] = defaultdict(list)
        self.contact_access: dict[int, list[int]] = defaultdict(list)
        private = [row[ID] for row in rows if row[IS_PRIVATE]]
        private_contacts = [pk for pk, contact in self.contacts.items() if contact[5]]
        if private or private_contacts:
            rows_of = [
                model.objects.filter(content_object_id__in=keys)
                .annotate(kind=Value(kind))
                .values_list("kind", "content_object_id", "user_id")
                for kind, model, keys in (
                    (0, OpportunityUserObjectPermission, private),
                    (1, ContactUserObjectPermission, private_contacts),
                )
                if keys
            ]
            query = rows_of[0].union(*rows_of[1:], all=True) if len(rows_of) > 1 else rows_of[0]
            for kind, object_id, user_id in query:
                (self.contact_access if kind else self.access)[object_id].append(user_id)

        # every user shown: responsible, creator, owner, and the access lists
        user_ids = {row[k] for row in rows for k in (RESPONSIBLE, CREATED_BY, OWNER)}
        for lists in (self.access, self.contact_access):
            for users in lists.values():
                user_ids.update(users)
        user_ids.discard(None)
        self.users = User.objects.only(*USER_COLUMNS).in_bulk(user_ids)

        self.tags: dict[int, list[str]] = defaultdict(list)
        tag_rows = (
            Opportunity.tags.through.objects.filter(opportunity_id__in=ids)
            .order_by("tag__title", "tag_id")
            .values_list("opportunity_id", "tag__title")
        )
        for opportunity_id, title in tag_rows:
            self.tags[opportunity_id].append(title)

        # custom values with their definition, and (in the same query) the headings, which
        # show on every opportunity
        self.values: dict[int, list[tuple]] = defaultdict(list)
        self.headings: list[CustomFieldDefinition] = []
        definitions: dict[int, CustomFieldDefinition] = {}
        values = OpportunityCustomFieldValue.objects.filter(opportunity_id__in=ids).values_list(
            "opportunity_id", "value", *(f"field__{c}" for c in DEFINITION_COLUMNS)
        )
        headings = (
            CustomFieldDefinition.objects.filter(
                entity_type=EntityType.OPPORTUNITY, field_type=FieldType.HEADING
            )
            .annotate(opportunity_id=Value(None, BigIntegerField()), value=Value(None, TextField()))
            .values_list("opportunity_id", "value", *DEFINITION_COLUMNS)
        )
        for opportunity_id, value, *definition in values.order_by().union(
            headings.order_by(), all=True
        ):
            field = definitions.get(definition[0])
            if field is None:
                field = definitions[definition[0]] = CustomFieldDefinition(
                    **dict(zip(DEFINITION_COLUMNS, definition, strict=True))
                )
            if opportunity_id is None:
                self.headings.append(field)
            elif value != "":
                self.values[opportunity_id].append((field, value))

    # -- nested shapes ------------------------------------------------------------------------

    def employee(self, user_id: int | None) -> dict:
        return self.ctx.employee(self.users.get(user_id) if user_id is not None else None)

    def currency(self, code: str | None, columns) -> dict | None:
        if not code:
            return None
        shape = self.currencies.get(code)
        if shape is None:
            title, symbol, culture_name, convertible, basic = columns
            shape = self.currencies[code] = self.ctx.currency(
                Currency(
                    abbreviation=code,
                    title=title,
                    symbol=symbol,
                    culture_name=culture_name,
                    is_convertible=convertible,
                    is_basic=basic,
                )
            )
        return shape

    def contact_visible(self, contact: tuple) -> bool:
        user = self.user
        return (
            user.is_crm_admin
            or not contact[5]  # is_private
            or contact[7] == user.pk  # created_by_id
            or user.pk in self.contact_access.get(contact[0], ())
        )

    def contact(self, contact_id: int | None) -> dict | None:
        """ContactBase (contacts/api/shapes.py `contact_base_shape`), or None when hidden."""
        if contact_id is None or contact_id not in self.contacts:
            return None
        if contact_id in self.contact_shapes:
            return self.contact_shapes[contact_id]
        contact = self.contacts[contact_id]
        shape = None
        if self.user.is_active and self.contact_visible(contact):
            (pk, is_company, first, last, company, private, share, _, currency_id) = contact[:9]
            photo = f"{self.ctx.base_url}/static/img/{'company' if is_company else 'person'}.svg"
            shape = {
                "smallFotoUrl": photo,
                "mediumFotoUrl": photo,
                "displayName": company
                if is_company
                else " ".join(part for part in (first, last) if part),
                "isCompany": is_company,
                "accessList": (
                    [self.employee(u) for u in sorted(set(self.contact_access.get(pk, ())))]
                    if private
                    else []
                ),
                "isPrivate": private,
                "isShared": not private and share != 0,
                "shareType": share,
                "currency": self.currency(currency_id, contact[9:]),
                # a contact shown is one the caller reads, and read implies edit
                "canEdit": True,
                "canDelete": True,
                "id": pk,
            }
        self.contact_shapes[contact_id] = shape
        return shape

    def stage(self, row: tuple) -> dict:
        shape = self.stages.get(row[STAGE])
        if shape is None:
            title, description, color, order, probability, kind, days = row[STAGE_AT:CURRENCY_AT]
            shape = self.stages[row[STAGE]] = {
                "id": row[STAGE],
                "title": title,
                "description": description,
                "color": color,
                "sortOrder": order,
                "successProbability": probability,
                "stageType": kind,
                "daysBeforeWarning": days,
            }
        return shape

    def members_of(self, row: tuple) -> list[dict]:
        contacts = self.members.get(row[ID], [])
        primary = row[CONTACT]
        ids = [contact[0] for contact in contacts]
        if primary is not None and primary in self.contacts and primary not in ids:
            ids.insert(0, primary)
        return [shape for shape in map(self.contact, ids) if shape is not None]

    def custom_fields(self, opportunity_id: int) -> list[dict]:
        entries = list(self.values.get(opportunity_id, ()))
        entries.extend((heading, None) for heading in self.headings)
        entries.sort(key=lambda entry: (entry[0].position, entry[0].pk))
        return [
            custom_field_base_shape(definition, entity_id=opportunity_id, value=value)
            for definition, value in entries
        ]

    # -- the wrapper --------------------------------------------------------------------------

    def can_edit(self, row: tuple) -> bool:
        """`opportunity_can_edit` over the row and the loaded access list."""
        user = self.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        return (
            user.is_crm_admin
            or row[RESPONSIBLE] == user.pk
            or row[CREATED_BY] == user.pk
            or not row[IS_PRIVATE]
            or user.pk in self.access.get(row[ID], ())
        )

    def shape(self, row: tuple) -> dict:
        zone = self.renderer.zone
        employee = self.employee
        opportunity_id = row[ID]
        stage = self.stage(row)
        closed = stage["stageType"] != StageType.OPEN
        days_in_stage = (self.now - row[STAGE_ENTERED_AT]).days
        limit = stage["daysBeforeWarning"]
        expected = row[EXPECTED_CLOSE_DATE]
        bid_value = row[BID_VALUE]
        weighted = (bid_value * row[SUCCESS_PROBABILITY] / HUNDRED).quantize(CENT)
        is_private = row[IS_PRIVATE]
        return {
            "id": opportunity_id,
            "createBy": employee(row[CREATED_BY]),
            "created": format_datetime(row[CREATED_AT], zone),
            "updated": format_datetime(row[UPDATED_AT], zone),
            "members": self.members_of(row),
            "contact": self.contact(row[CONTACT]),
            "customer": self.contact(row[CUSTOMER]),
            "title": row[TITLE],
            "description": row[DESCRIPTION],
            "responsible": employee(row[RESPONSIBLE]),
            "owner": employee(row[OWNER]) if row[OWNER] else None,
            "bidType": row[BID_TYPE],
            "bidValue": _number(bid_value),
            "bidCurrency": self.currency(row[BID_CURRENCY], row[CURRENCY_AT:SOURCE_TITLE]),
            "perPeriodValue": row[PER_PERIOD_VALUE],
            "weightedAmount": _number(weighted),
            "oneTimeRevenue": _number(row[ONE_TIME_REVENUE]),
            "recurringRevenue": _number(row[RECURRING_REVENUE]),
            "contractMonths": row[CONTRACT_MONTHS],
            "stage": stage,
            "stageChangedAt": format_datetime(row[STAGE_ENTERED_AT], zone),
            "daysInStage": days_in_stage,
            "isRotting": limit is not None and not closed and days_in_stage > limit,
            "isOverdue": not closed and expected is not None and expected < self.now,
            "successProbability": row[SUCCESS_PROBABILITY],
            "actualCloseDate": format_datetime(row[ACTUAL_CLOSE_DATE], zone),
            "expectedCloseDate": format_datetime(expected, zone),
            "source": {"id": row[SOURCE], "title": row[SOURCE_TITLE]} if row[SOURCE] else None,
            "status": {"id": row[STATUS], "title": row[STATUS_TITLE]} if row[STATUS] else None,
            "tags": sorted(self.tags.get(opportunity_id, ()), key=str.lower),
            "isPrivate": is_private,
            "accessList": (
                [employee(u) for u in sorted(set(self.access.get(opportunity_id, ())))]
                if is_private
                else []
            ),
            "canEdit": self.can_edit(row),
            "customFields": self.custom_fields(opportunity_id),
        }

    def shapes(self) -> list[dict]:
        return [self.shape(row) for row in self.rows]


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
