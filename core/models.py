from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class Currency(models.Model):
    """An ISO 4217 currency. Exactly one is the base currency totals are converted to."""

    abbreviation = models.CharField("ISO 4217 code", max_length=3, primary_key=True)
    title = models.CharField(max_length=100)
    symbol = models.CharField(max_length=10, blank=True)
    culture_name = models.CharField(max_length=20, blank=True)
    is_convertible = models.BooleanField(default=True)
    is_basic = models.BooleanField("base currency", default=False)

    class Meta:
        ordering = ["abbreviation"]
        verbose_name_plural = "currencies"
        constraints = [
            models.UniqueConstraint(
                fields=["is_basic"], condition=Q(is_basic=True), name="currency_single_base"
            ),
            models.CheckConstraint(
                condition=Q(abbreviation__regex=r"^[A-Z]{3}$"), name="currency_code_iso4217"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.abbreviation} ({self.title})"


class ExchangeRate(models.Model):
    """How many units of `to_currency` one unit of `from_currency` is worth."""

    from_currency = models.ForeignKey(Currency, on_delete=models.CASCADE, related_name="rates_from")
    to_currency = models.ForeignKey(Currency, on_delete=models.CASCADE, related_name="rates_to")
    rate = models.DecimalField(max_digits=20, decimal_places=8)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["from_currency", "to_currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_currency", "to_currency"], name="rate_unique_pair"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="rate_positive"),
            models.CheckConstraint(
                condition=~Q(from_currency=models.F("to_currency")), name="rate_distinct_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.from_currency_id} = {self.rate} {self.to_currency_id}"


class EntityType(models.TextChoices):
    OPPORTUNITY = "opportunity", "Opportunity"
    CONTACT = "contact", "Contact (person and company)"
    PERSON = "person", "Person"
    COMPANY = "company", "Company"


class Tag(models.Model):
    """A tag, per kind of entity, unique without regard to case (ONLYOFFICE compares that way)."""

    entity_type = models.CharField(max_length=20, choices=EntityType.choices)
    title = models.CharField(max_length=255)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                "entity_type", Lower("title"), name="tag_unique_title_per_entity"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="tag_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class FieldType(models.IntegerChoices):
    TEXT_FIELD = 0, "TextField"
    TEXT_AREA = 1, "TextArea"
    SELECT_BOX = 2, "SelectBox"
    CHECK_BOX = 3, "CheckBox"
    HEADING = 4, "Heading"
    DATE = 5, "Date"


class CustomFieldDefinition(models.Model):
    """A user-defined field. For SelectBox the mask is a JSON list of the options; for TextField
    it may be `{"size": N}` limiting the length, as ONLYOFFICE stores it. The services check the
    mask (core.custom_fields.parse_mask), the admin included."""

    entity_type = models.CharField(max_length=20, choices=EntityType.choices)
    label = models.CharField(max_length=255)
    field_type = models.PositiveSmallIntegerField(
        choices=FieldType.choices, default=FieldType.TEXT_FIELD
    )
    position = models.IntegerField(default=0)
    mask = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["entity_type", "position", "id"]
        indexes = [models.Index(fields=["entity_type", "position"])]
        constraints = [
            models.CheckConstraint(condition=~Q(label=""), name="customfield_label_not_empty"),
            models.CheckConstraint(condition=Q(field_type__lte=5), name="customfield_type_known"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_field_type_display()})"
