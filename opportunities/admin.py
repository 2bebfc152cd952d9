"""Admin of the pipeline. Every write goes through the services, as on every other surface
(core/admin_services.py): creating, changing (stage rules and history, the responsible rule,
access with its notifications), the inlines (participants, custom field values), deleting one
or many, the stages (create, update, reorder, delete) and the lists of lead sources, statuses
and lost reasons. The access list of a private opportunity is edited on its change form,
through `opportunity_update`'s access rules."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html

from core.admin import TagAdmin
from core.admin_services import (
    AccessListAdminForm,
    ServiceModelAdmin,
    custom_values_from_formsets,
)
from core.forms import HIDDEN_FIELDS
from core.models import CustomFieldDefinition, EntityType
from opportunities import trash_admin  # noqa: F401 (registers the trash's admin)
from opportunities.audit_admin import AuditRowsAdminMixin
from opportunities.list_value_services import (
    list_value_create,
    list_value_delete,
    list_value_update,
)
from opportunities.models import (
    STAGE_EDITABLE_FIELDS,
    LeadSource,
    LostReason,
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityMember,
    OpportunityStatus,
    Stage,
    StageChange,
)
from opportunities.selectors import opportunity_access_user_ids, stage_list
from opportunities.services import (
    SCALAR_FIELDS,
    opportunity_create,
    opportunity_delete,
    opportunity_delete_many,
    opportunity_tag_delete,
    opportunity_update,
    stage_create,
    stage_delete,
    stage_reorder,
    stage_update,
)
from opportunities.trash_selectors import trash_days


@admin.register(Stage)
class StageAdmin(ServiceModelAdmin):
    """Stages through `stage_create` / `stage_update` / `stage_delete`; a changed sort order
    (on the form or in the list) through `stage_reorder`."""

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
        live = Q(opportunities__deleted_at__isnull=True)  # the join would count the trash
        return super().get_queryset(request).annotate(number=Count("opportunities", filter=live))

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

    def service_save(self, request, form, formsets, change):
        data = form.cleaned_data
        values = {name: data[name] for name in STAGE_EDITABLE_FIELDS if name in form.fields}
        if change:
            changed = {name: values[name] for name in values if name in form.changed_data}
            stage = stage_update(stage=form.instance, updated_by=request.user, **changed)
        else:
            stage = stage_create(created_by=request.user, **values)
        if "sort_order" in form.changed_data:  # otherwise a new stage goes last
            self._move(request, stage, data["sort_order"])
            stage.refresh_from_db()
        return stage

    @staticmethod
    def _move(request, stage: Stage, sort_order: int) -> None:
        """Put `stage` before the others from its new sort order on (their order kept),
        through `stage_reorder`, which numbers them all again from 0."""
        others = [s for s in stage_list() if s.pk != stage.pk]
        position = sum(1 for s in others if s.sort_order < sort_order)
        ids = [s.pk for s in others]
        ids.insert(position, stage.pk)
        stage_reorder(stage_ids=ids, reordered_by=request.user)

    def get_deleted_objects(self, objs, request):
        """Only live deals keep a stage (`stage_delete` moves those in the trash to another
        stage): they alone are listed as protecting it."""
        deleted, model_count, perms_needed, _ = super().get_deleted_objects(objs, request)
        live = Opportunity.objects.filter(stage__in=[stage.pk for stage in objs])
        return deleted, model_count, perms_needed, [str(deal) for deal in live[:100]]

    def service_delete(self, request, obj):
        stage_delete(stage=obj, deleted_by=request.user)


class SortedListAdmin(ServiceModelAdmin):
    """Lead sources, statuses and lost reasons through `list_value_create` / `_update` /
    `_delete`, the list's own edits (sort order, Active) too. A value deals carry is not
    deleted: unticking Active retires it (it stays on those deals, no picker offers it)."""

    list_display = ("title", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("title",)
    ordering = ("sort_order", "title")
    fields = ("title", "sort_order", "is_active")

    def service_save(self, request, form, formsets, change):
        data = form.cleaned_data
        if not change:
            return list_value_create(
                model=self.model,
                created_by=request.user,
                title=data["title"],
                sort_order=data["sort_order"],
                is_active=data["is_active"],
            )
        changed = {name: data[name] for name in self.fields if name in form.changed_data}
        return list_value_update(value=form.instance, updated_by=request.user, **changed)

    def get_deleted_objects(self, objs, request):
        """The values alone: `list_value_delete` deletes nothing else, and refuses (saying how
        many deals carry it) instead of Django's protected page or emptying those deals."""
        values = [str(obj) for obj in objs]
        return values, {self.model._meta.verbose_name_plural: len(values)}, set(), []

    def service_delete(self, request, obj):
        list_value_delete(value=obj, deleted_by=request.user)


admin.site.register(LeadSource, SortedListAdmin)
admin.site.register(OpportunityStatus, SortedListAdmin)
admin.site.register(LostReason, SortedListAdmin)


class OpportunityMemberInline(admin.TabularInline):
    """Saved by `OpportunityAdmin` through the service (`members=`), not by the formset."""

    model = OpportunityMember
    extra = 0
    autocomplete_fields = ("contact",)
    verbose_name = "participant"


class OpportunityCustomFieldValueInline(admin.TabularInline):
    """Saved by `OpportunityAdmin` through the service (`custom_fields=`), which checks and
    normalizes the values as the API does."""

    model = OpportunityCustomFieldValue
    extra = 0
    verbose_name = "custom field value"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "field":
            kwargs["queryset"] = CustomFieldDefinition.objects.filter(
                entity_type=EntityType.OPPORTUNITY
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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


class OpportunityAdminForm(AccessListAdminForm):
    """The opportunity's fields, its access list (instead of guardian's object-permission
    pages, which wrote the permission rows directly) and, on a change form, the version it
    was read at."""

    tag_entity_type = EntityType.OPPORTUNITY
    access_help_text = (
        "Private opportunities only. The creator, the responsible person and "
        "administrators always have access; you are added when you change the list."
    )
    access_user_ids = staticmethod(opportunity_access_user_ids)

    class Meta:
        model = Opportunity
        fields = (
            "title",
            "description",
            "stage",
            "success_probability",
            "bid_value",
            "bid_currency",
            "bid_type",
            "per_period_value",
            "one_time_revenue",
            "recurring_revenue",
            "contract_months",
            "contact",
            "customer",
            "responsible",
            "owner",
            "expected_close_date",
            "source",
            "status",
            "lost_reason",
            "lost_comment",
            "tags",
            "is_private",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Retired sources and statuses are not offered, but the deal's own is kept: the
        # service refuses a retired value other than the current one.
        for name, model in (("source", LeadSource), ("status", OpportunityStatus)):
            if name in self.fields:
                current_id = getattr(self.instance, f"{name}_id", None)
                self.fields[name].queryset = model.objects.filter(
                    Q(is_active=True) | Q(pk=current_id)
                )


LOST = ("lost_reason", "lost_comment")  # with a lost stage only (opportunities/lost_reasons.py)
RELATIONS = (
    "stage",
    "bid_currency",
    "contact",
    "customer",
    "responsible",
    "owner",
    "source",
    "status",
)


@admin.register(Opportunity)
class OpportunityAdmin(AuditRowsAdminMixin, ServiceModelAdmin):
    form = OpportunityAdminForm
    list_display = (
        "title",
        "stage",
        "amount",
        "weighted",
        "responsible",
        "expected_close_date",
        "lost_reason",
        "is_private",
        "updated_at",
    )
    list_filter = (
        "stage",
        "stage__stage_type",
        "lost_reason",
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
        "bid_currency",
        "tags",
    )
    list_select_related = ("stage", "bid_currency", "responsible", "lost_reason")
    date_hierarchy = "created_at"
    readonly_fields = (
        "stage_entered_at",
        "actual_close_date",
        "created_by",
        "created_at",
        "updated_at",
    )
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
                    ("lost_reason", "lost_comment"),
                    "tags",
                    ("created_at", "updated_at"),
                )
            },
        ),
        ("Sharing", {"fields": ("is_private", "access_list", "notify")}),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return (*fieldsets, (None, {"fields": HIDDEN_FIELDS, "classes": ("hidden",)}))

    @admin.display(description="amount", ordering="bid_value")
    def amount(self, obj):
        return f"{obj.bid_value:,.2f} {obj.bid_currency_id}"

    @admin.display(description="weighted")
    def weighted(self, obj):
        return f"{obj.weighted_amount:,.2f} {obj.bid_currency_id}"

    # -- writes through the services -------------------------------------------------------------

    @staticmethod
    def _members(formsets):
        for formset in formsets:
            if formset.model is OpportunityMember:
                if not formset.has_changed():
                    return None
                return [
                    row.cleaned_data["contact"]
                    for row in formset.forms
                    if row.cleaned_data.get("contact") and not row.cleaned_data.get("DELETE")
                ]
        return None

    def service_save(self, request, form, formsets, change):
        fields = [n for n in (*SCALAR_FIELDS, *RELATIONS, *LOST, "tags") if n in form.fields]
        members = self._members(formsets)
        custom_values = custom_values_from_formsets(formsets, OpportunityCustomFieldValue)
        if not change:
            values = {name: self.service_value(form, name) for name in fields}
            if "success_probability" not in form.changed_data:
                values.pop("success_probability", None)  # the stage's
            if values.get("owner") is None:
                values.pop("owner", None)  # left blank: the creator
            return opportunity_create(
                created_by=request.user,
                members=members or [],
                custom_fields=custom_values,
                **self.access_values(form),
                **values,
            )
        changes = {n: self.service_value(form, n) for n in fields if n in form.changed_data}
        if members is not None:
            changes["members"] = members
        if custom_values:
            changes["custom_fields"] = custom_values
        changes.update(self.access_changes(form))
        return opportunity_update(
            opportunity=form.instance,
            updated_by=request.user,
            expected_version=form.cleaned_data.get("version"),
            **changes,
        )

    def get_deleted_objects(self, objs, request):
        """The confirmation lists the deals alone: deleting moves them to the trash, with
        everything they hold kept for a restore (nothing else is deleted)."""
        deals = [f"{obj} (to the trash: restorable for {trash_days()} days)" for obj in objs]
        return deals, {Opportunity._meta.verbose_name_plural: len(deals)}, set(), []

    def service_delete(self, request, obj):
        opportunity_delete(opportunity=obj, deleted_by=request.user)

    def service_delete_many(self, request, queryset):
        opportunity_delete_many(
            opportunity_ids=list(queryset.values_list("pk", flat=True)),
            deleted_by=request.user,
            skip_unavailable=True,
        )


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    """The history is written by the services; here it is read only."""

    list_display = ("opportunity", "from_stage", "to_stage", "changed_by", "changed_at")
    list_filter = ("to_stage", "from_stage")
    search_fields = ("opportunity__title",)
    list_select_related = ("opportunity", "from_stage", "to_stage", "changed_by")
    date_hierarchy = "changed_at"

    def get_queryset(self, request):  # a deal in the trash is not listed, nor its history
        return super().get_queryset(request).filter(opportunity__deleted_at__isnull=True)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# core's Tag admin deletes an opportunity tag through this app's service (core cannot import it)
TagAdmin.delete_services[EntityType.OPPORTUNITY] = opportunity_tag_delete
