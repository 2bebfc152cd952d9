"""Writes on history events (add, delete) and their categories (administrators only).

An event is added only to what its author may read (every entity named, decision 4), with one
of the history categories or a system category (decision 5), and mails the people it names
after the commit, only those who may read what it is about (decision 3)."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from accounts.models import User
from activities.category_services import CategoryList
from activities.history_selectors import (
    HistoryCategoryNotFound,
    history_event_can_delete,
    history_event_get_visible,
)
from activities.models import HistoryCategory, HistoryEvent, SystemCategory
from contacts.models import Contact
from contacts.selectors import contact_can_read, contact_list_visible_to
from core.errors import AccessDenied, Conflict, InvalidInput
from core.locks import lock_rows, lock_rows_for_reference
from core.notifications import notify_users_on_commit
from opportunities.models import Opportunity
from opportunities.selectors import opportunity_can_read, opportunity_list_visible_to

EVENT = "historyevent"  # the entity of an event's errors (crm_project/api/wire_names.py)
CATEGORY = "historycategory"
MAX_CONTENT = 65000  # ONLYOFFICE's column ("Data too long for column 'content'")
NOT_STORABLE = "\x00"


# -- events ---------------------------------------------------------------------------------------


def _pk(value) -> int | None:
    return getattr(value, "pk", value)


def _readable_opportunity(user: User, opportunity) -> Opportunity | None:
    if opportunity is None:
        return None
    lock_rows_for_reference(Opportunity, [_pk(opportunity)])  # a purge waits for the insert
    found = opportunity_list_visible_to(user=user).filter(pk=_pk(opportunity)).first()
    if found is None:
        raise InvalidInput(
            "The opportunity ({field}) was not found.", field="opportunity", entity=EVENT
        )
    return found


def _readable_contact(user: User, contact) -> Contact | None:
    if contact is None:
        return None
    lock_rows_for_reference(Contact, [_pk(contact)])
    found = contact_list_visible_to(user=user).filter(pk=_pk(contact)).first()
    if found is None:
        raise InvalidInput("The contact ({field}) was not found.", field="contact", entity=EVENT)
    return found


def _clean_category(category, system_category) -> tuple[HistoryCategory | None, int]:
    system_category = int(system_category or SystemCategory.NONE)
    if category is not None and system_category:
        raise InvalidInput("An event has one category ({field}).", field="category", entity=EVENT)
    if system_category:
        if system_category not in SystemCategory.values:
            raise InvalidInput(
                "{field}: there is no system category {value}.",
                field="category",
                entity=EVENT,
                value=system_category,
            )
        return None, system_category
    if category is None:
        raise InvalidInput("The category ({field}) is required.", field="category", entity=EVENT)
    lock_rows_for_reference(HistoryCategory, [_pk(category)])
    found = HistoryCategory.objects.filter(pk=_pk(category)).first()
    if found is None:
        raise InvalidInput(
            "{field}: there is no history category {value}.",
            field="category",
            entity=EVENT,
            value=_pk(category),
        )
    return found, SystemCategory.NONE


def _clean_content(content) -> str:
    if not isinstance(content, str) or not content.strip():
        raise InvalidInput("The content ({field}) is required.", field="content", entity=EVENT)
    if len(content) > MAX_CONTENT:
        raise InvalidInput(
            "{field} has at most {limit} characters.",
            field="content",
            entity=EVENT,
            limit=MAX_CONTENT,
        )
    if NOT_STORABLE in content:
        raise InvalidInput(
            "{field} contains a character that cannot be stored (U+0000).",
            field="content",
            entity=EVENT,
        )
    return content


def _clean_created_at(created_at) -> datetime:
    if created_at is None:
        return timezone.now()
    if not isinstance(created_at, datetime) or timezone.is_naive(created_at):
        raise InvalidInput(
            "{field} must be a date with its time zone.", field="created_at", entity=EVENT
        )
    return created_at


def _clean_recipients(users: Iterable, *, opportunity, contact) -> list[User]:
    """The people to mail: active users with CRM access who may read the event's opportunity
    and contact; anyone else is a 400 naming them (ONLYOFFICE mails anyone)."""
    recipients = list({user.pk: user for user in users}.values())
    for user in recipients:
        may_read = (
            user.is_active
            and user.has_crm_access
            and (opportunity is None or opportunity_can_read(user=user, opportunity=opportunity))
            and (contact is None or contact_can_read(user=user, contact=contact))
        )
        if not may_read:
            raise InvalidInput(
                "{field}: {name} cannot read what this event is about and is not notified.",
                field="notify_users",
                entity=EVENT,
                name=user.get_display_name(),
            )
    return recipients


def _notify(event: HistoryEvent, recipients: list[User], *, added_by: User) -> None:
    about = event.opportunity.title if event.opportunity else event.contact.display_name
    kind = event.category.title if event.category else event.get_system_category_display()
    text = strip_tags(event.content).strip()
    notify_users_on_commit(
        users=[user for user in recipients if user.pk != added_by.pk],
        subject=f"{kind}: {Truncator(about).chars(80)}",
        body=f"{added_by.get_display_name()} wrote about “{about}” ({kind}):\n\n{text}\n",
    )


@transaction.atomic
def history_event_add(
    *,
    added_by: User,
    content: str,
    category=None,
    system_category: int = SystemCategory.NONE,
    opportunity=None,
    contact=None,
    created_at: datetime | None = None,
    notify_users: Iterable[User] = (),
) -> HistoryEvent:
    """A note, call, e-mail or meeting on an opportunity, a contact, or both (objects or ids),
    which `added_by` must be able to read: otherwise a 400 naming the field, as if it did not
    exist. `content` is stored as sent (HTML; sanitized when shown)."""
    if not added_by.has_crm_access:
        raise AccessDenied()
    if opportunity is None and contact is None:
        raise InvalidInput(
            "An event is about an opportunity or a contact ({field}).",
            field="opportunity",
            entity=EVENT,
        )
    content = _clean_content(content)
    category, system_category = _clean_category(category, system_category)
    created_at = _clean_created_at(created_at)
    opportunity = _readable_opportunity(added_by, opportunity)
    contact = _readable_contact(added_by, contact)
    recipients = _clean_recipients(notify_users, opportunity=opportunity, contact=contact)
    event = HistoryEvent.objects.create(
        content=content,
        category=category,
        system_category=system_category,
        opportunity=opportunity,
        contact=contact,
        created_at=created_at,
        created_by=added_by,
    )
    if recipients:
        _notify(event, recipients, added_by=added_by)
    return event


@transaction.atomic
def history_event_delete(*, event_id: int, deleted_by: User) -> HistoryEvent:
    """Delete an event `deleted_by` may read (else 404) and delete (else 403: admins, its
    author, its opportunity's responsible). Returns it as it was, its id kept."""
    event = history_event_get_visible(user=deleted_by, event_id=event_id)
    if not history_event_can_delete(user=deleted_by, event=event):
        raise AccessDenied("Only its author, the deal's responsible and admins delete an event.")
    locked = lock_rows(HistoryEvent.objects.filter(pk=event.pk)).first()
    if locked is not None:
        locked.delete()
    event.pk = event_id
    return event


# -- categories -----------------------------------------------------------------------------------

HISTORY_CATEGORIES = CategoryList(
    model=HistoryCategory,
    entity=CATEGORY,
    noun="history category",
    not_found=HistoryCategoryNotFound,
)


def history_category_create(*, created_by: User, **values) -> HistoryCategory:
    """A new category (`title`, `description`, `image_name`, `color`, `sort_order`: 0 puts it
    last). A title another category has (in any case) is a 400 (ONLYOFFICE answers the
    existing one as if created)."""
    return HISTORY_CATEGORIES.create(created_by=created_by, **values)


def history_category_update(*, category_id: int, updated_by: User, **changes) -> HistoryCategory:
    """Change the named fields (omitted ones keep their value). A category in use may be
    renamed (ONLYOFFICE refuses it): its events follow it."""
    return HISTORY_CATEGORIES.update(category_id=category_id, updated_by=updated_by, **changes)


def history_category_set_icon(*, category_id: int, image_name: str, updated_by: User):
    return history_category_update(
        category_id=category_id, updated_by=updated_by, image_name=image_name
    )


def history_category_reorder(*, titles: Iterable[str] | None, reordered_by: User) -> list:
    """The categories named by title first, in that order, then the others (see
    `CategoryList.reorder`)."""
    return HISTORY_CATEGORIES.reorder(titles=titles, reordered_by=reordered_by)


def _refuse_if_used(category: HistoryCategory, categories) -> None:
    if HistoryEvent.objects.filter(category_id=category.pk).exists():
        raise Conflict("Can't be deleted. There are some history events with this category.")


def history_category_delete(*, category_id: int, deleted_by: User) -> HistoryCategory:
    """Delete an unused category; the last one, or one that events use (those in the trash
    included: they come back with their deal), is a 400."""
    return HISTORY_CATEGORIES.delete(
        category_id=category_id, deleted_by=deleted_by, release=_refuse_if_used
    )
