"""The admin of history events, tasks and their categories."""

from collections.abc import Callable

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import strip_tags
from django.utils.text import Truncator

from activities import task_category_services, task_services
from activities.history_services import (
    history_category_create,
    history_category_delete,
    history_category_update,
    history_event_delete,
)
from activities.models import HistoryCategory, HistoryEvent, Task, TaskCategory
from activities.task_selectors import task_live_q
from core.admin_services import ServiceModelAdmin

# -- categories -------------------------------------------------------------------------------

CATEGORY_FIELDS = ("title", "description", "color", "image_name", "sort_order")


def _use_count_column(description: str):
    """The list's column of how many rows use each category (`number`, from `get_queryset`)."""

    @admin.display(description=description, ordering="number")
    def use_count(self, obj):
        return obj.number

    return use_count


class CategoryAdmin(ServiceModelAdmin):
    """A category list through its own services (`category_create` / `_update` / `_delete`),
    which check the rules every list shares (activities/category_services.py). A list names
    its services, the relation `used_by` counted in its column, and that column."""

    used_by: str
    category_create: Callable
    category_update: Callable
    category_delete: Callable

    list_editable = ("sort_order",)
    search_fields = ("title",)
    ordering = ("sort_order", "id")
    fields = CATEGORY_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(number=Count(self.used_by))

    def service_save(self, request, form, formsets, change):
        data = form.cleaned_data
        values = {name: data[name] for name in CATEGORY_FIELDS if name in form.fields}
        if change:
            changed = {name: values[name] for name in values if name in form.changed_data}
            return self.category_update(
                category_id=form.instance.pk, updated_by=request.user, **changed
            )
        return self.category_create(created_by=request.user, **values)

    def service_delete(self, request, obj):
        self.category_delete(category_id=obj.pk, deleted_by=request.user)


@admin.register(HistoryCategory)
class HistoryCategoryAdmin(CategoryAdmin):
    """History categories through `history_category_create` / `_update` / `_delete`: titles
    unique in any case, the last one and those in use cannot be deleted."""

    list_display = ("title", "image_name", "sort_order", "event_count")
    event_count = _use_count_column("events")
    used_by = "events"
    category_create = staticmethod(history_category_create)
    category_update = staticmethod(history_category_update)
    category_delete = staticmethod(history_category_delete)


@admin.register(TaskCategory)
class TaskCategoryAdmin(CategoryAdmin):
    """Task categories through `task_category_create` / `_update` / `_delete`: titles unique
    in any case; the last one and those in use cannot be deleted here (the API's delete
    moves the tasks to another category)."""

    list_display = ("title", "image_name", "sort_order", "task_count")
    task_count = _use_count_column("tasks")
    used_by = "tasks"
    category_create = staticmethod(task_category_services.task_category_create)
    category_update = staticmethod(task_category_services.task_category_update)
    category_delete = staticmethod(task_category_services.task_category_delete)


# -- history events ---------------------------------------------------------------------------


@admin.register(HistoryEvent)
class HistoryEventAdmin(ServiceModelAdmin):
    """Events are immutable: a read-only list and page; deleting goes through
    `history_event_delete` (admins may delete any event they can read)."""

    list_display = ("created_at", "kind", "summary", "opportunity", "contact", "created_by")
    list_filter = ("category", "system_category", "created_at")
    search_fields = ("content", "opportunity__title")
    list_select_related = ("category", "opportunity", "contact", "created_by")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    readonly_fields = (
        "content",
        "category",
        "system_category",
        "opportunity",
        "contact",
        "created_at",
        "created_by",
    )
    fields = readonly_fields

    def get_queryset(self, request):  # the events of a deal in the trash are hidden with it
        live = Q(opportunity__isnull=True) | Q(opportunity__deleted_at__isnull=True)
        return super().get_queryset(request).filter(live)

    @admin.display(description="category")
    def kind(self, obj):
        return obj.category or obj.get_system_category_display()

    @admin.display(description="content")
    def summary(self, obj):
        return Truncator(strip_tags(obj.content)).chars(80)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def service_save(self, request, form, formsets, change):  # never called: read-only
        raise NotImplementedError

    def service_delete(self, request, obj):
        history_event_delete(event_id=obj.pk, deleted_by=request.user)


# -- tasks ------------------------------------------------------------------------------------

TASK_FIELDS = (
    "title",
    "description",
    "deadline",
    "responsible",
    "category",
    "alert_minutes",
    "opportunity",
    "contact",
)


@admin.register(Task)
class TaskAdmin(ServiceModelAdmin):
    """Tasks through `task_create` / `task_update` / `task_close` / `task_reopen` /
    `task_delete`: the same rules, e-mails and next-task dates as the API. Tasks of deals in
    the trash are not listed (they come back with their deal)."""

    list_display = ("title", "deadline", "is_closed", "category", "responsible", "opportunity")
    list_filter = ("is_closed", "category", "responsible")
    search_fields = ("title", "description", "opportunity__title")
    list_select_related = ("category", "responsible", "opportunity")
    date_hierarchy = "deadline"
    ordering = ("is_closed", "deadline", "id")
    raw_id_fields = ("opportunity", "contact")
    fields = (*TASK_FIELDS, "is_closed")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(task_live_q())

    def service_save(self, request, form, formsets, change):
        data = form.cleaned_data
        values = {name: data.get(name) for name in TASK_FIELDS if name in form.fields}
        values["description"] = values.get("description") or ""
        values["alert_minutes"] = values.get("alert_minutes") or 0
        if change:
            changed = {name: values[name] for name in values if name in form.changed_data}
            task = task_services.task_update(
                task_id=form.instance.pk, updated_by=request.user, **changed
            )
        else:
            task = task_services.task_create(created_by=request.user, **values)
        if data.get("is_closed") and not task.is_closed:
            task = task_services.task_close(task_id=task.pk, closed_by=request.user)
        elif not data.get("is_closed") and task.is_closed:
            task = task_services.task_reopen(task_id=task.pk, reopened_by=request.user)
        return task

    def service_delete(self, request, obj):
        task_services.task_delete(task_id=obj.pk, deleted_by=request.user)
