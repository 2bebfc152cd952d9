"""Admin of the pipeline. Opportunities use guardian's object-permission admin (the "Object
permissions" button edits the access list of a private opportunity). Saving an opportunity goes
through the services' stage rules: a stage change records its history, takes the stage's
probability (unless the admin typed one) and sets or clears the actual close date."""

from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from guardian.admin import GuardedModelAdmin

from core.errors import DomainError
from opportunities.models import (
    LeadSource,
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityMember,
    OpportunityStatus,
    Stage,
    StageChange,
)
from opportunities.services import (
    _apply_close_date_rule,
    _record_stage_change,
    opportunity_update,
)


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "colour",
        "sort_order",
        "success_probability",
        "stage_type",
        "days_before_warning",
        "opportunity_count",
    )
    list_display_links = ("title",)
    list_editable = ("sort_order", "success_probability", "days_before_warning")
    list_filter = ("stage_type",)
    search_fields = ("title",)
    ordering = ("sort_order", "id")
    fields = (
        "title",
        "description",
        "color",
        "sort_order",
        "success_probability",
        "stage_type",
        "days_before_warning",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(number=Count("opportunities"))

    @admin.display(description="colour")
    def colour(self, obj):
        return format_html(
            '<span style="display:inline-block;width:1.1em;height:1.1em;border-radius:3px;'
            'vertical-align:middle;background:{}"></span> {}',
            obj.color or "#cccccc",
            obj.color,
        )

    @admin.display(description="opportunities", ordering="number")
    def opportunity_count(self, obj):
        return obj.number


class SortedListAdmin(admin.ModelAdmin):
    list_display = ("title", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("title",)
    ordering = ("sort_order", "title")


admin.site.register(LeadSource, SortedListAdmin)
admin.site.register(OpportunityStatus, SortedListAdmin)


class OpportunityMemberInline(admin.TabularInline):
    model = OpportunityMember
    extra = 0
    autocomplete_fields = ("contact",)
    verbose_name = "participant"


class OpportunityCustomFieldValueInline(admin.TabularInline):
    model = OpportunityCustomFieldValue
    extra = 0
    autocomplete_fields = ("field",)
    verbose_name = "custom field value"


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "from_stage", "to_stage", "changed_by")
    readonly_fields = fields
    verbose_name = "stage change"
    verbose_name_plural = "stage history"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Opportunity)
class OpportunityAdmin(GuardedModelAdmin):
    list_display = (
        "title",
        "stage",
        "amount",
        "weighted",
        "responsible",
        "expected_close_date",
        "is_private",
        "updated_at",
    )
    list_filter = (
        "stage",
        "stage__stage_type",
        "is_private",
        "bid_currency",
        "source",
        "status",
        "responsible",
        "tags",
    )
    search_fields = (
        "title",
        "description",
        "contact__first_name",
        "contact__last_name",
        "contact__company_name",
        "customer__company_name",
    )
    autocomplete_fields = (
        "contact",
        "customer",
        "responsible",
        "owner",
        "created_by",
        "bid_currency",
        "tags",
    )
    list_select_related = ("stage", "bid_currency", "responsible")
    date_hierarchy = "created_at"
    readonly_fields = ("stage_entered_at", "actual_close_date", "created_at", "updated_at")
    inlines = [OpportunityMemberInline, OpportunityCustomFieldValueInline, StageChangeInline]
    fieldsets = (
        (None, {"fields": ("title", "description", "stage", "success_probability")}),
        (
            "Value",
            {
                "fields": (
                    ("bid_value", "bid_currency"),
                    ("bid_type", "per_period_value"),
                    ("one_time_revenue", "recurring_revenue", "contract_months"),
                )
            },
        ),
        (
            "People",
            {"fields": ("contact", "customer", "responsible", "owner", "created_by")},
        ),
        (
            "Dates and classification",
            {
                "fields": (
                    "expected_close_date",
                    "actual_close_date",
                    "stage_entered_at",
                    ("source", "status"),
                    "tags",
                    "is_private",
                    ("created_at", "updated_at"),
                )
            },
        ),
    )

    @admin.display(description="amount", ordering="bid_value")
    def amount(self, obj):
        return f"{obj.bid_value:,.2f} {obj.bid_currency_id}"

    @admin.display(description="weighted")
    def weighted(self, obj):
        return f"{obj.weighted_amount:,.2f} {obj.bid_currency_id}"

    def save_model(self, request, obj, form, change):
        now = timezone.now()
        if not change:
            obj.created_by = obj.created_by or request.user
            obj.owner = obj.owner or obj.created_by
            obj.created_at = obj.updated_at = obj.stage_entered_at = now
            if "success_probability" not in form.changed_data:
                obj.success_probability = obj.stage.success_probability
            _apply_close_date_rule(obj, obj.stage, explicit_close=False)
            super().save_model(request, obj, form, change)
            _record_stage_change(
                obj, from_stage_id=None, to_stage=obj.stage, changed_by=request.user, at=now
            )
            return
        if "stage" not in form.changed_data:
            obj.updated_at = now
            super().save_model(request, obj, form, change)
            return
        # Save the other fields, then change the stage through the service's rules.
        new_stage = obj.stage
        obj.stage_id = form.initial["stage"]
        obj.stage = Stage.objects.get(pk=form.initial["stage"])
        super().save_model(request, obj, form, change)
        changes = {"stage": new_stage}
        if "success_probability" in form.changed_data:
            changes["success_probability"] = form.cleaned_data["success_probability"]
        try:
            updated = opportunity_update(opportunity=obj, updated_by=request.user, **changes)
        except DomainError as exc:
            self.message_user(request, f"The stage was not changed: {exc.message}", messages.ERROR)
            return
        for name in ("stage", "stage_entered_at", "success_probability", "actual_close_date"):
            setattr(obj, name, getattr(updated, name))


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    """The history is written by the services; here it is read only."""

    list_display = ("opportunity", "from_stage", "to_stage", "changed_by", "changed_at")
    list_filter = ("to_stage", "from_stage")
    search_fields = ("opportunity__title",)
    list_select_related = ("opportunity", "from_stage", "to_stage", "changed_by")
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
