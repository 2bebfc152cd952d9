"""The trash in the admin: the deleted deals (every one, whatever its age), read only, with two
actions through the trash services: "Restore" (`opportunity_restore_many`, within `TRASH_DAYS`)
and "Delete for good" (`opportunity_purge_many`). Registered from opportunities/admin.py."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from core.errors import DomainError
from opportunities.models import TrashedOpportunity
from opportunities.trash_selectors import trash_days_left
from opportunities.trash_services import opportunity_purge_many, opportunity_restore_many


@admin.register(TrashedOpportunity)
class TrashedOpportunityAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "stage",
        "amount",
        "created_by",
        "deleted_by",
        "deleted_at",
        "days_left",
    )
    list_filter = ("stage", "deleted_at")
    search_fields = ("title", "description")
    list_select_related = ("stage", "bid_currency", "created_by", "deleted_by")
    ordering = ("-deleted_at", "-id")
    date_hierarchy = "deleted_at"
    actions = ("restore", "delete_for_good")

    # CRM admins (the services' rule), not Django's model permissions of the proxy
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_crm_admin

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # "Delete for good" instead, through the service

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_module_permission(request):
            return {}
        return actions

    @admin.display(description="amount", ordering="bid_value")
    def amount(self, obj):
        return f"{obj.whole_amount:,.2f} {obj.bid_currency_id}"

    @admin.display(description="days left to restore")
    def days_left(self, obj):
        return trash_days_left(obj.deleted_at) or "past: purged by purge_trash"

    @admin.action(description="Restore the selected deals")
    def restore(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        try:
            count = opportunity_restore_many(opportunity_ids=ids, restored_by=request.user)
        except DomainError as exc:
            self.message_user(request, f"Nothing was restored: {exc.message}", messages.ERROR)
            return
        skipped = len(ids) - count
        text = f"{count} deal{'s' if count != 1 else ''} restored."
        if skipped:
            text += f" {skipped} could not be: in the trash longer than the restore period."
        self.message_user(request, text, messages.SUCCESS if count else messages.WARNING)

    @admin.action(description="Delete the selected deals for good")
    def delete_for_good(self, request, queryset):
        if request.POST.get("post") != "yes":  # ask first: nothing brings these back
            return TemplateResponse(
                request,
                "admin/opportunities/trashedopportunity/purge_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "deals": list(queryset),
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    "title": "Delete for good?",
                },
            )
        ids = list(queryset.values_list("pk", flat=True))
        try:
            count = opportunity_purge_many(opportunity_ids=ids, purged_by=request.user)
        except DomainError as exc:
            self.message_user(request, f"Nothing was deleted: {exc.message}", messages.ERROR)
            return
        self.message_user(
            request, f"{count} deal{'s' if count != 1 else ''} deleted for good.", messages.SUCCESS
        )
