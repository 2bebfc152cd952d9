"""ONLYOFFICE's ContactWrapper (Person and Company): one plain function building the wire dict,
the queryset helper that loads what it reads, and documentation-only serializers describing
it and the request parameters for the OpenAPI schema.

Use: `contact_shape(contact, ctx)` over rows from `contact_render_queryset(queryset, user=…)`;
a page of contacts then costs a constant number of queries (the custom field headings are read once
per RenderContext)."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from rest_framework import serializers

from contacts.api.shapes import contact_base_shape
from contacts.models import Contact, ContactCustomFieldValue, ContactUserObjectPermission, ShareType
from contacts.selectors import (
    contact_is_visible_in_memory,
    contact_list_visible_to,
    contact_with_access,
)
from core.models import CustomFieldDefinition, EntityType, FieldType
from crm_project.api.dates import format_datetime
from crm_project.api.schema import CurrencyInfoSerializer, EmployeeSerializer
from crm_project.api.shapes import RenderContext
from opportunities.api.shapes import custom_field_base_shape

# ONLYOFFICE's ContactInfoType and categories (ContactInfoBaseCategory, PhoneCategory).
INFO_TYPE_PHONE = 0
INFO_TYPE_EMAIL = 1
EMAIL_CATEGORY_WORK = 1
PHONE_CATEGORY_WORK = 0


def contact_render_queryset(queryset: QuerySet[Contact], *, user) -> QuerySet[Contact]:
    """What `contact_shape` reads: access rows (own and the person's company), creator,
    currency, company, tags, custom values and the number of persons of a company that
    `user` may read (people hidden from them are not counted)."""
    persons_count = (
        contact_list_visible_to(user=user)
        .filter(company=OuterRef("pk"))
        .order_by()
        .values("company")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return (
        contact_with_access(queryset)
        .select_related("created_by", "company__currency")
        .prefetch_related(
            Prefetch(
                "company__contactuserobjectpermission_set",
                queryset=ContactUserObjectPermission.objects.select_related("user").order_by(
                    "user_id"
                ),
                to_attr="access_permissions",
            ),
            "tags",
            Prefetch(
                "custom_values",
                queryset=ContactCustomFieldValue.objects.select_related("field"),
            ),
        )
        .annotate(persons_total=Coalesce(Subquery(persons_count), 0, output_field=IntegerField()))
    )


def _headings(ctx: RenderContext) -> list[CustomFieldDefinition]:
    """Contact custom field headings (shown on every contact), read once per response."""
    cached = getattr(ctx, "_contact_headings", None)
    if cached is None:
        cached = list(
            CustomFieldDefinition.objects.filter(
                entity_type__in=[EntityType.CONTACT, EntityType.PERSON, EntityType.COMPANY],
                field_type=FieldType.HEADING,
            )
        )
        ctx._contact_headings = cached
    return cached


def _custom_fields(contact: Contact, ctx: RenderContext) -> list[dict]:
    scope = {EntityType.CONTACT, EntityType.COMPANY if contact.is_company else EntityType.PERSON}
    entries = [(v.field, v.value) for v in contact.custom_values.all() if v.value != ""]
    entries.extend((h, None) for h in _headings(ctx) if h.entity_type in scope)
    entries.sort(key=lambda entry: (entry[0].position, entry[0].pk))
    return [
        custom_field_base_shape(definition, entity_id=contact.pk, value=value)
        for definition, value in entries
    ]


def _common_data(contact: Contact) -> list[dict]:
    """E-mail and phone as ONLYOFFICE ContactInfo items. Pipeline stores one of each, so the
    `id` is derived: contact id × 100 + infoType."""
    items = []
    if contact.phone:
        items.append((INFO_TYPE_PHONE, PHONE_CATEGORY_WORK, contact.phone))
    if contact.email:
        items.append((INFO_TYPE_EMAIL, EMAIL_CATEGORY_WORK, contact.email))
    return [
        {
            "id": contact.pk * 100 + info_type,
            "infoType": info_type,
            "category": category,
            "data": data,
            "isPrimary": True,
        }
        for info_type, category, data in items
    ]


def contact_shape(contact: Contact, ctx: RenderContext, *, persons: list | None = None) -> dict:
    """The ContactWrapper of a person or a company; every key always present (decision 3).

    `persons` (a company's people, already filtered to those the caller may read) is given on
    single-company responses; lists send `persons: null` and only `personsCount`."""
    shape = contact_base_shape(contact, ctx)
    shape.update(
        {
            "addresses": [],
            "createBy": ctx.employee(contact.created_by),
            "created": format_datetime(contact.created_at),
            "about": contact.about,
            "industry": contact.industry,
            "contactStatus": None,
            "contactType": None,
            "commonData": _common_data(contact),
            "customFields": _custom_fields(contact, ctx),
            "tags": sorted((tag.title for tag in contact.tags.all()), key=str.lower),
            "taskCount": 0,
            "haveLateTasks": False,
        }
    )
    if contact.is_company:
        count = getattr(contact, "persons_total", None)
        shape.update(
            {
                "companyName": contact.company_name,
                "persons": (
                    None if persons is None else [contact_base_shape(p, ctx) for p in persons]
                ),
                "personsCount": contact.persons.count() if count is None else count,
            }
        )
    else:
        company = contact.company
        visible = company is not None and contact_is_visible_in_memory(
            user=ctx.user, contact=company
        )
        shape.update(
            {
                "firstName": contact.first_name,
                "lastName": contact.last_name,
                "company": contact_base_shape(company, ctx) if visible else None,
                "title": contact.job_title,
            }
        )
    return shape


# -- documentation-only serializers (the OpenAPI schema); never used to render ---------------

SHARE_TYPE_HELP = "0 None, 1 ReadWrite, 2 Read"


class ContactBaseSerializer(serializers.Serializer):
    """ONLYOFFICE's ContactBase (contact_base_shape)."""

    smallFotoUrl = serializers.URLField()
    mediumFotoUrl = serializers.URLField()
    displayName = serializers.CharField()
    isCompany = serializers.BooleanField()
    accessList = EmployeeSerializer(many=True, help_text="`[]` for a public contact.")
    isPrivate = serializers.BooleanField()
    isShared = serializers.BooleanField()
    shareType = serializers.ChoiceField(choices=ShareType.choices, help_text=SHARE_TYPE_HELP)
    currency = CurrencyInfoSerializer(allow_null=True)
    canEdit = serializers.BooleanField()
    canDelete = serializers.BooleanField()
    id = serializers.IntegerField()


class ContactInfoSerializer(serializers.Serializer):
    """ONLYOFFICE's ContactInfo: an e-mail address (infoType 1) or a phone number (0)."""

    id = serializers.IntegerField(help_text="contact id × 100 + infoType")
    infoType = serializers.IntegerField(help_text="0 Phone, 1 Email")
    category = serializers.IntegerField(help_text="1 Work for e-mail, 0 Work for phone")
    data = serializers.CharField()
    isPrimary = serializers.BooleanField()


class ContactCustomFieldSerializer(serializers.Serializer):
    """ONLYOFFICE's CustomFieldBase."""

    id = serializers.IntegerField()
    entityId = serializers.IntegerField()
    label = serializers.CharField()
    fieldValue = serializers.CharField(allow_null=True, help_text="null for a Heading")
    fieldType = serializers.ChoiceField(choices=FieldType.choices)
    position = serializers.IntegerField()
    mask = serializers.CharField(allow_blank=True)


class ContactSerializer(ContactBaseSerializer):
    """The part of ContactWrapper common to people and companies."""

    addresses = serializers.ListField(
        child=serializers.DictField(), help_text="Always `[]`: Pipeline stores no addresses."
    )
    createBy = EmployeeSerializer()
    created = serializers.CharField(help_text="ApiDateTime")
    about = serializers.CharField(allow_blank=True)
    industry = serializers.CharField(allow_blank=True)
    contactStatus = serializers.DictField(allow_null=True, help_text="Always null.")
    contactType = serializers.DictField(allow_null=True, help_text="Always null.")
    commonData = ContactInfoSerializer(many=True)
    customFields = ContactCustomFieldSerializer(many=True)
    tags = serializers.ListField(child=serializers.CharField())
    taskCount = serializers.IntegerField(help_text="Always 0: Pipeline has no tasks.")
    haveLateTasks = serializers.BooleanField(help_text="Always false.")


class PersonSerializer(ContactSerializer):
    """ONLYOFFICE's PersonWrapper."""

    firstName = serializers.CharField(allow_blank=True)
    lastName = serializers.CharField(allow_blank=True)
    company = ContactBaseSerializer(allow_null=True, help_text="null when none or not visible.")
    title = serializers.CharField(allow_blank=True, help_text="The job title.")


class CompanySerializer(ContactSerializer):
    """ONLYOFFICE's CompanyWrapper."""

    companyName = serializers.CharField()
    persons = ContactBaseSerializer(
        many=True,
        allow_null=True,
        help_text="The company's people the caller may read, on single-contact responses; "
        "null in lists.",
    )
    personsCount = serializers.IntegerField()


class KeyValueSerializer(serializers.Serializer):
    key = serializers.IntegerField(help_text="Custom field id.")
    value = serializers.CharField(allow_blank=True, help_text="Empty clears the value.")


class _ContactWriteSerializer(serializers.Serializer):
    about = serializers.CharField(required=False, allow_blank=True)
    industry = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    currency = serializers.CharField(
        required=False, allow_blank=True, help_text="ISO 4217 code; empty clears it."
    )
    shareType = serializers.ChoiceField(
        choices=ShareType.choices, required=False, help_text=f"By name or number: {SHARE_TYPE_HELP}"
    )
    isShared = serializers.BooleanField(
        required=False, help_text="Alias: true means shareType ReadWrite, false None."
    )
    isPrivate = serializers.BooleanField(
        required=False,
        help_text="Private contacts are visible to admins, their creator and the access list; "
        "the caller is always on the list. Applied only for admins and the creator on update.",
    )
    accessList = serializers.ListField(
        child=serializers.UUIDField(), required=False, help_text="Employee GUIDs."
    )
    managerList = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        help_text="ONLYOFFICE's name: a non-empty list makes the contact private with it.",
    )
    isNotify = serializers.BooleanField(
        required=False, help_text="E-mail the users added to the access list."
    )
    tags = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Replaces the tags."
    )
    customFieldList = KeyValueSerializer(many=True, required=False)


class PersonWriteSerializer(_ContactWriteSerializer):
    """POST contact/person and PUT contact/person/{personid}: on update only the parameters
    sent change (decision 1)."""

    firstName = serializers.CharField(required=False, allow_blank=True)
    lastName = serializers.CharField(required=False, allow_blank=True)
    jobTitle = serializers.CharField(required=False, allow_blank=True)
    companyId = serializers.IntegerField(required=False, help_text="0 or null: no company.")


class CompanyWriteSerializer(_ContactWriteSerializer):
    """POST contact/company and PUT contact/company/{companyid}: on update only the parameters
    sent change (decision 1)."""

    companyName = serializers.CharField(required=False)
    personList = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Create only: ids of people to move into the company (others skipped).",
    )


class ContactAccessSerializer(serializers.Serializer):
    """PUT contact/{contactid}/access."""

    isPrivate = serializers.BooleanField()
    accessList = serializers.ListField(child=serializers.UUIDField(), required=False)
    managerList = serializers.ListField(
        child=serializers.UUIDField(), required=False, help_text="Alias of accessList."
    )
    isNotify = serializers.BooleanField(required=False)
