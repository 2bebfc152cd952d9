"""Writes on contacts. Each service validates, raises a typed domain error, and is atomic."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from contacts.errors import ContactChanged
from contacts.models import Contact, ContactCustomFieldValue, ContactUserObjectPermission, ShareType
from contacts.selectors import contact_can_change_access, contact_list_visible_to
from contacts.signals import contact_deleting
from core.counts_cache import counts_invalidate
from core.custom_fields import normalize_value
from core.errors import AccessDenied, InvalidInput, NotFound
from core.limits import check_length
from core.locks import lock_rows
from core.models import CustomFieldDefinition, EntityType
from core.services import access_list_apply, tags_get_or_create

PERSON_FIELDS = {"first_name", "last_name", "job_title", "company"}
COMPANY_FIELDS = {"company_name"}
COMMON_FIELDS = {"about", "industry", "email", "phone", "currency", "share_type"}
CREATE_OPTIONS = {"is_private", "access_list", "tags", "custom_fields", "notify"}


def _invalid(message: str, field: str, **values) -> InvalidInput:
    return InvalidInput(message, field=field, entity="contact", **values)


def _check_company(*, user, company: Contact | None) -> None:
    if company is None:
        return
    if not company.is_company:
        raise _invalid("The company of a person must be a company contact.", "company")
    if not contact_list_visible_to(user=user).filter(pk=company.pk).exists():
        raise _invalid("Company not found", "company")


def _apply(contact: Contact, values: dict, allowed: set[str]) -> list[str]:
    unknown = set(values) - allowed
    if unknown:
        raise InvalidInput(f"Unknown contact fields: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        if name == "share_type":
            value = ShareType.NONE if value is None else value
            if value not in ShareType.values:
                raise _invalid("Unknown share type.", "share_type")
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
    check_length(Contact, name, value)
    if name == "email" and value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise _invalid("'{value}' is not a valid e-mail address.", name, value=value) from exc


def _validate_name(contact: Contact) -> None:
    if contact.is_company and not contact.company_name:
        raise _invalid("The company name is required.", "company_name")
    if not contact.is_company and not (contact.first_name or contact.last_name):
        raise _invalid("A first or last name is required.", "first_name")


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
            raise _invalid("Unknown custom field {id}", "custom_fields", id=field_id)
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
    person_ids = [person.pk for person in persons if not person.is_company]
    if person_ids:
        # the people the creator may edit are those they may read (contacts/selectors.py)
        visible = contact_list_visible_to(user=created_by).filter(pk__in=person_ids)
        Contact.objects.filter(pk__in=visible.values("pk")).update(
            company=company, updated_at=timezone.now(), version=F("version") + 1
        )
    return company


def _lock_visible(*, contact: Contact, user) -> Contact:
    """The contact's row, locked; NotFound when it is gone or `user` may not read it (and
    so may not edit it), so a stranger cannot tell a private contact exists."""
    locked = lock_rows(Contact.objects.filter(pk=contact.pk)).first()
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
            raise _invalid("A contact cannot be its own company.", "company")
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
    notification = (
        f"You have been given access to the contact {contact.display_name}",
        f"{set_by.get_display_name()} shared the contact {contact.display_name}.",
    )
    access_list_apply(
        record=contact,
        perm_model=ContactUserObjectPermission,
        is_private=is_private,
        access_list=access_list,
        set_by=set_by,
        notification=notification if notify else None,
    )


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


def _linked_opportunities(contact: Contact) -> QuerySet:
    """The opportunities `contact` is the contact, customer or a member of, those in the
    trash included (the delete clears them too), through the contact's reverse relations
    (contacts does not import the opportunities app)."""
    opportunities = contact.opportunities.model._base_manager
    return opportunities.filter(
        Q(pk__in=contact.primary_opportunities.values("pk"))
        | Q(pk__in=contact.customer_opportunities.values("pk"))
        | Q(pk__in=contact.opportunities.values("pk"))
    )


def _lock_for_delete(contact: Contact) -> None:
    """Lock what deleting `contact` writes, before Django's collector touches it: the
    opportunities linked to it (cleared or unlinked), then the contact and the people of a
    company (their company is cleared). Opportunities before contacts, as every service takes
    them, so the delete waits for a concurrent move, edit or delete instead of deadlocking."""
    list(lock_rows(_linked_opportunities(contact)).values_list("pk", flat=True))
    rows = Contact.objects.filter(Q(pk=contact.pk) | Q(company=contact))
    if contact.pk not in set(lock_rows(rows).values_list("pk", flat=True)):
        raise NotFound("Contact not found")  # deleted meanwhile


def _raise_linked_versions(contact: Contact) -> None:
    """Deleting `contact` changes the opportunities linked to it and the people of a company:
    their versions go up, so an edit form opened before the delete is refused instead of
    saving over it. The rows are already locked (`_lock_for_delete`)."""
    _linked_opportunities(contact).update(version=F("version") + 1)
    Contact.objects.filter(company=contact).update(version=F("version") + 1)


@transaction.atomic
def contact_delete(*, contact: Contact, deleted_by) -> Contact:
    # who may read a contact may delete it (contacts/selectors.py)
    if not contact_list_visible_to(user=deleted_by).filter(pk=contact.pk).exists():
        raise NotFound("Contact not found")
    _lock_for_delete(contact)
    _raise_linked_versions(contact)
    counts_invalidate()
    contact_deleting.send(sender=Contact, contact=contact, deleted_by=deleted_by)
    contact_id = contact.pk
    contact.delete()
    contact.pk = contact_id  # the caller renders what was deleted
    return contact
