"""The admin of history events, tasks and their categories."""

from django.contrib import admin
from django.db.models import Count
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
