"""Admin of the contacts. Every write goes through the contact services (core/admin_services.py):
create (person or company), change (with its custom field values and access list, with the
access rules and notifications), delete. The access list is edited on the change form."""

from django.contrib import admin

from contacts.models import Contact, ContactCustomFieldValue
from contacts.selectors import contact_access_user_ids
from contacts.services import (
    COMMON_FIELDS,
    COMPANY_FIELDS,
    PERSON_FIELDS,
    contact_create_company,
    contact_create_person,
    contact_delete,
    contact_update,
)
from core.admin_services import (
    AccessListAdminForm,
    ServiceModelAdmin,
    custom_values_from_formsets,
)
from core.forms import HIDDEN_FIELDS
from core.models import EntityType


class ContactCustomFieldValueInline(admin.TabularInline):
    """Saved by `ContactAdmin` through the service (`custom_fields=`), which checks and
    normalizes the values as the API does."""

    model = ContactCustomFieldValue
    extra = 0
    autocomplete_fields = ("field",)


class ContactAdminForm(AccessListAdminForm):
    tag_entity_type = EntityType.CONTACT
    access_help_text = (
        "Private contacts only. The creator and administrators always have access; "
        "you are added when you change the list."
    )
    access_user_ids = staticmethod(contact_access_user_ids)

    class Meta:
        model = Contact
        fields = (
            "is_company",
            "first_name",
            "last_name",
            "job_title",
            "company",
            "company_name",
            "about",
            "industry",
            "email",
            "phone",
            "currency",
            "share_type",
            "tags",
            "is_private",
        )


@admin.register(Contact)
class ContactAdmin(ServiceModelAdmin):
    form = ContactAdminForm
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
    autocomplete_fields = ("company", "currency", "tags")
    list_select_related = ("company", "created_by")
    inlines = [ContactCustomFieldValueInline]
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("is_company",)}),
        ("Person", {"fields": ("first_name", "last_name", "job_title", "company")}),
        ("Company", {"fields": ("company_name",)}),
        (
            "Details",
            {"fields": ("email", "phone", "industry", "currency", "about", "tags", "share_type")},
        ),
        ("Sharing", {"fields": ("is_private", "access_list", "notify")}),
        ("Record", {"fields": ("created_by", "created_at", "updated_at")}),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return (*fieldsets, (None, {"fields": HIDDEN_FIELDS, "classes": ("hidden",)}))

    def get_readonly_fields(self, request, obj=None):
        readonly = ("created_by", "created_at", "updated_at")
        return ("is_company", *readonly) if obj is not None else readonly

    @admin.display(description="name", ordering="company_name")
    def display_name(self, obj):
        return obj.display_name

    # -- writes through the services -------------------------------------------------------------

    def service_save(self, request, form, formsets, change):
        is_company = form.instance.is_company if change else form.cleaned_data.get("is_company")
        allowed = (COMPANY_FIELDS if is_company else PERSON_FIELDS) | COMMON_FIELDS | {"tags"}
        names = [name for name in form.fields if name in allowed]
        custom_values = custom_values_from_formsets(formsets, ContactCustomFieldValue)
        if not change:
            create = contact_create_company if is_company else contact_create_person
            return create(
                created_by=request.user,
                custom_fields=custom_values,
                **self.access_values(form),
                **{name: self.service_value(form, name) for name in names},
            )
        changes = {n: self.service_value(form, n) for n in names if n in form.changed_data}
        if custom_values:
            changes["custom_fields"] = custom_values
        changes.update(self.access_changes(form))
        return contact_update(
            contact=form.instance,
            updated_by=request.user,
            expected_version=form.cleaned_data.get("version"),
            **changes,
        )

    def service_delete(self, request, obj):
        contact_delete(contact=obj, deleted_by=request.user)
