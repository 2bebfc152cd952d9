from django.contrib import admin

from core.models import Currency, CustomFieldDefinition, ExchangeRate, Tag

admin.site.site_header = "Pipeline administration"
admin.site.site_title = "Pipeline admin"
admin.site.index_title = "CRM settings and data"
admin.site.site_url = "/"


@admin.register(Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ("abbreviation", "title", "symbol", "is_basic", "is_convertible")
    list_filter = ("is_basic", "is_convertible")
    search_fields = ("abbreviation", "title")
    ordering = ("-is_basic", "abbreviation")


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ("from_currency", "to_currency", "rate", "updated_at")
    list_filter = ("to_currency",)
    search_fields = ("from_currency__abbreviation", "to_currency__abbreviation")
    autocomplete_fields = ("from_currency", "to_currency")
    list_select_related = ("from_currency", "to_currency")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("title", "entity_type")
    list_filter = ("entity_type",)
    search_fields = ("title",)


@admin.register(CustomFieldDefinition)
class CustomFieldDefinitionAdmin(admin.ModelAdmin):
    list_display = ("label", "entity_type", "field_type", "position", "mask")
    list_filter = ("entity_type", "field_type")
    list_editable = ("position",)
    search_fields = ("label",)
    ordering = ("entity_type", "position", "id")

    def get_readonly_fields(self, request, obj=None):
        # A field that already holds values keeps its type (as the service and ONLYOFFICE do).
        if obj is not None and (obj.opportunity_values.exists() or obj.contact_values.exists()):
            return ("field_type",)
        return ()
