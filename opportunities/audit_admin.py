"""The audit rows in the admin: read only, on their opportunity's change page (they have no
listing of their own, as everywhere). A read-only field rather than an inline, so the change
form posts no formset for them."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from opportunities.audit_selectors import audit_row_label, opportunity_audit_rows_for_admins

AUDIT_FIELDSET = ("Changes", {"fields": ("audit_rows",), "classes": ("collapse",)})


class AuditRowsAdminMixin:
    """For the opportunity's ModelAdmin: its audit rows, newest first, in one query (every
    row: the admin site's users are CRM admins, who read every contact)."""

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "audit_rows") if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = tuple(super().get_fieldsets(request, obj))
        return (*fieldsets, AUDIT_FIELDSET) if obj is not None else fieldsets

    @admin.display(description="audit rows")
    def audit_rows(self, obj):
        rows = [
            (
                localtime(row.changed_at).strftime("%Y-%m-%d %H:%M"),
                row.changed_by.get_display_name() if row.changed_by else "",
                row.get_action_display(),
                audit_row_label(row) if row.field else "",
                row.old_value,
                row.new_value,
            )
            for row in opportunity_audit_rows_for_admins(obj)
        ]
        if not rows:
            return "No changes recorded."
        head = format_html_join(
            "", "<th>{}</th>", ((h,) for h in ("When", "Who", "What", "Field", "Old", "New"))
        )
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            rows,
        )
        return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)
