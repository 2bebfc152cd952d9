from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User


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
