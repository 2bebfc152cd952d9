"""Writes on tasks: create (also one per contact), update, close, reopen, delete (the mail and
the reminders: activities/task_notifications.py). Every write keeps the next task date of the
opportunities it touches (`Opportunity.next_task_due`, opportunities/next_step_services.py).

Decisions 3, 4, 10 and 12 of the wire contract: the responsible is an active user (by default
the caller) who can read what the task is linked to; a linked opportunity or contact must exist
and be readable by the caller (else a 400 "not found" naming the field); the deadline is
required; an update changes only what it names. A guest may be made responsible (as for
opportunities: ONLYOFFICE clients do it), reads nothing of it and is mailed nothing.

Assigning a task (creating it, or changing its responsible) mails the new responsible after the
commit, unless they assigned it themselves or the caller asks for no mail (`notify=False`: the
API's `isNotify=false`); a failing mail server never undoes the write.
Reopening a task re-arms its reminder only when the reminder time is still ahead.

Locks: the rows of the opportunities whose next task date the write changes first (primary-key
order), then the task's row, before the task is written: two writes on tasks of one deal wait
for each other, so the date each computes includes the other's. Deals before tasks is the
order of `purge_trash` too (it locks the deals, then deletes their tasks): a task write on a
deal being purged waits for the purge and then finds the task or the deal gone."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from activities.models import Task, TaskCategory
from activities.task_notifications import notify_task_assigned
from activities.task_selectors import (
    TASK,
    TaskCategoryNotFound,
    TaskNotFound,
    open_task_earliest_deadline,
    task_can_edit,
    task_visible_q,
)
from contacts.models import Contact
from contacts.selectors import contact_can_read, contact_list_visible_to
from core.errors import AccessDenied, InvalidInput
from core.limits import check_integer, check_length
from core.locks import lock_rows, lock_rows_for_reference
from opportunities.models import Opportunity
from opportunities.next_step_services import opportunity_record_next_task_due
from opportunities.selectors import opportunity_can_read, opportunity_list_visible_to

UPDATABLE_FIELDS = frozenset(
    {
        "title",
        "description",
        "deadline",
        "responsible",
        "category",
        "alert_minutes",
        "opportunity",
        "contact",
    }
)
# The columns an update may change (attribute names), compared to write only what changed.
WRITTEN_COLUMNS = (
    "title",
    "description",
    "deadline",
    "alert_minutes",
    "remind_at",
    "reminded_at",
    "category_id",
    "opportunity_id",
    "contact_id",
    "responsible_id",
)
NOT_STORABLE = "\x00"


# -- cleaning -----------------------------------------------------------------------------------


def _pk(value) -> int | None:
    return getattr(value, "pk", value)


def _clean_title(title) -> str:
    title = str(title or "").strip()
    if not title:
        raise InvalidInput("The title ({field}) is required.", field="title", entity=TASK)
    return _storable("title", check_length(Task, "title", title))


def _storable(name: str, value: str) -> str:
    if NOT_STORABLE in value:
        raise InvalidInput(
            "{field} contains a character that cannot be stored (U+0000).", field=name, entity=TASK
        )
    return value


def _clean_description(description) -> str:
    return _storable("description", str(description or "").strip())


def _clean_deadline(deadline) -> datetime:
    if deadline is None:
        raise InvalidInput("The deadline ({field}) is required.", field="deadline", entity=TASK)
    if not isinstance(deadline, datetime):
        raise InvalidInput("{field} must be a date.", field="deadline", entity=TASK)
    return timezone.make_aware(deadline) if timezone.is_naive(deadline) else deadline


def _clean_alert(alert_minutes) -> int:
    if alert_minutes in (None, ""):
        return 0
    if isinstance(alert_minutes, bool) or not isinstance(alert_minutes, int):
        raise InvalidInput("{field} must be a whole number.", field="alert_minutes", entity=TASK)
    if alert_minutes < 0:
        raise InvalidInput("{field} cannot be negative.", field="alert_minutes", entity=TASK)
    return check_integer(Task, "alert_minutes", alert_minutes)


def _clean_category(category) -> TaskCategory:
    if category is None:
        raise InvalidInput("The category ({field}) is required.", field="category", entity=TASK)
    if isinstance(category, TaskCategory):
        return category
    found = TaskCategory.objects.filter(pk=_pk(category)).first()
    if found is None:
        raise TaskCategoryNotFound(field="category", entity=TASK)
    return found


def _readable_opportunity(user: User, opportunity) -> Opportunity | None:
    if opportunity is None:
        return None
    found = opportunity_list_visible_to(user=user).filter(pk=_pk(opportunity)).first()
    if found is None:
        raise InvalidInput(
            "The opportunity ({field}) was not found.", field="opportunity", entity=TASK
        )
    return found


def _readable_contact(user: User, contact) -> Contact | None:
    if contact is None:
        return None
    lock_rows_for_reference(Contact, [_pk(contact)])
    found = contact_list_visible_to(user=user).filter(pk=_pk(contact)).first()
    if found is None:
        raise InvalidInput("The contact ({field}) was not found.", field="contact", entity=TASK)
    return found


def _check_responsible(responsible, *, opportunity, contact) -> User:
    """An active user who reads what the task is about (decision 3). A guest reads nothing
    and is mailed nothing: it may be made responsible, as of an opportunity."""
    if not isinstance(responsible, User) or not responsible.is_active:
        raise InvalidInput(
            "The responsible ({field}) was not found.", field="responsible", entity=TASK
        )
    if not responsible.has_crm_access:
        return responsible
    may_read = (
        opportunity is None or opportunity_can_read(user=responsible, opportunity=opportunity)
    ) and (contact is None or contact_can_read(user=responsible, contact=contact))
    if not may_read:
        raise InvalidInput(
            "{field}: {name} cannot read what this task is about.",
            field="responsible",
            entity=TASK,
            name=responsible.get_display_name(),
        )
    return responsible


def _remind_at(deadline: datetime, alert_minutes: int) -> datetime | None:
    if not alert_minutes:
        return None
    try:
        return deadline - timedelta(minutes=alert_minutes)
    except OverflowError:  # before year 1: remind at once
        return timezone.now()


def _require_crm(user: User) -> None:
    if not (user and user.is_authenticated and user.has_crm_access):
        raise AccessDenied()


# -- the next task date of opportunities --------------------------------------------------------


def _lock_opportunities(
    opportunity_ids: Iterable[int | None], *, linking: int | None = None
) -> list[int]:
    """Lock the opportunities whose next task date a write changes, before the write.
    `linking`: the one a new task is linked to, read before the lock; trashed or purged since,
    it is not found, as a moment later (else the insert would fail on its foreign key)."""
    ids = sorted({pk for pk in opportunity_ids if pk is not None})
    if ids:
        rows = lock_rows(Opportunity.all_objects.filter(pk__in=ids))
        live = {pk for pk, deleted in rows.values_list("pk", "deleted_at") if deleted is None}
        if linking is not None and linking not in live:
            raise InvalidInput(
                "The opportunity ({field}) was not found.", field="opportunity", entity=TASK
            )
    return ids


def _record_next_due(opportunity_ids: list[int]) -> None:
    for opportunity_id in opportunity_ids:
        opportunity_record_next_task_due(
            opportunity_id=opportunity_id,
            due=open_task_earliest_deadline(opportunity_id=opportunity_id),
        )


# -- create -------------------------------------------------------------------------------------


def _build_task(
    *,
    created_by: User,
    title,
    deadline,
    category,
    responsible,
    description,
    opportunity,
    contact,
    alert_minutes,
) -> Task:
    title = _clean_title(title)
    description = _clean_description(description)
    deadline = _clean_deadline(deadline)
    alert_minutes = _clean_alert(alert_minutes)
    category = _clean_category(category)
    opportunity = _readable_opportunity(created_by, opportunity)
    contact = _readable_contact(created_by, contact)
    responsible = _check_responsible(
        responsible or created_by, opportunity=opportunity, contact=contact
    )
    now = timezone.now()
    return Task(
        title=title,
        description=description,
        deadline=deadline,
        responsible=responsible,
        category=category,
        alert_minutes=alert_minutes,
        remind_at=_remind_at(deadline, alert_minutes),
        opportunity=opportunity,
        contact=contact,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )


@transaction.atomic
def task_create(
    *,
    created_by: User,
    title: str,
    deadline: datetime,
    category,
    responsible: User | None = None,
    description: str = "",
    opportunity=None,
    contact=None,
    alert_minutes: int = 0,
    notify: bool = True,
) -> Task:
    """A new open task (the category, opportunity and contact as objects or ids). Mails the
    responsible (by default `created_by`) after the commit when it is someone else, unless
    `notify` is False."""
    _require_crm(created_by)
    task = _build_task(
        created_by=created_by,
        title=title,
        deadline=deadline,
        category=category,
        responsible=responsible,
        description=description,
        opportunity=opportunity,
        contact=contact,
        alert_minutes=alert_minutes,
    )
    locked = _lock_opportunities([task.opportunity_id], linking=task.opportunity_id)
    task.save()
    _record_next_due(locked)
    if notify:
        notify_task_assigned(task, assigned_by=created_by)
    return task


@transaction.atomic
def task_create_for_contacts(
    *,
    created_by: User,
    contacts: Iterable,
    title: str,
    deadline: datetime,
    category,
    responsible: User | None = None,
    description: str = "",
    opportunity=None,
    alert_minutes: int = 0,
    notify: bool = True,
) -> list[Task]:
    """One task per contact (ONLYOFFICE's `contact/task/group`), all or none: every contact
    must be readable by `created_by` and by the responsible. Mails as `task_create`."""
    _require_crm(created_by)
    contact_ids = list(dict.fromkeys(_pk(contact) for contact in contacts))
    if not contact_ids:
        raise InvalidInput("Name at least one contact ({field}).", field="contact", entity=TASK)
    tasks = [
        _build_task(
            created_by=created_by,
            title=title,
            deadline=deadline,
            category=category,
            responsible=responsible,
            description=description,
            opportunity=opportunity,
            contact=contact_id,
            alert_minutes=alert_minutes,
        )
        for contact_id in contact_ids
    ]
    locked = _lock_opportunities([tasks[0].opportunity_id], linking=tasks[0].opportunity_id)
    for task in tasks:
        task.save()
        if notify:
            notify_task_assigned(task, assigned_by=created_by)
    _record_next_due(locked)
    return tasks


# -- update, close, reopen, delete --------------------------------------------------------------


def _lock_task_after_its_deals(task_id: int, *, linking: int | None = None) -> Task | None:
    """The task's row, locked after the rows of its opportunity and of `linking` (the one an
    update moves it to). Its opportunity is read unlocked first: when a concurrent write moved
    the task meanwhile, the locks go back (a savepoint) and it starts again."""
    while True:
        current = Task.objects.filter(pk=task_id).values_list("opportunity_id", flat=True).first()
        savepoint = transaction.savepoint()
        _lock_opportunities([current, linking])
        task = lock_rows(Task.objects.filter(pk=task_id)).first()
        if task is None or task.opportunity_id == current:
            transaction.savepoint_commit(savepoint)
            return task
        transaction.savepoint_rollback(savepoint)


def _lock_editable(task_id: int, *, user: User, linking: int | None = None) -> Task:
    """The task's row, locked (after its deals: `_lock_task_after_its_deals`), if `user` may
    read it (else TaskNotFound) and edit it (else AccessDenied). The locking queries have no
    joins (core/locks.py); the rule is read after."""
    _require_crm(user)
    task = _lock_task_after_its_deals(task_id, linking=linking)
    if task is None or not Task.objects.filter(task_visible_q(user=user), pk=task_id).exists():
        raise TaskNotFound()
    if not task_can_edit(user=user, task=task):
        raise AccessDenied("Only admins, the responsible and the creator change a task.")
    return task


@transaction.atomic
def task_update(*, task_id: int, updated_by: User, notify: bool = True, **changes) -> Task:
    """Change exactly the named fields (omitted ones keep their value; None clears the
    opportunity, the contact, the description and the alert). Closing is not an update
    (`task_close`). Changing the responsible mails the new one, unless `notify` is False."""
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    task = _lock_editable(task_id, user=updated_by, linking=_pk(changes.get("opportunity")))
    previous = {name: getattr(task, name) for name in WRITTEN_COLUMNS}
    if "title" in changes:
        task.title = _clean_title(changes["title"])
    if "description" in changes:
        task.description = _clean_description(changes["description"])
    if "deadline" in changes:
        task.deadline = _clean_deadline(changes["deadline"])
    if "alert_minutes" in changes:
        task.alert_minutes = _clean_alert(changes["alert_minutes"])
    if "category" in changes:
        task.category = _clean_category(changes["category"])
    if "opportunity" in changes and _pk(changes["opportunity"]) != task.opportunity_id:
        task.opportunity = _readable_opportunity(updated_by, changes["opportunity"])
    if "contact" in changes and _pk(changes["contact"]) != task.contact_id:
        task.contact = _readable_contact(updated_by, changes["contact"])
    if "responsible" in changes:
        if changes["responsible"] is None:
            raise InvalidInput(
                "The responsible ({field}) is required.", field="responsible", entity=TASK
            )
        task.responsible = changes["responsible"]
    relinked = (task.responsible_id, task.opportunity_id, task.contact_id) != (
        previous["responsible_id"],
        previous["opportunity_id"],
        previous["contact_id"],
    )
    if relinked:  # an unchanged responsible of unchanged links is not judged again
        task.responsible = _check_responsible(
            task.responsible, opportunity=task.opportunity, contact=task.contact
        )
    if (task.deadline, task.alert_minutes) != (previous["deadline"], previous["alert_minutes"]):
        task.remind_at = _remind_at(task.deadline, task.alert_minutes)
        task.reminded_at = None
    changed = [name for name in WRITTEN_COLUMNS if getattr(task, name) != previous[name]]
    if not changed:  # a PUT that changes nothing writes nothing
        return task
    locked = _lock_opportunities([previous["opportunity_id"], task.opportunity_id])
    task.updated_at = timezone.now()
    task.version = F("version") + 1
    task.save(update_fields=[*changed, "updated_at", "version"])
    task.refresh_from_db(fields=["version"])
    _record_next_due(locked)
    if notify and task.responsible_id != previous["responsible_id"]:
        notify_task_assigned(task, assigned_by=updated_by)
    return task


def _reminded_at_on_reopen(task: Task, *, now: datetime) -> datetime | None:
    """A reopened task is reminded when its reminder time comes, if that is still ahead. A
    time that passed (while the task was closed, or reminded before it was closed) brings no
    mail at the next `send_task_reminders`: a late reminder about a task its responsible has
    just reopened tells them nothing, whether or not the deadline is past. The reminder is
    then settled as of the reopening; a new deadline or alert sets a new one (`task_update`)."""
    if task.remind_at is None or task.remind_at > now:
        return None
    return task.reminded_at or now


def _set_closed(task_id: int, *, user: User, closed: bool) -> Task:
    task = _lock_editable(task_id, user=user)
    if task.is_closed == closed:
        return task
    locked = _lock_opportunities([task.opportunity_id])
    now = timezone.now()
    task.is_closed = closed
    task.closed_at = now if closed else None
    task.closed_by = user if closed else None
    if not closed:
        task.reminded_at = _reminded_at_on_reopen(task, now=now)
    task.updated_at = now
    task.version = F("version") + 1
    task.save(
        update_fields=[
            "is_closed",
            "closed_at",
            "closed_by",
            "reminded_at",
            "updated_at",
            "version",
        ]
    )
    task.refresh_from_db(fields=["version"])
    _record_next_due(locked)
    return task


@transaction.atomic
def task_close(*, task_id: int, closed_by: User) -> Task:
    """Close an open task (closing a closed one changes nothing)."""
    return _set_closed(task_id, user=closed_by, closed=True)


@transaction.atomic
def task_reopen(*, task_id: int, reopened_by: User) -> Task:
    """Reopen a closed task (reopening an open one changes nothing)."""
    return _set_closed(task_id, user=reopened_by, closed=False)


@transaction.atomic
def task_delete(*, task_id: int, deleted_by: User) -> Task:
    """Delete a task; returns it as it was, its id kept."""
    task = _lock_editable(task_id, user=deleted_by)
    locked = _lock_opportunities([task.opportunity_id])
    task.delete()
    task.pk = task_id
    _record_next_due(locked)
    return task
