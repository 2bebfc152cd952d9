from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User
from accounts.services import user_set_active


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "display_name",
        "first_name",
        "last_name",
        "email",
        "job_title",
        "is_staff",
        "is_active",
    )
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    readonly_fields = ("uuid", "last_login", "date_joined")
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        ("Profile", {"fields": ("first_name", "last_name", "display_name", "job_title", "email")}),
        *DjangoUserAdmin.fieldsets[2:],
        ("API identity", {"fields": ("uuid",)}),
    )

    def save_model(self, request, obj, form, change):
        """The form saves the other fields; a change of `is_active` goes through the service,
        which revokes the user's tokens and sessions on deactivation."""
        if change and "is_active" in form.changed_data:
            is_active = obj.is_active
            obj.is_active = not is_active  # saved as it was; the service changes it
            super().save_model(request, obj, form, change)
            user_set_active(user=obj, is_active=is_active, changed_by=request.user)
            return
        super().save_model(request, obj, form, change)
