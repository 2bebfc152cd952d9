"""ONLYOFFICE's ContactBase and ContactWrapper (Person and Company): plain functions building the
wire dicts, and the queryset helper that loads what they read.

`contact_shape(contact, ctx)` over contacts from `contact_render_queryset(queryset, user=…)`
costs a constant number of queries per page (the custom field headings are read once per
RenderContext). `contact_base_shape` also takes a `ContactRow`, the contact as a row of an
opportunity page."""

from typing import NamedTuple

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from contacts.models import Contact, ContactCustomFieldValue, ContactUserObjectPermission
from contacts.selectors import (
    contact_access_users,
    contact_can_edit,
    contact_can_read,
    contact_list_visible_to,
    contact_with_access,
)
from core.access import access_list_prefetch
from core.models import Currency, CustomFieldDefinition, EntityType, FieldType
from crm_project.api.custom_field_shape import custom_field_list_shape
from crm_project.api.dates import format_datetime
from crm_project.api.render_context import RenderContext

# ONLYOFFICE's ContactInfoType and categories (ContactInfoBaseCategory, PhoneCategory).
INFO_TYPE_PHONE = 0
INFO_TYPE_EMAIL = 1
EMAIL_CATEGORY_WORK = 1
PHONE_CATEGORY_WORK = 0


class AccessRow(NamedTuple):
    """One entry of a contact's access list, as the contact rules read it."""

    user_id: int
    user: object


class ContactRow(NamedTuple):
    """A contact read as a row (no model object): the attributes `contact_base_shape` and the
    contact rules of contacts/selectors.py read, with the model's own display name."""

    id: int
    is_company: bool
    first_name: str
    last_name: str
    company_name: str
    is_private: bool
    share_type: int
    created_by_id: int | None
    currency_id: str | None
    currency: Currency | None
    access_permissions: list[AccessRow]

    display_name = Contact.display_name

    @property
    def pk(self) -> int:
        return self.id


# What a query reads for a ContactRow: its columns up to `currency_id` (then the currency and the
# access list come from elsewhere).
CONTACT_ROW_COLUMNS = ContactRow._fields[: ContactRow._fields.index("currency")]


def contact_base_shape(contact: Contact | ContactRow, ctx: RenderContext) -> dict:
    """Every key always present (decision 3); `accessList` is `[]` for public contacts.
    Expects `contact_with_access` prefetching, else costs a query for the access list."""
    photo = f"{ctx.base_url}/static/img/{'company' if contact.is_company else 'person'}.svg"
    can_edit = contact_can_edit(user=ctx.user, contact=contact)
    return {
        "smallFotoUrl": photo,
        "mediumFotoUrl": photo,
        "displayName": contact.display_name,
        "isCompany": contact.is_company,
        "accessList": (
            [ctx.employee(user) for user in contact_access_users(contact)]
            if contact.is_private
            else []
        ),
        "isPrivate": contact.is_private,
        "isShared": not contact.is_private and contact.share_type != 0,
        "shareType": contact.share_type,
        "currency": ctx.currency(contact.currency) if contact.currency_id else None,
        "canEdit": can_edit,
        "canDelete": can_edit,
        "id": contact.pk,
    }


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
            access_list_prefetch(ContactUserObjectPermission, through="company"),
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
    return custom_field_list_shape(
        [(v.field, v.value) for v in contact.custom_values.all() if v.value != ""],
        [h for h in _headings(ctx) if h.entity_type in scope],
        entity_id=contact.pk,
    )


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
        visible = company is not None and contact_can_read(user=ctx.user, contact=company)
        shape.update(
            {
                "firstName": contact.first_name,
                "lastName": contact.last_name,
                "company": contact_base_shape(company, ctx) if visible else None,
                "title": contact.job_title,
            }
        )
    return shape
