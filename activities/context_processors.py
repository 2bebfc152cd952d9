"""What every page's navigation shows of the activities: the signed-in user's overdue tasks."""

from django.utils.functional import SimpleLazyObject

from accounts.selectors import user_has_crm_access
from activities.task_selectors import task_overdue_count


def overdue_tasks(request) -> dict:
    """`overdue_task_count`: counted (one query) only when a template shows it, once per
    response, after the view's writes (so a response to "close" shows the new count)."""
    user = getattr(request, "user", None)
    if not user_has_crm_access(user):
        return {"overdue_task_count": 0}
    return {"overdue_task_count": SimpleLazyObject(lambda: task_overdue_count(user=user))}
