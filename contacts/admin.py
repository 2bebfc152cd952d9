from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from contacts.models import Contact, ContactCustomFieldValue


class ContactCustomFieldValueInline(admin.TabularInline):
    model = ContactCustomFieldValue
    extra = 0
    autocomplete_fields = ("field",)


@admin.register(Contact)
class ContactAdmin(GuardedModelAdmin):
    list_display = (
        "display_name",
        "is_company",
        "company",
        "email",
        "phone",
        "is_private",
        "created_by",
        "created_at",
    )
    list_filter = ("is_company", "is_private", "share_type", "tags")
    search_fields = ("first_name", "last_name", "company_name", "email", "phone")
    autocomplete_fields = ("company", "currency", "tags", "created_by")
    list_select_related = ("company", "created_by")
    inlines = [ContactCustomFieldValueInline]
    date_hierarchy = "created_at"

    @admin.display(description="name", ordering="company_name")
    def display_name(self, obj):
        return obj.display_name
