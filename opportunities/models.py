from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Greatest
from django.utils import timezone
from guardian.models import UserObjectPermissionBase

MONEY = {"max_digits": 18, "decimal_places": 2}


# The enums' labels are ONLYOFFICE's names, which the API binds and documents; the model fields
# carry the labels people read (forms, admin, get_FOO_display).
class StageType(models.IntegerChoices):
    OPEN = 0, "Open"
    CLOSED_AND_WON = 1, "ClosedAndWon"
    CLOSED_AND_LOST = 2, "ClosedAndLost"


STAGE_TYPE_LABELS = [
    (StageType.OPEN.value, "Open"),
    (StageType.CLOSED_AND_WON.value, "Won"),
    (StageType.CLOSED_AND_LOST.value, "Lost"),
]


# -- the board's warnings, written once: the properties below, the renderer and the SQL of
# `opportunities.selectors.opportunity_needs_attention_q` all read these functions.


def rotting_cutoff(days_before_warning: int, now: datetime) -> datetime:
    """In its stage since this instant or earlier, an opportunity has been there more than
    `days_before_warning` whole days (days in stage > limit <=> entered limit + 1 days ago)."""
    return now - timedelta(days=days_before_warning + 1)


def overdue_cutoff(now: datetime) -> datetime:
    """An open opportunity expected to close before this instant is overdue: the start of
    `now`'s day in the current time zone (a deal due today is not late yet)."""
    return timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))


def opportunity_days_in_stage(stage_entered_at: datetime, now: datetime) -> int:
    return (now - stage_entered_at).days


def rotting_limit(stage_type: int, days_before_warning: int | None) -> int | None:
    """The whole days an opportunity may stay in such a stage; None: it never rots there
    (no limit, or a closed stage)."""
    return days_before_warning if stage_type == StageType.OPEN else None


def opportunity_is_rotting(
    *, stage_type: int, days_before_warning: int | None, stage_entered_at: datetime, now: datetime
) -> bool:
    """Stayed in an open stage longer than the stage's days-before-warning."""
    limit = rotting_limit(stage_type, days_before_warning)
    return limit is not None and stage_entered_at <= rotting_cutoff(limit, now)


def opportunity_is_overdue(
    *,
    stage_type: int,
    expected_close_date: datetime | None,
    now: datetime,
    cutoff: datetime | None = None,
) -> bool:
    """`cutoff`: `overdue_cutoff(now)` when the caller has it (a page of rows computes it once:
    it costs a time zone conversion)."""
    return (
        stage_type == StageType.OPEN
        and expected_close_date is not None
        and expected_close_date < (cutoff or overdue_cutoff(now))
    )


def opportunity_has_no_next_step(*, stage_type: int, next_task_due: datetime | None) -> bool:
    """An open deal without an open task: nobody has planned what happens next."""
    return stage_type == StageType.OPEN and next_task_due is None


def opportunity_next_task_is_overdue(
    *, stage_type: int, next_task_due: datetime | None, now: datetime, cutoff=None
) -> bool:
    """An open deal whose earliest open task was due before today (a task due today is not
    late yet, as the close date)."""
    return (
        stage_type == StageType.OPEN
        and next_task_due is not None
        and next_task_due < (cutoff or overdue_cutoff(now))
    )


class BidType(models.IntegerChoices):
    """A fixed bid is the whole amount; otherwise bid_value is the amount per period and
    per_period_value the number of periods (ONLYOFFICE's deal budget)."""

    FIXED_BID = 0, "FixedBid"
    PER_HOUR = 1, "PerHour"
    PER_DAY = 2, "PerDay"
    PER_WEEK = 3, "PerWeek"
    PER_MONTH = 4, "PerMonth"
    PER_YEAR = 5, "PerYear"


BID_TYPE_LABELS = [
    (BidType.FIXED_BID.value, "Fixed bid"),
    (BidType.PER_HOUR.value, "Per hour"),
    (BidType.PER_DAY.value, "Per day"),
    (BidType.PER_WEEK.value, "Per week"),
    (BidType.PER_MONTH.value, "Per month"),
    (BidType.PER_YEAR.value, "Per year"),
]


def whole_amount_sql():
    """The whole amount of an opportunity in SQL: a fixed bid's amount, or the amount per period
    times the periods (at least one, as ONLYOFFICE's deal list counts an unset number)."""
    return models.Case(
        models.When(bid_type=BidType.FIXED_BID, then=models.F("bid_value")),
        default=models.F("bid_value") * Greatest(models.F("per_period_value"), 1),
        output_field=models.DecimalField(**MONEY),
    )


class Stage(models.Model):
    """A column of the pipeline (ONLYOFFICE's deal milestone, RamBase's opportunity stage)."""

    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    color = models.CharField(max_length=20, blank=True, help_text="CSS colour, e.g. #e795c1")
    sort_order = models.IntegerField(default=0, db_index=True)
    success_probability = models.PositiveSmallIntegerField(default=0)
    stage_type = models.PositiveSmallIntegerField(choices=STAGE_TYPE_LABELS, default=StageType.OPEN)
    days_before_warning = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Days an opportunity may stay in this stage before it is flagged; empty: never.",
    )

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="stage_title_not_empty"),
            models.CheckConstraint(
                condition=Q(success_probability__lte=100), name="stage_probability_0_100"
            ),
            models.CheckConstraint(condition=Q(stage_type__lte=2), name="stage_type_known"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.stage_type != StageType.OPEN


# What stage_create and stage_update take (the position is set by stage_reorder).
STAGE_EDITABLE_FIELDS = (
    "title",
    "description",
    "color",
    "success_probability",
    "stage_type",
    "days_before_warning",
)


class LeadSource(models.Model):
    """Where an opportunity came from (website, conference, campaign...): a list admins edit."""

    title = models.CharField(max_length=100, unique=True)
    sort_order = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "title"]

    def __str__(self) -> str:
        return self.title


class OpportunityStatus(models.Model):
    """A RamBase opportunity status: a list admins edit."""

    title = models.CharField(max_length=100, unique=True)
    sort_order = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "title"]
        verbose_name_plural = "opportunity statuses"

    def __str__(self) -> str:
        return self.title


class LostReason(models.Model):
    """Why a deal was lost (price, competitor, timing...): a list admins edit."""

    title = models.CharField(max_length=100, unique=True)
    sort_order = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "title"]

    def __str__(self) -> str:
        return self.title


class OpportunityQuerySet(models.QuerySet):
    def in_trash(self):
        return self.filter(deleted_at__isnull=False)


class LiveOpportunityManager(models.Manager.from_queryset(OpportunityQuerySet)):
    """The default manager: a deal in the trash does not exist for anything but the trash."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Opportunity(models.Model):
    """A deal. ONLYOFFICE's `responsible` is RamBase's assignee; the owner is a separate user.

    Deleting one moves it to the trash (`deleted_at`): `objects` leaves it out everywhere,
    `all_objects` (the trash, restore and purge) still sees it."""

    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="primary_opportunities",
        help_text="Primary contact",
    )
    members = models.ManyToManyField(
        "contacts.Contact", blank=True, related_name="opportunities", through="OpportunityMember"
    )
    customer = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer_opportunities",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="responsible_opportunities",
        help_text="The assignee",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_opportunities",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_opportunities",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    bid_type = models.PositiveSmallIntegerField(choices=BID_TYPE_LABELS, default=BidType.FIXED_BID)
    bid_value = models.DecimalField("amount", default=Decimal("0"), **MONEY)
    bid_currency = models.ForeignKey(
        "core.Currency", on_delete=models.PROTECT, related_name="opportunities"
    )
    per_period_value = models.PositiveIntegerField(default=0)

    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="opportunities")
    stage_entered_at = models.DateTimeField(default=timezone.now)
    success_probability = models.PositiveSmallIntegerField(default=0)
    expected_close_date = models.DateTimeField(null=True, blank=True)
    actual_close_date = models.DateTimeField(null=True, blank=True)
    is_private = models.BooleanField(default=False)

    source = models.ForeignKey(
        LeadSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.ForeignKey(
        OpportunityStatus, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    one_time_revenue = models.DecimalField(default=Decimal("0"), **MONEY)
    recurring_revenue = models.DecimalField(
        "monthly recurring revenue", default=Decimal("0"), **MONEY
    )
    contract_months = models.PositiveIntegerField(default=0)
    tags = models.ManyToManyField("core.Tag", blank=True, related_name="opportunities")
    lost_reason = models.ForeignKey(
        LostReason, null=True, blank=True, on_delete=models.PROTECT, related_name="opportunities"
    )
    lost_comment = models.TextField(blank=True)
    # The deadline of its earliest open task, kept by the task services (activities): the
    # board's "next step" and "no next step" without a query per card.
    next_task_due = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # The id of the row in the system it was imported from: a second import of the same file
    # updates the deal instead of adding it again.
    external_id = models.CharField(max_length=100, blank=True, default="")
    # One id per delete request, so a filter-wide delete is restored in one action.
    deletion_batch = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every service write; an edit form read at an older version is "
        "refused (OpportunityChanged).",
    )

    objects = LiveOpportunityManager()
    all_objects = models.Manager.from_queryset(OpportunityQuerySet)()

    class Meta:
        ordering = ["stage__sort_order", "title", "id"]
        verbose_name_plural = "opportunities"
        base_manager_name = "all_objects"
        indexes = [
            # Board columns and the default API order. The included columns let PostgreSQL
            # number the cards of every column and sum the column totals from the index alone
            # (index-only scans: no sort, no heap), with the visibility condition checked there.
            models.Index(
                fields=["stage", "expected_close_date", "id"],
                name="opp_stage_close_idx",
                include=[
                    "is_private",
                    "responsible",
                    "created_by",
                    "bid_currency",
                    "bid_value",
                    "success_probability",
                    "bid_type",
                    "per_period_value",
                    "next_task_due",
                ],
                # Every live read says `deleted_at IS NULL`; the trash is small.
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(fields=["deleted_at"], name="opp_deleted_idx"),
            models.Index(fields=["responsible", "stage"], name="opp_responsible_stage_idx"),
            models.Index(fields=["created_by"], name="opp_created_by_idx"),
            models.Index(fields=["title", "id"], name="opp_title_idx"),
            models.Index(fields=["is_private"], name="opp_is_private_idx"),
            models.Index(fields=["contact"], name="opp_contact_idx"),
            models.Index(fields=["updated_at"], name="opp_updated_idx"),
            # The reports' and the forecast's date ranges: closed in, created in.
            models.Index(
                fields=["actual_close_date"],
                name="opp_closed_at_idx",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["created_at"],
                name="opp_created_at_idx",
                condition=Q(deleted_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="opp_title_not_empty"),
            models.CheckConstraint(
                condition=Q(success_probability__lte=100), name="opp_probability_0_100"
            ),
            models.CheckConstraint(condition=Q(bid_value__gte=0), name="opp_bid_value_gte_0"),
            models.CheckConstraint(
                condition=Q(one_time_revenue__gte=0), name="opp_one_time_revenue_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(recurring_revenue__gte=0), name="opp_recurring_revenue_gte_0"
            ),
            models.CheckConstraint(condition=Q(bid_type__lte=5), name="opp_bid_type_known"),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="opp_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def whole_amount(self) -> Decimal:
        """The same rule as `whole_amount_sql()`."""
        if self.bid_type == BidType.FIXED_BID:
            return self.bid_value
        return self.bid_value * max(self.per_period_value, 1)

    @property
    def weighted_amount(self) -> Decimal:
        """RamBase's WeightedAmount: the whole amount times the probability."""
        return (self.whole_amount * self.success_probability / Decimal(100)).quantize(
            Decimal("0.01")
        )

    @property
    def days_in_stage(self) -> int:
        return opportunity_days_in_stage(self.stage_entered_at, timezone.now())

    @property
    def is_rotting(self) -> bool:
        return opportunity_is_rotting(
            stage_type=self.stage.stage_type,
            days_before_warning=self.stage.days_before_warning,
            stage_entered_at=self.stage_entered_at,
            now=timezone.now(),
        )

    @property
    def is_overdue(self) -> bool:
        return opportunity_is_overdue(
            stage_type=self.stage.stage_type,
            expected_close_date=self.expected_close_date,
            now=timezone.now(),
        )

    @property
    def has_no_next_step(self) -> bool:
        return opportunity_has_no_next_step(
            stage_type=self.stage.stage_type, next_task_due=self.next_task_due
        )

    @property
    def is_next_task_overdue(self) -> bool:
        return opportunity_next_task_is_overdue(
            stage_type=self.stage.stage_type, next_task_due=self.next_task_due, now=timezone.now()
        )

    @property
    def needs_attention(self) -> bool:
        """The board's "needs attention" (`opportunity_needs_attention_q` in SQL)."""
        return (
            self.is_rotting or self.is_overdue or self.has_no_next_step or self.is_next_task_overdue
        )


class TrashManager(models.Manager.from_queryset(OpportunityQuerySet)):
    """The deals in the trash, whatever their age (the trash admin's list)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=False)


class TrashedOpportunity(Opportunity):
    """The trash as the admin lists it: the same rows, only the deleted ones. Restored and
    deleted for good through opportunities/trash_services.py."""

    objects = TrashManager()

    class Meta:
        proxy = True
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        verbose_name = "deal in the trash"
        verbose_name_plural = "trash"


class OpportunityMember(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE)
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "contact"], name="opp_member_unique")
        ]
        indexes = [models.Index(fields=["contact", "opportunity"], name="opp_member_contact_idx")]

    def __str__(self) -> str:
        return f"{self.contact} in {self.opportunity}"


class OpportunityUserObjectPermission(UserObjectPermissionBase):
    """Guardian's direct foreign-key table: the access list of private opportunities."""

    content_object = models.ForeignKey(Opportunity, on_delete=models.CASCADE)


class OpportunityCustomFieldValue(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="custom_values"
    )
    field = models.ForeignKey(
        "core.CustomFieldDefinition", on_delete=models.CASCADE, related_name="opportunity_values"
    )
    value = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "field"], name="opp_field_value_unique"),
            models.CheckConstraint(condition=~Q(value=""), name="opp_field_value_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.field.label}: {self.value}"


class StageChange(models.Model):
    """One row per stage change: the opportunity's history on the board."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["opportunity", "changed_at"], name="stagechange_opp_idx")]

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.from_stage} → {self.to_stage}"


class AuditAction(models.TextChoices):
    CREATED = "created", "created"
    CHANGED = "changed", "changed"
    SHARED = "shared", "sharing changed"
    DELETED = "deleted", "moved to the trash"
    RESTORED = "restored", "restored from the trash"
    IMPORTED = "imported", "imported"


class OpportunityAudit(models.Model):
    """One row per change a service made to an opportunity: who, when, which field (its domain
    name), the old and the new value as people read them. Written by the services, never
    reconstructed; the timeline shows them beside the stage changes."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="audit")
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    field = models.CharField(max_length=100, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["opportunity", "changed_at"], name="audit_opp_idx")]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.action} {self.field}"


class OpportunityAuditContact(models.Model):
    """A contact an audit row names (a contact, customer or member change): the row is shown
    only to those who may read every contact it names. No foreign-key constraint: a deleted
    contact's id stays, and its rows are shown to admins only (it may have been private)."""

    audit = models.ForeignKey(
        OpportunityAudit, on_delete=models.CASCADE, related_name="contact_links"
    )
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.audit_id} names {self.contact_id}"


class ImportMapping(models.Model):
    """The column mapping a user chose for an import file's header, remembered for next time:
    `columns` maps each file column to a domain field name (or "" to skip it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_mappings"
    )
    header_key = models.CharField(max_length=64, help_text="A hash of the file's header row.")
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "header_key"], name="import_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.header_key[:8]}"


class ImportUpload(models.Model):
    """An uploaded import file waiting between the import's steps (upload, mapping, preview,
    import), in the database so that every app server sees it: the session holds only `token`,
    and the file is read back only for the user who uploaded it (opportunities/import_store.py).
    Not in the admin: a file in transit."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_uploads"
    )
    filename = models.CharField(max_length=200, blank=True)
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.filename}"
