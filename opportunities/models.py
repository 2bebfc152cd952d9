from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import UserObjectPermissionBase

MONEY = {"max_digits": 18, "decimal_places": 2}


class StageType(models.IntegerChoices):
    OPEN = 0, "Open"
    CLOSED_AND_WON = 1, "ClosedAndWon"
    CLOSED_AND_LOST = 2, "ClosedAndLost"


class BidType(models.IntegerChoices):
    FIXED_BID = 0, "FixedBid"
    PER_HOUR = 1, "PerHour"
    PER_DAY = 2, "PerDay"
    PER_WEEK = 3, "PerWeek"
    PER_MONTH = 4, "PerMonth"
    PER_YEAR = 5, "PerYear"


class Stage(models.Model):
    """A column of the pipeline (ONLYOFFICE's deal milestone, RamBase's opportunity stage)."""

    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    color = models.CharField(max_length=20, blank=True, help_text="CSS colour, e.g. #e795c1")
    sort_order = models.IntegerField(default=0, db_index=True)
    success_probability = models.PositiveSmallIntegerField(default=0)
    stage_type = models.PositiveSmallIntegerField(choices=StageType.choices, default=StageType.OPEN)
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


class Opportunity(models.Model):
    """A deal. ONLYOFFICE's `responsible` is RamBase's assignee; the owner is a separate user."""

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

    bid_type = models.PositiveSmallIntegerField(choices=BidType.choices, default=BidType.FIXED_BID)
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
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every service write; an edit form read at an older version is "
        "refused (OpportunityChanged).",
    )

    class Meta:
        ordering = ["stage__sort_order", "title", "id"]
        verbose_name_plural = "opportunities"
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
                ],
            ),
            models.Index(fields=["responsible", "stage"], name="opp_responsible_stage_idx"),
            models.Index(fields=["created_by"], name="opp_created_by_idx"),
            models.Index(fields=["title", "id"], name="opp_title_idx"),
            models.Index(fields=["is_private"], name="opp_is_private_idx"),
            models.Index(fields=["contact"], name="opp_contact_idx"),
            models.Index(fields=["updated_at"], name="opp_updated_idx"),
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
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def weighted_amount(self) -> Decimal:
        """RamBase's WeightedAmount: the unweighted amount times the probability."""
        return (self.bid_value * self.success_probability / Decimal(100)).quantize(Decimal("0.01"))

    @property
    def days_in_stage(self) -> int:
        return (timezone.now() - self.stage_entered_at).days

    @property
    def is_rotting(self) -> bool:
        """Stayed in an open stage longer than the stage's days-before-warning."""
        limit = self.stage.days_before_warning
        return limit is not None and not self.stage.is_closed and self.days_in_stage > limit

    @property
    def is_overdue(self) -> bool:
        return (
            not self.stage.is_closed
            and self.expected_close_date is not None
            and self.expected_close_date < timezone.now()
        )

    @property
    def needs_attention(self) -> bool:
        return self.is_rotting or self.is_overdue


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
