from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import UserObjectPermissionBase


class ShareType(models.IntegerChoices):
    NONE = 0, "None"
    READ_WRITE = 1, "ReadWrite"
    READ = 2, "Read"


class Contact(models.Model):
    """A person or a company the sales team deals with (ONLYOFFICE's Person and Company)."""

    is_company = models.BooleanField(default=False)
    # Person
    first_name = models.CharField(max_length=255, blank=True)
    last_name = models.CharField(max_length=255, blank=True)
    job_title = models.CharField(max_length=255, blank=True)
    company = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="persons",
        limit_choices_to={"is_company": True},
    )
    # Company
    company_name = models.CharField(max_length=255, blank=True)

    about = models.TextField(blank=True)
    industry = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    currency = models.ForeignKey(
        "core.Currency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_private = models.BooleanField(default=False)
    share_type = models.PositiveSmallIntegerField(choices=ShareType.choices, default=ShareType.NONE)
    tags = models.ManyToManyField("core.Tag", blank=True, related_name="contacts")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_contacts",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every service write; an edit form read at an older version is "
        "refused (ContactChanged).",
    )

    class Meta:
        ordering = ["company_name", "last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["is_company", "company_name"]),
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["is_private"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(is_company=True) & ~Q(company_name=""))
                | (Q(is_company=False) & (~Q(first_name="") | ~Q(last_name=""))),
                name="contact_has_name",
            ),
            models.CheckConstraint(
                condition=Q(is_company=False) | Q(company__isnull=True),
                name="contact_company_only_for_person",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.is_company:
            return self.company_name
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class ContactUserObjectPermission(UserObjectPermissionBase):
    """Guardian's direct foreign-key table: the access list of private contacts."""

    content_object = models.ForeignKey(Contact, on_delete=models.CASCADE)


class ContactCustomFieldValue(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="custom_values")
    field = models.ForeignKey(
        "core.CustomFieldDefinition", on_delete=models.CASCADE, related_name="contact_values"
    )
    value = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "field"], name="contact_field_value_unique"),
            models.CheckConstraint(condition=~Q(value=""), name="contact_field_value_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.field.label}: {self.value}"
