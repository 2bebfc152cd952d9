"""The wire shapes of the opportunity module: DealMilestoneBase (`stage_shape`) and ONLYOFFICE's
OpportunityWrapper, rendered by `OpportunityRenderer` from named rows rather than model objects,
with what hangs off a batch of rows read in a constant number of bulk queries (see
docs/performance.md)."""

from collections import defaultdict
from decimal import Decimal
from functools import cache
from operator import attrgetter

from django.db.models import BigIntegerField, QuerySet, TextField, Value
from django.utils import timezone

from accounts.models import User
from contacts.api.rendering import CONTACT_ROW_COLUMNS, AccessRow, ContactRow, contact_base_shape
from contacts.models import Contact, ContactUserObjectPermission
from contacts.selectors import contact_can_read
from core.models import Currency, CustomFieldDefinition, EntityType, FieldType
from crm_project.api.custom_field_shape import custom_field_list_shape
from crm_project.api.dates import format_datetime
from crm_project.api.render_context import RenderContext
from crm_project.api.renderers import json_number
from opportunities.models import (
    STAGE_EDITABLE_FIELDS,
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityMember,
    OpportunityUserObjectPermission,
    Stage,
    opportunity_days_in_stage,
    opportunity_is_overdue,
    opportunity_is_rotting,
    overdue_cutoff,
)
from opportunities.selectors import opportunity_can_edit

# The fields of a row: the opportunity's own, then those of the rows it joins (one each).
OPPORTUNITY_FIELDS = (
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
    "lost_reason_id",
    "lost_comment",
)
STAGE_FIELDS = (*STAGE_EDITABLE_FIELDS, "sort_order")
CURRENCY_FIELDS = ("title", "symbol", "culture_name", "is_convertible", "is_basic")
CONTACT_FIELDS = (*CONTACT_ROW_COLUMNS, *(f"currency__{f}" for f in CURRENCY_FIELDS))
USER_FIELDS = ("uuid", "username", "first_name", "last_name", "display_name", "job_title")
DEFINITION_FIELDS = ("id", "entity_type", "label", "field_type", "position", "mask")
CONTACT_ORDER = ("company_name", "last_name", "first_name", "id")  # Contact.Meta.ordering


def _prefixed(prefix: str, fields) -> tuple[str, ...]:
    return tuple(prefix + field for field in fields)


ROW_FIELDS = (
    *OPPORTUNITY_FIELDS,
    *_prefixed("stage__", STAGE_FIELDS),
    *_prefixed("bid_currency__", CURRENCY_FIELDS),
    "source__title",
    "status__title",
    "lost_reason__title",
)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def stage_shape(stage: Stage) -> dict:
    """DealMilestoneBase; every key always present (decision 3), `sortOrder` included."""
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


class OpportunityRenderer:
    """Renders OpportunityWrappers for one response. Users, stages, currencies and contacts
    are shaped once per response."""

    def __init__(self, request):
        self.ctx = RenderContext(request)
        self.user = self.ctx.user
        self.zone = timezone.get_current_timezone()

    def shapes(self, opportunities) -> list[dict]:
        """Wrappers of an ordered queryset (its order and slice are kept), or of a list of
        opportunities or ids (in that order)."""
        if isinstance(opportunities, QuerySet):
            rows = list(opportunities.values_list(*ROW_FIELDS, named=True))
        else:
            ids = [getattr(item, "pk", item) for item in opportunities]
            if not ids:
                return []
            found = Opportunity.objects.filter(pk__in=ids).values_list(*ROW_FIELDS, named=True)
            by_id = {row.id: row for row in found}
            rows = [by_id[pk] for pk in ids if pk in by_id]
        if not rows:
            return []
        return RowBatch(self, rows).shapes()

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


class RowBatch:
    """A batch of opportunity rows and everything hanging off them, each read in one query."""

    def __init__(self, renderer: OpportunityRenderer, rows: list):
        self.renderer = renderer
        self.ctx = renderer.ctx
        self.user = renderer.user
        self.rows = rows
        self.now = timezone.now()
        self.overdue_cutoff = overdue_cutoff(self.now)
        self.stages: dict[int, tuple[Stage, dict]] = {}
        self.currencies: dict[str, Currency] = {}
        self.contact_shapes: dict[int, dict | None] = {}
        ids = [row.id for row in rows]

        # members, in Contact's order, with the columns of their contact
        self.members: dict[int, list[int]] = defaultdict(list)
        self.contacts: dict[int, ContactRow] = {}
        member_rows = (
            OpportunityMember.objects.filter(opportunity_id__in=ids)
            .order_by(*_prefixed("contact__", CONTACT_ORDER))
            .values_list("opportunity_id", *_prefixed("contact__", CONTACT_FIELDS), named=True)
        )
        for member in member_rows:
            if member.contact__id not in self.contacts:
                self.contacts[member.contact__id] = self.contact_row(member, "contact__")
            self.members[member.opportunity_id].append(member.contact__id)
        missing = {row.contact_id for row in rows} | {row.customer_id for row in rows}
        missing -= {None, *self.contacts}
        if missing:
            for contact in Contact.objects.filter(pk__in=missing).values_list(
                *CONTACT_FIELDS, named=True
            ):
                self.contacts[contact.id] = self.contact_row(contact, "")

        # access lists of the private opportunities and of the private contacts, in one query
        self.access: dict[int, list[int]] = defaultdict(list)
        contact_access: list[tuple[int, int]] = []
        private = [row.id for row in rows if row.is_private]
        private_contacts = [pk for pk, contact in self.contacts.items() if contact.is_private]
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
                if kind:
                    contact_access.append((object_id, user_id))
                else:
                    self.access[object_id].append(user_id)

        # every user shown: responsible, creator, owner, and the access lists
        user_ids = {row.responsible_id for row in rows}
        user_ids.update(row.created_by_id for row in rows)
        user_ids.update(row.owner_id for row in rows)
        for users in self.access.values():
            user_ids.update(users)
        user_ids.update(user_id for _, user_id in contact_access)
        user_ids.discard(None)
        self.users = User.objects.only(*USER_FIELDS).in_bulk(user_ids)
        for contact_id, user_id in contact_access:
            self.contacts[contact_id].access_permissions.append(
                AccessRow(user_id, self.users.get(user_id))
            )

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
            "opportunity_id", "value", *_prefixed("field__", DEFINITION_FIELDS), named=True
        )
        headings = (
            CustomFieldDefinition.objects.filter(
                entity_type=EntityType.OPPORTUNITY, field_type=FieldType.HEADING
            )
            .annotate(opportunity_id=Value(None, BigIntegerField()), value=Value(None, TextField()))
            .values_list("opportunity_id", "value", *DEFINITION_FIELDS)
        )
        for entry in values.order_by().union(headings.order_by(), all=True):
            field = definitions.get(entry.field__id)
            if field is None:
                field = definitions[entry.field__id] = _model(
                    CustomFieldDefinition, entry, "field__", DEFINITION_FIELDS
                )
            if entry.opportunity_id is None:
                self.headings.append(field)
            elif entry.value != "":
                self.values[entry.opportunity_id].append((field, entry.value))

    # -- nested shapes ------------------------------------------------------------------------

    def employee(self, user_id: int | None) -> dict:
        return self.ctx.employee(self.users.get(user_id) if user_id is not None else None)

    def currency(self, code: str | None, row, prefix: str) -> Currency | None:
        """The currency `code`, built once from the `prefix`ed columns of `row`."""
        if not code:
            return None
        currency = self.currencies.get(code)
        if currency is None:
            currency = self.currencies[code] = _model(
                Currency, row, prefix, CURRENCY_FIELDS, abbreviation=code
            )
        return currency

    def contact_row(self, row, prefix: str) -> ContactRow:
        """The contact in the `prefix`ed columns of `row`; its access list is added later."""
        columns = _contact_columns(prefix)(row)
        return ContactRow(
            *columns,
            currency=self.currency(columns[-1], row, prefix + "currency__"),
            access_permissions=[],
        )

    def contact(self, contact_id: int | None) -> dict | None:
        """ContactBase, or None when the caller may not read the contact."""
        if contact_id is None or contact_id not in self.contacts:
            return None
        if contact_id in self.contact_shapes:
            return self.contact_shapes[contact_id]
        contact = self.contacts[contact_id]
        shape = None
        if contact_can_read(user=self.user, contact=contact):
            shape = contact_base_shape(contact, self.ctx)
        self.contact_shapes[contact_id] = shape
        return shape

    def stage(self, row) -> tuple[Stage, dict]:
        """The stage of `row` and its shape, built once per stage."""
        found = self.stages.get(row.stage_id)
        if found is None:
            stage = _model(Stage, row, "stage__", STAGE_FIELDS, id=row.stage_id)
            found = self.stages[row.stage_id] = (stage, stage_shape(stage))
        return found

    def members_of(self, row) -> list[dict]:
        ids = self.members.get(row.id, [])
        primary = row.contact_id
        if primary is not None and primary in self.contacts and primary not in ids:
            ids = [primary, *ids]
        return [shape for shape in map(self.contact, ids) if shape is not None]

    # -- the wrapper --------------------------------------------------------------------------

    def can_edit(self, row) -> bool:
        """`opportunity_can_edit` over the row and the loaded access list."""
        return opportunity_can_edit(
            user=self.user, opportunity=row, access_user_ids=lambda: self.access.get(row.id, ())
        )

    def shape(self, row) -> dict:
        zone = self.renderer.zone
        employee = self.employee
        opportunity_id = row.id
        stage, stage_wire = self.stage(row)
        weighted = (row.bid_value * row.success_probability / HUNDRED).quantize(CENT)
        is_private = row.is_private
        return {
            "id": opportunity_id,
            "createBy": employee(row.created_by_id),
            "created": format_datetime(row.created_at, zone),
            "updated": format_datetime(row.updated_at, zone),
            "members": self.members_of(row),
            "contact": self.contact(row.contact_id),
            "customer": self.contact(row.customer_id),
            "title": row.title,
            "description": row.description,
            "responsible": employee(row.responsible_id),
            "owner": employee(row.owner_id) if row.owner_id else None,
            "bidType": row.bid_type,
            "bidValue": json_number(row.bid_value),
            "bidCurrency": self.ctx.currency(
                self.currency(row.bid_currency_id, row, "bid_currency__")
            ),
            "perPeriodValue": row.per_period_value,
            "weightedAmount": json_number(weighted),
            "oneTimeRevenue": json_number(row.one_time_revenue),
            "recurringRevenue": json_number(row.recurring_revenue),
            "contractMonths": row.contract_months,
            "stage": stage_wire,
            "stageChangedAt": format_datetime(row.stage_entered_at, zone),
            "daysInStage": opportunity_days_in_stage(row.stage_entered_at, self.now),
            "isRotting": opportunity_is_rotting(
                stage_type=stage.stage_type,
                days_before_warning=stage.days_before_warning,
                stage_entered_at=row.stage_entered_at,
                now=self.now,
            ),
            "isOverdue": opportunity_is_overdue(
                stage_type=stage.stage_type,
                expected_close_date=row.expected_close_date,
                now=self.now,
                cutoff=self.overdue_cutoff,
            ),
            "successProbability": row.success_probability,
            "actualCloseDate": format_datetime(row.actual_close_date, zone),
            "expectedCloseDate": format_datetime(row.expected_close_date, zone),
            "source": {"id": row.source_id, "title": row.source__title} if row.source_id else None,
            "status": {"id": row.status_id, "title": row.status__title} if row.status_id else None,
            "lostReason": (
                {"id": row.lost_reason_id, "title": row.lost_reason__title}
                if row.lost_reason_id
                else None
            ),
            "lostComment": row.lost_comment,
            "tags": sorted(self.tags.get(opportunity_id, ()), key=str.lower),
            "isPrivate": is_private,
            "accessList": (
                [employee(u) for u in sorted(set(self.access.get(opportunity_id, ())))]
                if is_private
                else []
            ),
            "canEdit": self.can_edit(row),
            "customFields": custom_field_list_shape(
                self.values.get(opportunity_id, ()), self.headings, entity_id=opportunity_id
            ),
        }

    def shapes(self) -> list[dict]:
        return [self.shape(row) for row in self.rows]


@cache
def _contact_columns(prefix: str) -> attrgetter:
    """Reads the ContactRow columns (`currency_id` last) from a row's `prefix`ed fields."""
    return attrgetter(*_prefixed(prefix, CONTACT_ROW_COLUMNS))


def _model(model, row, prefix: str, fields, **known):
    """A `model` object from the `prefix`ed columns of a named row (for the few stages,
    currencies and field definitions of a batch, so their shapes are the ones objects get)."""
    return model(**known, **{field: getattr(row, prefix + field) for field in fields})
