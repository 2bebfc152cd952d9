"""The admin of history events, tasks and their categories."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import strip_tags
from django.utils.text import Truncator

from activities.history_services import (
    history_category_create,
    history_category_delete,
    history_category_update,
    history_event_delete,
)
from activities.models import HistoryCategory, HistoryEvent
from core.admin_services import ServiceModelAdmin

# -- history ----------------------------------------------------------------------------------

HISTORY_CATEGORY_FIELDS = ("title", "description", "color", "image_name", "sort_order")


@admin.register(HistoryCategory)
class HistoryCategoryAdmin(ServiceModelAdmin):
    """History categories through `history_category_create` / `_update` / `_delete`: titles
    unique in any case, the last one and those in use cannot be deleted."""

    list_display = ("title", "image_name", "sort_order", "event_count")
    list_editable = ("sort_order",)
    search_fields = ("title",)
    ordering = ("sort_order", "id")
    fields = HISTORY_CATEGORY_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(number=Count("events"))

    @admin.display(description="events", ordering="number")
    def event_count(self, obj):
        return obj.number

    def service_save(self, request, form, formsets, change):
        data = form.cleaned_data
        values = {name: data[name] for name in HISTORY_CATEGORY_FIELDS if name in form.fields}
        if change:
            changed = {name: values[name] for name in values if name in form.changed_data}
            return history_category_update(
                category_id=form.instance.pk, updated_by=request.user, **changed
            )
        return history_category_create(created_by=request.user, **values)

    def service_delete(self, request, obj):
        history_category_delete(category_id=obj.pk, deleted_by=request.user)


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


# -- tasks (below) ------------------------------------------------------------------------------

from activities import task_category_services, task_services  # noqa: E402
from activities.models import Task, TaskCategory  # noqa: E402
from activities.task_selectors import task_live_q  # noqa: E402

TASK_CATEGORY_FIELDS = ("title", "description", "color", "image_name", "sort_order")
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


@admin.register(TaskCategory)
class TaskCategoryAdmin(ServiceModelAdmin):
    """Task categories through `task_category_create` / `_update` / `_delete`: titles unique
    in any case; the last one and those in use cannot be deleted here (the API's delete
    moves the tasks to another category)."""

    list_display = ("title", "image_name", "sort_order", "task_count")
    list_editable = ("sort_order",)
    search_fields = ("title",)
    ordering = ("sort_order", "id")
    fields = TASK_CATEGORY_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(number=Count("tasks"))

    @admin.display(description="tasks", ordering="number")
    def task_count(self, obj):
        return obj.number

    def service_save(self, request, form, formsets, change):
        data = form.cleaned_data
        values = {name: data[name] for name in TASK_CATEGORY_FIELDS if name in form.fields}
        if change:
            changed = {name: values[name] for name in values if name in form.changed_data}
            return task_category_services.task_category_update(
                category_id=form.instance.pk, updated_by=request.user, **changed
            )
        return task_category_services.task_category_create(created_by=request.user, **values)

    def service_delete(self, request, obj):
        task_category_services.task_category_delete(category_id=obj.pk, deleted_by=request.user)


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
