from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User
from accounts.services import user_set_active, user_set_visitor


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "display_name",
        "first_name",
        "last_name",
        "email",
        "job_title",
        "is_visitor",
        "is_staff",
        "is_active",
    )
    list_filter = ("is_visitor", *DjangoUserAdmin.list_filter)
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    readonly_fields = ("uuid", "last_login", "date_joined", "terminated_at")
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        ("Profile", {"fields": ("first_name", "last_name", "display_name", "job_title", "email")}),
        (
            "Guest",
            {
                "fields": ("is_visitor",),
                "description": (
                    "A guest signs in and sees people and its own profile, and can be made "
                    "responsible for opportunities, but has no access to the CRM: no "
                    "opportunities, contacts or stages, not even those it is responsible for. "
                    "A guest cannot be staff or superuser."
                ),
            },
        ),
        *DjangoUserAdmin.fieldsets[2:],
        ("API identity", {"fields": ("uuid", "terminated_at")}),
    )

    def has_delete_permission(self, request, obj=None):
        """Users are deactivated, never deleted: a delete would empty the responsible, owner
        and author of their deals, tasks and history without a trace. Deactivating (Active
        unticked) keeps all of that, signs them out and revokes their tokens."""
        return False

    def save_model(self, request, obj, form, change):
        """The form saves the other fields; a change of `is_active` or `is_visitor` goes
        through its service (deactivating revokes the user's tokens and sessions; the guest
        flag is refused for administrators). The form already refused a guest with the staff
        or superuser flag (the model's constraint), so the order below never breaks it: a
        guest made a full user loses the flag before the staff flag is saved, a user made a
        guest gets it after the staff flag is gone."""
        changed = form.changed_data if change else []
        is_active, is_visitor = obj.is_active, obj.is_visitor
        if "is_active" in changed:
            obj.is_active = not is_active  # saved as it was; the service changes it
        if "is_visitor" in changed:
            obj.is_visitor = not is_visitor
            if not is_visitor:
                user_set_visitor(user=obj, is_visitor=False, changed_by=request.user)
        super().save_model(request, obj, form, change)
        if "is_active" in changed:
            user_set_active(user=obj, is_active=is_active, changed_by=request.user)
        if "is_visitor" in changed and is_visitor:
            user_set_visitor(user=obj, is_visitor=True, changed_by=request.user)
