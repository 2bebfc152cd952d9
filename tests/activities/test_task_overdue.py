"""What the pages read (My tasks, the navigation count, the timeline): a task is overdue when
it is open and its deadline's local date is before today; a task due today is not."""

from datetime import datetime, timedelta

from django.utils import timezone

from activities.task_selectors import (
    task_is_overdue,
    task_overdue_count,
    tasks_of_opportunity,
)
from tests.activities.task_factories import TaskFactory
from tests.factories import OpportunityFactory


def _local(day_offset: int, hour: int) -> datetime:
    today = timezone.localdate()
    return timezone.make_aware(
        datetime.combine(today + timedelta(days=day_offset), datetime.min.time())
    ) + timedelta(hours=hour)


def test_task_due_earlier_today_is_not_overdue_when_today_is_not_over(user):
    assert not task_is_overdue(TaskFactory(created_by=user, deadline=_local(0, 0)))
    assert task_is_overdue(TaskFactory(created_by=user, deadline=_local(-1, 23)))
    assert not task_is_overdue(TaskFactory(created_by=user, deadline=_local(-3, 9), is_closed=True))


def test_overdue_count_counts_only_the_users_open_overdue_tasks(user, other_user, opportunity):
    TaskFactory(created_by=user, deadline=_local(-2, 9))
    TaskFactory(created_by=other_user, responsible=user, deadline=_local(-1, 9))
    TaskFactory(created_by=user, deadline=_local(0, 1))  # today
    TaskFactory(created_by=user, deadline=_local(-2, 9), is_closed=True)
    TaskFactory(created_by=user, responsible=other_user, deadline=_local(-2, 9))
    trashed = OpportunityFactory(created_by=user)
    TaskFactory(created_by=user, opportunity=trashed, deadline=_local(-2, 9))
    type(trashed).all_objects.filter(pk=trashed.pk).update(deleted_at=timezone.now())

    assert task_overdue_count(user=user) == 2
    assert task_overdue_count(user=other_user) == 1


def test_tasks_of_opportunity_lists_open_first_by_deadline_when_read(user, opportunity):
    closed = TaskFactory(
        created_by=user, opportunity=opportunity, deadline=_local(-5, 9), is_closed=True
    )
    later = TaskFactory(created_by=user, opportunity=opportunity, deadline=_local(3, 9))
    sooner = TaskFactory(created_by=user, opportunity=opportunity, deadline=_local(1, 9))
    TaskFactory(created_by=user)  # another deal's, or none

    assert list(tasks_of_opportunity(user=user, opportunity=opportunity)) == [sooner, later, closed]
