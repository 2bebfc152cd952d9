"""Admin of the shared CRM settings. Writes that have a service go through it
(core/admin_services.py): exchange rates (`exchange_rate_set`), custom field definitions
(`custom_field_create` / `custom_field_update` / `custom_field_delete`), tags (created with
`tags_get_or_create`; opportunity tags deleted with `opportunity_tag_delete`, which also
raises the versions of the opportunities that carried them, registered in
`TagAdmin.delete_services` by opportunities/admin.py) and currencies (`currency_create` /
`currency_update` / `currency_delete`: one base currency, a currency in use kept)."""

from collections.abc import Callable

from django import forms
from django.contrib import admin

from core.admin_services import ServiceModelAdmin
from core.currency_services import (
    CURRENCY_FIELDS,
    currency_create,
    currency_delete,
    currency_update,
)
from core.models import Currency, CustomFieldDefinition, ExchangeRate, Tag
from core.services import (
    custom_field_create,
    custom_field_delete,
    custom_field_update,
    exchange_rate_set,
    tags_get_or_create,
)

admin.site.site_header = "Pipeline administration"
admin.site.site_title = "Pipeline admin"
admin.site.index_title = "CRM settings and data"
admin.site.site_url = "/"


class CurrencyAdminForm(forms.ModelForm):
    class Meta:
        model = Currency
        fields = ("abbreviation", "title", "symbol", "culture_name", "is_convertible", "is_basic")

    def _get_validation_exclusions(self):
        # the one-base constraint is the service's rule: ticking "base currency" on another
        # currency moves the base there, it is not a violation
        return {*super()._get_validation_exclusions(), "is_basic"}


@admin.register(Currency)
class CurrencyAdmin(ServiceModelAdmin):
    """Through `currency_create` / `currency_update` / `currency_delete`: ticking "base
    currency" moves the base here (the old one unset in the same transaction); a currency
    records carry is not deleted."""

    list_display = ("abbreviation", "title", "symbol", "is_basic", "is_convertible")
    list_filter = ("is_basic", "is_convertible")
    search_fields = ("abbreviation", "title")
    ordering = ("-is_basic", "abbreviation")
    form = CurrencyAdminForm
    fields = CurrencyAdminForm.Meta.fields

    def get_readonly_fields(self, request, obj=None):
        # the ISO code is the key: another code is another currency
        return ("abbreviation",) if obj is not None else ()

    def service_save(self, request, form, formsets, change):
        data = form.cleaned_data
        if not change:
            return currency_create(created_by=request.user, **data)
        changed = {name: data[name] for name in form.changed_data if name in CURRENCY_FIELDS}
        return currency_update(currency=form.instance, updated_by=request.user, **changed)

    def get_deleted_objects(self, objs, request):
        """The currencies and their exchange rates: `currency_delete` refuses (saying which
        records use it) instead of Django's protected page or emptying contacts' currency."""
        deleted, model_count, _perms, _protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, set(), []

    def service_delete(self, request, obj):
        currency_delete(currency=obj, deleted_by=request.user)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ServiceModelAdmin):
    list_display = ("from_currency", "to_currency", "rate", "updated_at")
    list_filter = ("to_currency",)
    search_fields = ("from_currency__abbreviation", "to_currency__abbreviation")
    autocomplete_fields = ("from_currency", "to_currency")
    list_select_related = ("from_currency", "to_currency")

    def get_readonly_fields(self, request, obj=None):
        # a rate is the rate of its pair: another pair is another rate
        return ("from_currency", "to_currency") if obj is not None else ()

    def service_save(self, request, form, formsets, change):
        source = form.instance if change else form.cleaned_data
        return exchange_rate_set(
            from_currency=source.from_currency if change else source["from_currency"],
            to_currency=source.to_currency if change else source["to_currency"],
            rate=form.cleaned_data["rate"],
            set_by=request.user,
        )

    def service_delete(self, request, obj):
        obj.delete()  # no rule applies to forgetting a rate


@admin.register(Tag)
class TagAdmin(ServiceModelAdmin):
    list_display = ("title", "entity_type")
    list_filter = ("entity_type",)
    search_fields = ("title",)
    # the service names the list of tags a record carries; this form holds one tag's title
    service_field_aliases = {"tags": "title"}

    def get_readonly_fields(self, request, obj=None):
        # no service renames a tag: add the new one, move the records, delete the old one
        return ("title", "entity_type") if obj is not None else ()

    def service_save(self, request, form, formsets, change):
        if change:
            return form.instance
        (tag,) = tags_get_or_create(
            entity_type=form.cleaned_data["entity_type"], titles=[form.cleaned_data["title"]]
        )
        return tag

    #: entity type -> the service deleting its tags, registered by the app above core that owns
    #: the records carrying them (opportunities/admin.py); other tags are simply deleted
    delete_services: dict[str, Callable[..., Tag]] = {}

    def service_delete(self, request, obj):
        delete = self.delete_services.get(obj.entity_type)
        if delete is None:
            obj.delete()
        else:
            delete(tag_name=obj.title, deleted_by=request.user)


@admin.register(CustomFieldDefinition)
class CustomFieldDefinitionAdmin(ServiceModelAdmin):
    list_display = ("label", "entity_type", "field_type", "position", "mask")
    list_filter = ("entity_type", "field_type")
    list_editable = ("position",)
    search_fields = ("label",)
    ordering = ("entity_type", "position", "id")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # the entity never changes; a field that already holds values keeps its type (as the
        # service and ONLYOFFICE do)
        if obj.opportunity_values.exists() or obj.contact_values.exists():
            return ("entity_type", "field_type")
        return ("entity_type",)

    def service_save(self, request, form, formsets, change):
        data = form.cleaned_data
        if not change:
            return custom_field_create(
                created_by=request.user,
                entity_type=data["entity_type"],
                label=data["label"],
                field_type=data["field_type"],
                position=data.get("position"),
                mask=data.get("mask") or "",
            )
        definition = form.instance
        return custom_field_update(
            definition=definition,
            updated_by=request.user,
            label=data.get("label", definition.label),
            field_type=data.get("field_type"),
            position=data["position"] if "position" in form.changed_data else None,
            mask=data["mask"] if "mask" in form.changed_data else None,
        )

    def service_delete(self, request, obj):
        custom_field_delete(definition=obj, deleted_by=request.user)
