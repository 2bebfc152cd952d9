"""The mail of tasks: the assignment notice (after the commit, never to the one who assigned
it to themselves) and the reminders `send_task_reminders` sends. A failing mail server never
undoes a write (core/notifications.py)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from accounts.models import User
from activities.models import Task
from activities.task_selectors import task_live_q
from core.notifications import notify_users_on_commit


def _about(task: Task) -> str:
    if task.opportunity_id:
        return f" on “{task.opportunity.title}”"
    if task.contact_id:
        return f" about {task.contact.display_name}"
    return ""


def notify_task_assigned(task: Task, *, assigned_by: User) -> None:
    """Mail the responsible they have a task, once the write commits (not when they assigned
    it themselves)."""
    if task.responsible_id == assigned_by.pk:
        return
    due = timezone.localtime(task.deadline).strftime("%Y-%m-%d %H:%M")
    body = (
        f"{assigned_by.get_display_name()} gave you a task{_about(task)}:\n\n"
        f"{task.title}\nDue: {due}\nCategory: {task.category.title}\n"
    )
    if task.description:
        body += f"\n{task.description}\n"
    notify_users_on_commit(
        users=[task.responsible],
        subject=f"Task: {Truncator(task.title).chars(80)}",
        body=body,
    )


def tasks_remind(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Mail the responsible of every open task whose reminder time has passed and was not
    mailed yet (`send_task_reminders`, run by cron). Each task is claimed with a conditional
    update, so two runs at once never mail one reminder twice; a run mails at most `limit`.
    Returns the number of reminders sent."""
    now = now or timezone.now()
    due = (
        Task.objects.filter(
            is_closed=False,
            reminded_at__isnull=True,
            remind_at__isnull=False,
            remind_at__lte=now,
        )
        .filter(task_live_q())
        .select_related("responsible", "opportunity", "contact", "category")
        .order_by("remind_at", "id")[:limit]
    )
    sent = 0
    for task in due:
        with transaction.atomic():
            claimed = Task.objects.filter(
                pk=task.pk, reminded_at__isnull=True, remind_at=task.remind_at
            ).update(reminded_at=now)
            if not claimed:
                continue
            when = timezone.localtime(task.deadline).strftime("%Y-%m-%d %H:%M")
            notify_users_on_commit(
                users=[task.responsible],
                subject=f"Reminder: {Truncator(task.title).chars(80)}",
                body=f"Your task{_about(task)} is due {when}:\n\n{task.title}\n",
            )
            sent += 1
    return sent
