"""Reads on tasks and their categories, and who may read and edit a task.

One reading rule (decision 11), for lists, counts and single reads alike: admins, the task's
responsible and its creator, or, for a task linked to an opportunity or a contact, whoever reads
every linked record (decision 2: a task with a contact is not judged by the contact alone). A
task linked to nothing is private to admins, its responsible and its creator (ONLYOFFICE shows
it to everybody). A task of an opportunity in the trash is gone with it, for everybody (restored
with it). Editing, closing, reopening and deleting: admins, the responsible, the creator.
Guests read no task, not even their own."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from django.utils.formats import get_format

from accounts.selectors import user_has_crm_access
from activities.models import Task, TaskCategory
from contacts.models import ContactUserObjectPermission
from contacts.selectors import contact_shown, contact_visible_q
from core.access import access_list_prefetch
from core.errors import InvalidInput, NotFound
from core.selectors import text_search_q
from opportunities.models import Opportunity
from opportunities.selectors import OPPORTUNITY_READERS

TASK = "task"  # the entity of a task's errors (crm_project/api/wire_names.py)
TASK_SEARCH_FIELDS = ("title", "description")


class TaskNotFound(NotFound):
    default_message = "The record could not be found"


class TaskCategoryNotFound(NotFound):
    default_message = "Category is not found"


# -- the reading rule ---------------------------------------------------------------------------


def _never() -> Q:
    return Q(pk__isnull=True) & Q(pk__isnull=False)


def task_live_q() -> Q:
    """Not on a trashed opportunity. Joins through `opportunity__` see the trash (only
    `Opportunity.objects` leaves it out), so the condition is explicit."""
    return Q(opportunity__isnull=True) | Q(opportunity__deleted_at__isnull=True)


def task_opportunity_readable_q(*, user) -> Q:
    """The task has no opportunity, or `user` reads it."""
    return Q(opportunity__isnull=True) | OPPORTUNITY_READERS.q(user, through="opportunity")


def task_contact_readable_q(*, user) -> Q:
    """The task has no contact, or `user` reads it."""
    return Q(contact__isnull=True) | contact_visible_q(user=user, through="contact")


def task_visible_q(*, user) -> Q:
    """The reading rule as one SQL condition over Task."""
    if not user_has_crm_access(user):
        return _never()
    if user.is_crm_admin:
        return task_live_q()
    own = Q(responsible=user) | Q(created_by=user)
    linked = Q(opportunity__isnull=False) | Q(contact__isnull=False)
    readers = linked & task_opportunity_readable_q(user=user) & task_contact_readable_q(user=user)
    return task_live_q() & (own | readers)


def tasks_visible_to(*, user) -> QuerySet[Task]:
    """Every task `user` may read, open ones first, then by deadline and title."""
    if not user_has_crm_access(user):
        return Task.objects.none()
    return Task.objects.filter(task_visible_q(user=user))


def task_with_related(queryset: QuerySet[Task], *, user) -> QuerySet[Task]:
    """What a rendering of tasks for `user` reads, in a constant number of queries: the people,
    the category, the opportunity and the contact (with its access rows), and whether `user`
    may read the opportunity (`opportunity_shown`) and the contact (`contact_shown`): a task
    `user` may read (as its responsible, say) can link records `user` may not."""
    return (
        queryset.select_related(
            "responsible",
            "created_by",
            "category",
            "opportunity",
            "contact",
            "contact__currency",
        )
        .prefetch_related(access_list_prefetch(ContactUserObjectPermission, through="contact"))
        .annotate(
            opportunity_shown=ExpressionWrapper(
                Q(opportunity__isnull=False) & task_opportunity_readable_q(user=user),
                output_field=BooleanField(),
            ),
            contact_shown=contact_shown(user=user, through="contact"),
        )
    )


def task_get_visible(*, user, task_id: int) -> Task:
    """The task with what a rendering reads, or TaskNotFound when it is missing or hidden
    from `user`: a stranger cannot tell the two apart (ONLYOFFICE answers 403)."""
    task = task_with_related(tasks_visible_to(user=user), user=user).filter(pk=task_id).first()
    if task is None:
        raise TaskNotFound()
    return task


def task_as_written(*, user, task_id: int) -> Task:
    """A task `user` has just written, with what a rendering reads, whether or not `user`
    still reads it (a responsible who handed it on); its links are shown only as `user` may
    read them."""
    return task_with_related(Task.objects.filter(pk=task_id), user=user).get()


def tasks_as_written(*, user, task_ids: list[int]) -> QuerySet[Task]:
    """`task_as_written` for several tasks, by id."""
    return task_with_related(Task.objects.filter(pk__in=task_ids), user=user).order_by("id")


def task_can_edit(*, user, task: Task) -> bool:
    """Edit, close, reopen, delete: admins, the responsible, the creator (the deal's access
    list is not enough). Of a task `user` may read."""
    if not user_has_crm_access(user):
        return False
    return user.is_crm_admin or user.pk in (task.responsible_id, task.created_by_id)


def tasks_of_opportunity(*, user, opportunity: Opportunity) -> QuerySet[Task]:
    """The tasks of `opportunity` that `user` may read, open ones first, then by deadline."""
    return task_with_related(
        tasks_visible_to(user=user).filter(opportunity_id=opportunity.pk), user=user
    )


def open_task_earliest_deadline(*, opportunity_id: int) -> datetime | None:
    """The earliest deadline of the open tasks of an opportunity, whoever may read them."""
    first = (
        Task.objects.filter(opportunity_id=opportunity_id, is_closed=False)
        .order_by("deadline")
        .values_list("deadline", flat=True)
        .first()
    )
    return first


# -- overdue ------------------------------------------------------------------------------------


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def start_of_today(now: datetime | None = None) -> datetime:
    """Midnight of today in the portal's zone: a task due before it is overdue."""
    return _midnight(timezone.localtime(now or timezone.now()).date())


def task_is_overdue(task: Task, *, now: datetime | None = None) -> bool:
    """Open, and its deadline's local date is before today (a task due today is not overdue,
    as the board's close dates)."""
    if task.is_closed:
        return False
    return timezone.localtime(task.deadline).date() < timezone.localtime(now).date()


def task_overdue_q(*, now: datetime | None = None) -> Q:
    return Q(is_closed=False, deadline__lt=start_of_today(now))


def task_overdue_count(*, user) -> int:
    """The open tasks `user` is responsible for (and may read) that are overdue."""
    return tasks_visible_to(user=user).filter(task_overdue_q(), responsible=user).count()


def start_of_next_week(today: date) -> date:
    """The first day of the calendar week after `today`'s, the week starting on the active
    locale's first day (FIRST_DAY_OF_WEEK: 0 Sunday, 1 Monday, ...): on the last day of a
    week, tomorrow."""
    first_day = int(get_format("FIRST_DAY_OF_WEEK"))
    days_into_week = (today.isoweekday() - first_day) % 7  # isoweekday: Monday 1, Sunday 7
    return today + timedelta(days=7 - days_into_week)


def task_due_bounds(*, now: datetime | None = None) -> dict[str, datetime]:
    """My tasks' groups, in the portal's zone: the start of today, of tomorrow and of next
    calendar week ("this week" is the rest of the current week, empty on its last day)."""
    today = timezone.localtime(now or timezone.now()).date()
    return {
        "today": _midnight(today),
        "tomorrow": _midnight(today + timedelta(days=1)),
        "week": _midnight(start_of_next_week(today)),
    }


# -- the filter ---------------------------------------------------------------------------------

SORT_KEYS = ("title", "category", "deadline", "contact", "contactmanager", "id")
ENTITY_TYPES = ("contact", "opportunity", "case")


@dataclass(frozen=True)
class TaskFilter:
    """`task/filter`'s criteria in domain terms (None: not filtered)."""

    responsible_uuid: str | None = None
    category_id: int | None = None
    is_closed: bool | None = None
    from_date: datetime | None = None
    to_date: datetime | None = None
    entity_type: str | None = None
    entity_id: int | None = None
    text: str = ""
    sort_by: str = "deadline"
    descending: bool = False


def task_filter(*, user, criteria: TaskFilter) -> QuerySet[Task]:
    """The tasks `user` may read that match `criteria`, in the asked order: open tasks always
    first (ONLYOFFICE's), then the sort key, ties by deadline, then title, then id. Hidden
    contacts sort as if absent. A bad entity type or sort key is a 400."""
    tasks = tasks_visible_to(user=user)
    if criteria.responsible_uuid is not None:
        tasks = tasks.filter(responsible__uuid=criteria.responsible_uuid)
    if criteria.category_id:
        tasks = tasks.filter(category_id=criteria.category_id)
    if criteria.is_closed is not None:
        tasks = tasks.filter(is_closed=criteria.is_closed)
    if criteria.from_date is not None:
        tasks = tasks.filter(deadline__gte=criteria.from_date)
    if criteria.to_date is not None:
        tasks = tasks.filter(deadline__lte=criteria.to_date)
    tasks = _entity_filter(tasks, criteria.entity_type, criteria.entity_id)
    if criteria.text.strip():
        tasks = tasks.filter(text_search_q(criteria.text, TASK_SEARCH_FIELDS, entity=TASK))
    return _ordered(tasks, user=user, sort_by=criteria.sort_by, descending=criteria.descending)


def _entity_filter(tasks: QuerySet[Task], entity_type: str | None, entity_id: int | None):
    kind = (entity_type or "").strip().lower()
    if kind and kind not in ENTITY_TYPES:
        raise InvalidInput(
            "{field} must be contact, opportunity or case, not '{value}'.",
            field="entity_type",
            entity=TASK,
            value=entity_type[:40],
        )
    if not entity_id:
        return tasks
    if kind == "contact":  # a company's tasks include its people's
        return tasks.filter(Q(contact_id=entity_id) | Q(contact__company_id=entity_id))
    if kind == "case":  # there are no cases here
        return tasks.none()
    return tasks.filter(opportunity_id=entity_id)


def _ordered(tasks: QuerySet[Task], *, user, sort_by: str, descending: bool) -> QuerySet[Task]:
    key = (sort_by or "deadline").strip().lower()
    if key not in SORT_KEYS:
        raise InvalidInput(
            "{field} must be one of title, category, deadLine, contact, contactManager, id.",
            field="sort_by",
            entity=TASK,
        )
    if key == "contact":
        # the contact's display name, only where `user` reads the contact
        name = Coalesce(NullIf("contact__company_name", Value("")), "contact__last_name")
        tasks = tasks.annotate(
            sort_contact=Case(
                When(contact_visible_q(user=user, through="contact"), then=Lower(name)),
                default=Value(None),
            )
        )
    expressions = {
        "title": Lower("title"),
        "category": Lower("category__title"),
        "deadline": F("deadline"),
        "contact": F("sort_contact"),
        "contactmanager": Lower("responsible__last_name"),
        "id": F("id"),
    }
    expression = expressions[key]
    first = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return tasks.order_by("is_closed", first, "deadline", Lower("title"), "id")


# -- categories ---------------------------------------------------------------------------------


def task_category_list() -> QuerySet[TaskCategory]:
    return TaskCategory.objects.order_by("sort_order", "title", "id")


def task_category_get(*, category_id: int) -> TaskCategory:
    category = TaskCategory.objects.filter(pk=category_id).first()
    if category is None:
        raise TaskCategoryNotFound()
    return category


def task_category_list_with_counts(*, user) -> QuerySet[TaskCategory]:
    """Every category, with `relative_items_count`: the tasks using it that `user` may read."""
    counted = (
        tasks_visible_to(user=user)
        .filter(category=OuterRef("pk"))
        .order_by()
        .values("category")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return task_category_list().annotate(
        relative_items_count=Coalesce(Subquery(counted), 0, output_field=IntegerField())
    )
