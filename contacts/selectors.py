"""Reads on contacts. Who may read, edit and share a contact is decided here, once
(`CONTACT_READERS`, `CONTACT_SHARERS`), in SQL and in Python from the same rule."""

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from accounts.selectors import user_has_crm_access
from contacts.models import Contact, ContactUserObjectPermission
from core.access import AccessRule, access_list_prefetch, access_list_user_ids, access_list_users
from core.errors import AccessDenied, NotFound
from core.selectors import text_search_q

# Read, and so edit and delete: admins, the creator, anyone for a public contact, and the
# access list of a private one.
CONTACT_READERS = AccessRule(
    may_use=user_has_crm_access, owners=("created_by",), access_list=ContactUserObjectPermission
)
# Change who may see it: admins and the creator.
CONTACT_SHARERS = AccessRule(may_use=user_has_crm_access, owners=("created_by",))


def contact_list_visible_to(*, user) -> QuerySet[Contact]:
    """Every contact `user` may read, as one SQL query (`CONTACT_READERS`)."""
    return CONTACT_READERS.filter(Contact.objects.all(), user)


def contact_visible_q(*, user, through: str = "") -> Q:
    """`CONTACT_READERS` as one SQL condition, over Contact or over the relation `through`
    (e.g. "contact" or "company") of another model: true where the related contact exists
    and `user` may read it. Use it to show, count or match a related contact only as the API
    shows it, without a query per row."""
    return CONTACT_READERS.q(user, through=through)


def contact_shown(*, user, through: str) -> ExpressionWrapper:
    """`contact_visible_q` over `through` as a boolean column, for `annotate`."""
    return ExpressionWrapper(contact_visible_q(user=user, through=through), BooleanField())


def contact_with_company_shown(queryset: QuerySet[Contact], *, user) -> QuerySet[Contact]:
    """`company_shown`: whether the person's company exists and `user` may read it, in the
    same query. A page shows `contact.company` only where it holds, as the API renders a
    hidden company as null."""
    return queryset.annotate(company_shown=contact_shown(user=user, through="company"))


def contact_get_visible(*, user, contact_id: int) -> Contact:
    """The contact, or NotFound when it is missing or hidden from `user` (the same error)."""
    contact = contact_list_visible_to(user=user).filter(pk=contact_id).first()
    if contact is None:
        raise NotFound("Contact not found")
    return contact


def contact_get_editable(*, user, contact_id: int) -> Contact:
    """`contact_get_visible`, then AccessDenied if `user` may read but not edit it."""
    contact = contact_get_visible(user=user, contact_id=contact_id)
    if not contact_can_edit(user=user, contact=contact):
        raise AccessDenied("You may see this contact but not change it.")
    return contact


def contact_can_read(*, user, contact: Contact) -> bool:
    """`CONTACT_READERS` for a loaded contact (prefetched access rows, else one query)."""
    return CONTACT_READERS.allows(user, contact)


# Edit and delete follow read (ONLYOFFICE's CanEdit for contacts).
contact_can_edit = contact_can_read


def contact_can_change_access(*, user, contact: Contact) -> bool:
    return CONTACT_SHARERS.allows(user, contact)


def contact_access_user_ids(contact: Contact) -> set[int]:
    """The access list as stored now (one query; prefetched rows are not used)."""
    return access_list_user_ids(ContactUserObjectPermission, contact)


CONTACT_SEARCH_FIELDS = ("first_name", "last_name", "company_name", "email")


def contact_search(*, user, text: str = "", is_company: bool | None = None) -> QuerySet[Contact]:
    """The contacts `user` may read with every word of `text` in the first, last or company
    name or the e-mail address (the contact lists' and the API's `filterValue`)."""
    contacts = contact_list_visible_to(user=user)
    if is_company is not None:
        contacts = contacts.filter(is_company=is_company)
    return contacts.filter(text_search_q(text, CONTACT_SEARCH_FIELDS, entity="contact"))


def contact_with_access(queryset: QuerySet[Contact]) -> QuerySet[Contact]:
    """Contacts with their access-list rows prefetched (`access_permissions`), so rendering
    `accessList`, `canEdit` and visibility costs no query per contact."""
    return queryset.select_related("currency").prefetch_related(
        access_list_prefetch(ContactUserObjectPermission)
    )


def contact_access_users(contact: Contact) -> list:
    return access_list_users(ContactUserObjectPermission, contact)
