"""My tasks: the tasks of one user, grouped by when they are due (a selector-like module).

Open tasks come in four groups, in the active time zone: overdue (due before today), today,
this week (the rest of the calendar week, which starts on the locale's first day of the week:
empty on its last day) and later (from next week on). The page shows a page of them at a time, in
deadline order, so the groups follow each other; the groups' sizes come from one aggregate
query. Closed tasks come newest closed first, without groups. Either way the reader sees only
tasks `tasks_visible_to` lets them read, and links only what they may read (`task_with_related`)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.models import Task
from activities.task_selectors import (
    task_can_edit,
    task_due_bounds,
    task_with_related,
    tasks_visible_to,
)

PAGE_SIZE = 100
GROUPS = (
    ("overdue", "Overdue"),
    ("today", "Today"),
    ("week", "This week"),
    ("later", "Later"),
)


@dataclass
class TaskGroup:
    key: str
    title: str
    count: int
    tasks: list[Task] = field(default_factory=list)


@dataclass
class MyTasks:
    page: Page
    groups: list[TaskGroup]
    closed: bool


def _scoped(*, user, scope: str, category, closed: bool) -> QuerySet[Task]:
    tasks = tasks_visible_to(user=user)
    if scope == "created":
        tasks = tasks.filter(created_by=user).exclude(responsible=user)
    else:
        tasks = tasks.filter(responsible=user)
    if category is not None:
        tasks = tasks.filter(category=category)
    return tasks.filter(is_closed=closed)


def _group_of(deadline: datetime, bounds: dict[str, datetime]) -> str:
    if deadline < bounds["today"]:
        return "overdue"
    if deadline < bounds["tomorrow"]:
        return "today"
    if deadline < bounds["week"]:
        return "week"
    return "later"


def my_tasks(
    *,
    user,
    scope: str = "mine",
    category=None,
    closed: bool = False,
    page_number=None,
    per_page: int = PAGE_SIZE,
) -> MyTasks:
    """A page of `user`'s tasks (`scope` "mine": they are responsible; "created": they created
    them for someone else), of one `category` or any, open (grouped) or `closed`."""
    tasks = _scoped(user=user, scope=scope, category=category, closed=closed)
    if closed:
        ordered = tasks.annotate(closed_order=Coalesce("closed_at", "updated_at")).order_by(
            "-closed_order", "-pk"
        )
    else:
        ordered = tasks.order_by("deadline", "pk")
    page = Paginator(task_with_related(ordered, user=user), per_page).get_page(page_number)
    rows = list(page.object_list)
    now = timezone.now()
    for task in rows:
        task.user_can_edit = task_can_edit(user=user, task=task)
    if closed:
        return MyTasks(
            page=page,
            groups=[TaskGroup("closed", "Closed", page.paginator.count, rows)],
            closed=True,
        )
    bounds = task_due_bounds(now=now)
    counts = tasks.aggregate(
        overdue=Count("pk", filter=Q(deadline__lt=bounds["today"])),
        today=Count("pk", filter=Q(deadline__gte=bounds["today"], deadline__lt=bounds["tomorrow"])),
        week=Count("pk", filter=Q(deadline__gte=bounds["tomorrow"], deadline__lt=bounds["week"])),
        later=Count("pk", filter=Q(deadline__gte=bounds["week"])),
    )
    groups = {key: TaskGroup(key, title, counts[key] or 0) for key, title in GROUPS}
    for task in rows:
        key = _group_of(task.deadline, bounds)
        task.overdue = key == "overdue"
        groups[key].tasks.append(task)
    return MyTasks(
        page=page, groups=[group for group in groups.values() if group.tasks], closed=False
    )
