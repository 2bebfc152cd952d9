from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet

from accounts.selectors import user_has_crm_access
from contacts.models import Contact, ContactUserObjectPermission
from core.access import access_list_user_ids, visible_q
from core.errors import NotFound


def contact_list_visible_to(*, user) -> QuerySet[Contact]:
    """Every contact `user` may read, as one SQL query: admins see all; others see public
    contacts, those they created and those whose access list holds them."""
    contacts = Contact.objects.all()
    if not user_has_crm_access(user):
        return contacts.none()
    if user.is_crm_admin:
        return contacts
    return contacts.filter(visible_q(ContactUserObjectPermission, Contact, user, "created_by"))


def contact_visible_q(*, user, through: str) -> Q:
    """The rule of `contact_list_visible_to` over the relation `through` (e.g. "contact" or
    "company") of another model, as one SQL condition: true where the related contact exists
    and `user` may read it, false where it is hidden or there is none. Use it to show, count
    or match a related contact only as the API shows it, without a query per row."""
    exists = Q(**{f"{through}__isnull": False})
    if not user_has_crm_access(user):
        return exists & Q(**{f"{through}__isnull": True})  # never true
    if user.is_crm_admin:
        return exists
    return _through(visible_q(ContactUserObjectPermission, Contact, user, "created_by"), through)


def _through(condition: Q, prefix: str) -> Q:
    """`condition` (over Contact) with every lookup reached through `prefix`."""
    moved = Q()
    moved.connector, moved.negated = condition.connector, condition.negated
    moved.children = [
        _through(child, prefix) if isinstance(child, Q) else (f"{prefix}__{child[0]}", child[1])
        for child in condition.children
    ]
    return moved


def contact_with_company_shown(queryset: QuerySet[Contact], *, user) -> QuerySet[Contact]:
    """`company_shown`: whether the person's company exists and `user` may read it, in the
    same query. A page shows `contact.company` only where it holds, as the API renders a
    hidden company as null."""
    return queryset.annotate(
        company_shown=ExpressionWrapper(
            contact_visible_q(user=user, through="company"), output_field=BooleanField()
        )
    )


def contact_get_visible(*, user, contact_id: int) -> Contact:
    contact = contact_list_visible_to(user=user).filter(pk=contact_id).first()
    if contact is None:
        raise NotFound("Contact not found")
    return contact


def contact_can_edit(*, user, contact: Contact) -> bool:
    """Edit and delete follow read: admins, the creator, anyone for a public contact, and the
    access list of a private one."""
    if not user_has_crm_access(user):
        return False
    if user.is_crm_admin or not contact.is_private or contact.created_by_id == user.pk:
        return True
    rows = getattr(contact, "access_permissions", None)
    if rows is not None:
        return any(row.user_id == user.pk for row in rows)
    return user.pk in contact_access_user_ids(contact)


def contact_can_change_access(*, user, contact: Contact) -> bool:
    if not user_has_crm_access(user):
        return False
    return bool(user.is_crm_admin or contact.created_by_id == user.pk)


def contact_access_user_ids(contact: Contact) -> set[int]:
    return access_list_user_ids(ContactUserObjectPermission, contact)


def contact_search(*, user, text: str = "", is_company: bool | None = None) -> QuerySet[Contact]:
    contacts = contact_list_visible_to(user=user)
    if is_company is not None:
        contacts = contacts.filter(is_company=is_company)
    for word in text.split():
        contacts = contacts.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(company_name__icontains=word)
            | Q(email__icontains=word)
        )
    return contacts


def contact_with_access(queryset: QuerySet[Contact]) -> QuerySet[Contact]:
    """Contacts with their access-list rows prefetched (`access_permissions`), so rendering
    `accessList`, `canEdit` and visibility costs no query per contact."""
    return queryset.select_related("currency").prefetch_related(
        Prefetch(
            "contactuserobjectpermission_set",
            queryset=ContactUserObjectPermission.objects.select_related("user").order_by("user_id"),
            to_attr="access_permissions",
        )
    )


def contact_access_users(contact: Contact) -> list:
    rows = getattr(contact, "access_permissions", None)
    if rows is None:
        rows = ContactUserObjectPermission.objects.filter(content_object=contact).select_related(
            "user"
        )
    return sorted({row.user_id: row.user for row in rows}.values(), key=lambda u: u.pk)


def contact_is_visible_in_memory(*, user, contact: Contact) -> bool:
    """The visibility rule of `contact_list_visible_to` for an already loaded contact, using
    prefetched access rows (for rendering lists without a query per row)."""
    if not user_has_crm_access(user):
        return False
    if user.is_crm_admin or not contact.is_private or contact.created_by_id == user.pk:
        return True
    return any(row.user_id == user.pk for row in getattr(contact, "access_permissions", []))
