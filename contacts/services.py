"""Writes on contacts. Each service validates, raises a typed domain error, and is atomic."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from contacts.errors import ContactChanged
from contacts.lock_objects import contact_qs_select_for_update
from contacts.models import Contact, ContactCustomFieldValue, ContactUserObjectPermission, ShareType
from contacts.selectors import (
    contact_access_user_ids,
    contact_can_change_access,
    contact_can_edit,
    contact_list_visible_to,
)
from core.access import clear_access_list, replace_access_list
from core.custom_fields import normalize_value
from core.errors import AccessDenied, InvalidInput, NotFound
from core.models import CustomFieldDefinition, EntityType
from core.notifications import notify_access_granted_on_commit
from core.services import tags_get_or_create
from opportunities.counts_cache import counts_invalidate
from opportunities.lock_objects import opportunity_qs_select_for_update
from opportunities.models import Opportunity, OpportunityMember

PERSON_FIELDS = {"first_name", "last_name", "job_title", "company"}
COMPANY_FIELDS = {"company_name"}
COMMON_FIELDS = {"about", "industry", "email", "phone", "currency", "share_type"}
# Wire names, for error messages.
_WIRE_NAMES = {
    "first_name": "firstName",
    "last_name": "lastName",
    "job_title": "jobTitle",
    "company_name": "companyName",
}
CREATE_OPTIONS = {"is_private", "access_list", "tags", "custom_fields", "notify"}


def _check_company(*, user, company: Contact | None) -> None:
    if company is None:
        return
    if not company.is_company:
        raise InvalidInput("The company of a person must be a company contact.", field="companyId")
    if not contact_list_visible_to(user=user).filter(pk=company.pk).exists():
        raise InvalidInput("Company not found", field="companyId")


def _apply(contact: Contact, values: dict, allowed: set[str]) -> list[str]:
    unknown = set(values) - allowed
    if unknown:
        raise InvalidInput(f"Unknown contact fields: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        if name == "share_type":
            value = ShareType.NONE if value is None else value
            if value not in ShareType.values:
                raise InvalidInput("Unknown share type.", field="shareType")
        elif name != "company" and name != "currency" and value is None:
            value = ""
        if isinstance(value, str):
            value = value.strip()
            _check_text(name, value)
        setattr(contact, name, value)
    return list(values)


def _check_text(name: str, value: str) -> None:
    """Refuse what the database would (PostgreSQL enforces lengths, SQLite does not) and
    malformed e-mail addresses."""
    field = _WIRE_NAMES.get(name, name)
    max_length = Contact._meta.get_field(name).max_length
    if max_length and len(value) > max_length:
        raise InvalidInput(f"{field} has at most {max_length} characters.", field=field)
    if name == "email" and value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise InvalidInput(f"'{value}' is not a valid e-mail address.", field=field) from exc


def _validate_name(contact: Contact) -> None:
    if contact.is_company and not contact.company_name:
        raise InvalidInput("The company name is required.", field="companyName")
    if not contact.is_company and not (contact.first_name or contact.last_name):
        raise InvalidInput("A first or last name is required.", field="firstName")


def _custom_field_scope(contact: Contact) -> list[str]:
    kind = EntityType.COMPANY if contact.is_company else EntityType.PERSON
    return [kind, EntityType.CONTACT]


def contact_set_custom_fields(*, contact: Contact, values: dict[int, object]) -> None:
    """Set custom field values by definition id; an empty value deletes it."""
    if not values:
        return
    definitions = CustomFieldDefinition.objects.in_bulk(list(values))
    for field_id, raw in values.items():
        definition = definitions.get(field_id)
        if definition is None or definition.entity_type not in _custom_field_scope(contact):
            raise InvalidInput(f"Unknown custom field {field_id}", field="customFieldList")
        text = normalize_value(definition, raw)
        if text:
            ContactCustomFieldValue.objects.update_or_create(
                contact=contact, field=definition, defaults={"value": text}
            )
        else:
            ContactCustomFieldValue.objects.filter(contact=contact, field=definition).delete()


@transaction.atomic
def _contact_create(
    *,
    created_by,
    is_company: bool,
    values: dict,
    allowed: set[str],
    is_private=False,
    access_list=(),
    tags=(),
    custom_fields=None,
    notify=False,
) -> Contact:
    contact = Contact(is_company=is_company, created_by=created_by)
    _apply(contact, values, allowed)
    _validate_name(contact)
    _check_company(user=created_by, company=contact.company)
    contact.save()
    if tags:
        contact.tags.set(tags_get_or_create(entity_type=EntityType.CONTACT, titles=tags))
    contact_set_custom_fields(contact=contact, values=custom_fields or {})
    if is_private:
        _set_access(
            contact=contact,
            is_private=True,
            access_list=access_list,
            set_by=created_by,
            notify=notify,
        )
    return contact


def contact_create_person(*, created_by, **kwargs) -> Contact:
    values = {k: kwargs.pop(k) for k in list(kwargs) if k not in CREATE_OPTIONS}
    return _contact_create(
        created_by=created_by,
        is_company=False,
        values=values,
        allowed=PERSON_FIELDS | COMMON_FIELDS,
        **kwargs,
    )


@transaction.atomic
def contact_create_company(*, created_by, persons=(), **kwargs) -> Contact:
    """`persons`: people to move into the new company. Companies and people the creator may
    not read or edit are skipped, as ONLYOFFICE skips inaccessible ones."""
    values = {k: kwargs.pop(k) for k in list(kwargs) if k not in CREATE_OPTIONS}
    company = _contact_create(
        created_by=created_by,
        is_company=True,
        values=values,
        allowed=COMPANY_FIELDS | COMMON_FIELDS,
        **kwargs,
    )
    person_ids = [
        person.pk
        for person in persons
        if not person.is_company and contact_can_edit(user=created_by, contact=person)
    ]
    if person_ids:
        visible = contact_list_visible_to(user=created_by).filter(pk__in=person_ids)
        Contact.objects.filter(pk__in=visible.values("pk")).update(
            company=company, updated_at=timezone.now(), version=F("version") + 1
        )
    return company


def _lock_visible(*, contact: Contact, user) -> Contact:
    """The contact's row, locked; NotFound when it is gone or `user` may not read it, so a
    stranger cannot tell a private contact exists."""
    locked = Contact.objects.select_for_update().filter(pk=contact.pk).order_by("pk").first()
    if locked is None or not contact_list_visible_to(user=user).filter(pk=locked.pk).exists():
        raise NotFound("Contact not found")
    return locked


@transaction.atomic
def contact_update(
    *, contact: Contact, updated_by, expected_version: int | None = None, **changes
) -> Contact:
    """Change only the named fields; omitted fields keep their values. With
    `expected_version` (the edit form), a contact written since is refused with
    ContactChanged and nothing is written."""
    contact = _lock_visible(contact=contact, user=updated_by)
    counts_invalidate()  # a contact's name and visibility decide some filters
    if not contact_can_edit(user=updated_by, contact=contact):
        raise AccessDenied()
    if expected_version is not None and contact.version != expected_version:
        raise ContactChanged(current=contact)
    tags = changes.pop("tags", None)
    custom_fields = changes.pop("custom_fields", None)
    access = {k: changes.pop(k) for k in ("is_private", "access_list", "notify") if k in changes}
    allowed = (COMPANY_FIELDS if contact.is_company else PERSON_FIELDS) | COMMON_FIELDS
    _apply(contact, changes, allowed)
    _validate_name(contact)
    if "company" in changes:
        if contact.company_id == contact.pk:
            raise InvalidInput("A contact cannot be its own company.", field="companyId")
        _check_company(user=updated_by, company=contact.company)
    contact.updated_at = timezone.now()
    contact.version += 1
    contact.save()
    if tags is not None:
        contact.tags.set(tags_get_or_create(entity_type=EntityType.CONTACT, titles=tags))
    if custom_fields:
        contact_set_custom_fields(contact=contact, values=custom_fields)
    if access and contact_can_change_access(user=updated_by, contact=contact):
        _set_access(
            contact=contact,
            is_private=access.get("is_private", contact.is_private),
            access_list=access.get("access_list"),
            set_by=updated_by,
            notify=access.get("notify", False),
        )
    return contact


def _set_access(*, contact: Contact, is_private: bool, access_list, set_by, notify: bool) -> None:
    counts_invalidate()
    if is_private:
        if access_list is None:  # keep the current list
            access_list = User.objects.filter(pk__in=contact_access_user_ids(contact))
        users = [*access_list, set_by]
        added = replace_access_list(ContactUserObjectPermission, contact, users)
        if notify:
            notify_access_granted_on_commit(
                users=[u for u in added if u.pk != set_by.pk],
                subject=f"You have been given access to the contact {contact.display_name}",
                body=f"{set_by.get_display_name()} shared the contact {contact.display_name}.",
            )
    else:
        clear_access_list(ContactUserObjectPermission, contact)
    if contact.is_private != is_private:
        contact.is_private = is_private
        contact.save(update_fields=["is_private"])


@transaction.atomic
def contact_set_access(*, contact: Contact, is_private: bool, access_list, set_by, notify=False):
    contact = _lock_visible(contact=contact, user=set_by)
    if not contact_can_change_access(user=set_by, contact=contact):
        raise AccessDenied()
    contact.version += 1
    contact.save(update_fields=["version"])
    _set_access(
        contact=contact,
        is_private=is_private,
        access_list=access_list,
        set_by=set_by,
        notify=notify,
    )
    return contact


def _lock_for_delete(contact: Contact) -> None:
    """Lock what deleting `contact` writes, before Django's collector touches it: the
    opportunities it is the contact, customer or a member of (cleared or unlinked), then the
    contact and the people of a company (their company is cleared). Opportunities before
    contacts and each in primary-key order, as every service takes them, so the delete waits
    for a concurrent move, edit or delete of one of them instead of deadlocking with it."""
    memberships = OpportunityMember.objects.filter(contact=contact).values("opportunity_id")
    linked = Opportunity.objects.filter(
        Q(contact=contact) | Q(customer=contact) | Q(pk__in=memberships)
    )
    list(opportunity_qs_select_for_update(linked).values_list("pk", flat=True))
    rows = Contact.objects.filter(Q(pk=contact.pk) | Q(company=contact))
    if contact.pk not in set(contact_qs_select_for_update(rows).values_list("pk", flat=True)):
        raise NotFound("Contact not found")  # deleted meanwhile


def _raise_linked_versions(contact: Contact) -> None:
    """Deleting `contact` changes the opportunities linked to it (contact or customer cleared,
    member removed) and the people of a company (company cleared): their versions go up, so
    an edit form opened before the delete is refused instead of saving over it. The rows are
    already locked (`_lock_for_delete`)."""
    memberships = OpportunityMember.objects.filter(contact=contact).values("opportunity_id")
    Opportunity.objects.filter(
        Q(contact=contact) | Q(customer=contact) | Q(pk__in=memberships)
    ).update(version=F("version") + 1)
    Contact.objects.filter(company=contact).update(version=F("version") + 1)


@transaction.atomic
def contact_delete(*, contact: Contact, deleted_by) -> Contact:
    if not contact_list_visible_to(user=deleted_by).filter(pk=contact.pk).exists():
        raise NotFound("Contact not found")
    if not contact_can_edit(user=deleted_by, contact=contact):
        raise AccessDenied()
    _lock_for_delete(contact)
    _raise_linked_versions(contact)
    counts_invalidate()
    contact_id = contact.pk
    contact.delete()
    contact.pk = contact_id  # the caller renders what was deleted
    return contact
