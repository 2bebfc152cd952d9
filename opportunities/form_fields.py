"""Fields and widgets of the opportunity forms: choice fields with our labels, the date input
and the date that can be stored, custom field inputs, and the select templates."""

from datetime import datetime, time

from django import forms
from django.utils import timezone

from core.custom_fields import parse_mask
from core.errors import InvalidInput
from core.models import CustomFieldDefinition, FieldType
from crm_project.api.dates import ensure_storable
from opportunities.lost_reasons import LOST_COMMENT_LIMIT
from opportunities.models import StageType


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ContactMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class FastSelect(forms.Select):
    """A <select> whose options are one loop in one template: Django's Select includes a
    template per option, an eighth of the board's time with every user in the filters."""

    template_name = "opportunities/widgets/select.html"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_to_datetime(value):
    """A calendar date as the start of that day in the current time zone."""
    if value is None:
        return None
    return timezone.make_aware(datetime.combine(value, time.min))


class StorableDateField(forms.DateField):
    """A date whose start of day can be stored and read back (`ensure_storable`): 0001-01-01
    east of UTC is year 0 in UTC, a form error rather than a failed save (and a year-1 date
    would read back as "no date")."""

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        try:
            ensure_storable(date_to_datetime(value), field=self.label or "date")
        except InvalidInput as exc:
            raise forms.ValidationError(
                "This date cannot be stored: choose one between the years 2 and 9999.",
                code="out_of_range",
            ) from exc


def lost_reason_field() -> forms.ModelChoiceField:
    """Why a deal was lost (the queryset is set by the form: `lost_reason_list`)."""
    return forms.ModelChoiceField(
        label="Lost reason", queryset=None, required=False, empty_label="Choose a reason…"
    )


def lost_comment_field() -> forms.CharField:
    return forms.CharField(
        label="Lost comment",
        required=False,
        max_length=LOST_COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: what happened.",
    )


def lost_stage_ids(stages) -> str:
    """The lost stages' ids, comma-separated (the `data-lost-stages` of lost_reason.js)."""
    return ",".join(str(s.pk) for s in stages if s.stage_type == StageType.CLOSED_AND_LOST)


def split_tags(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def custom_form_field(definition: CustomFieldDefinition) -> forms.Field | None:
    """The form field for a custom field definition; headings hold no value."""
    kind = definition.field_type
    label = definition.label
    if kind == FieldType.HEADING:
        return None
    if kind == FieldType.TEXT_FIELD:
        try:
            mask = parse_mask(kind, definition.mask)
        except InvalidInput:
            mask = None
        size = mask.get("size") if isinstance(mask, dict) else None
        return forms.CharField(label=label, required=False, max_length=size)
    if kind == FieldType.TEXT_AREA:
        return forms.CharField(
            label=label, required=False, widget=forms.Textarea(attrs={"rows": 3})
        )
    if kind == FieldType.SELECT_BOX:
        try:
            options = parse_mask(kind, definition.mask)
        except InvalidInput:
            options = []
        return forms.ChoiceField(
            label=label, required=False, choices=[("", "—"), *[(o, o) for o in options]]
        )
    if kind == FieldType.CHECK_BOX:
        return forms.BooleanField(label=label, required=False)
    if kind == FieldType.DATE:
        return forms.DateField(label=label, required=False, widget=DateInput())
    return None
