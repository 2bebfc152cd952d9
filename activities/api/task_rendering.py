"""The wire shapes of tasks: ONLYOFFICE's TaskWrapper, TaskCategoryBase and TaskCategoryWrapper.

Every key is always present (decision 7): `isClosed` false and `alertValue` 0 included, `contact`
and `entity` null when there is none or the caller may not read it (ONLYOFFICE shows an
unreadable contact), `canEdit` is the edit right (admins, the responsible, the creator), and the
category carries `relativeItemsCount` in lists too (one query per response)."""

from activities.api.category_rendering import category_shape
from activities.icons import TASK_ICONS
from activities.models import Task, TaskCategory
from activities.task_selectors import task_can_edit, task_category_list_with_counts
from contacts.api.rendering import contact_base_shape
from crm_project.api.dates import format_datetime
from crm_project.api.render_context import RenderContext


def task_category_shape(
    category: TaskCategory, ctx: RenderContext, relative_items_count: int | None = None
) -> dict:
    """TaskCategoryWrapper: the category and the tasks using it that the caller can see
    (`relative_items_count` of `task_category_list_with_counts`, unless given)."""
    return category_shape(
        category, ctx, icons=TASK_ICONS, relative_items_count=relative_items_count
    )


class TaskRenderer:
    """Renders TaskWrappers for one response from tasks loaded through `task_with_related`
    (no query per task; one for the categories' counts)."""

    def __init__(self, request):
        self.ctx = RenderContext(request)
        self.user = self.ctx.user
        self._categories: dict[int, dict] | None = None

    def category(self, task: Task) -> dict:
        if self._categories is None:
            self._categories = {
                category.pk: task_category_shape(category, self.ctx)
                for category in task_category_list_with_counts(user=self.user)
            }
        shape = self._categories.get(task.category_id)
        if shape is None:  # created after the counts were read
            shape = self._categories[task.category_id] = task_category_shape(
                task.category, self.ctx
            )
        return shape

    def contact(self, task: Task) -> dict | None:
        if not task.contact_id or not getattr(task, "contact_shown", False):
            return None
        contact = task.contact
        return {**contact_base_shape(contact, self.ctx), "email": contact.email or ""}

    def entity(self, task: Task) -> dict | None:
        if not task.opportunity_id or not getattr(task, "opportunity_shown", False):
            return None
        return {
            "entityType": "opportunity",
            "entityId": task.opportunity_id,
            "entityTitle": task.opportunity.title,
        }

    def shape(self, task: Task) -> dict:
        return {
            "id": task.pk,
            "createBy": self.ctx.employee(task.created_by),
            "created": format_datetime(task.created_at),
            "title": task.title,
            "description": task.description,
            "deadLine": format_datetime(task.deadline),
            "responsible": self.ctx.employee(task.responsible),
            "alertValue": task.alert_minutes,
            "isClosed": task.is_closed,
            "category": self.category(task),
            "contact": self.contact(task),
            "entity": self.entity(task),
            "canEdit": task_can_edit(user=self.user, task=task),
        }

    def shapes(self, tasks) -> list[dict]:
        return [self.shape(task) for task in tasks]
