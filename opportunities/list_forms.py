"""Forms of the opportunities table: its filters (the board's, plus open/closed and stage) and
the bulk edit of the selected rows (opportunities/bulk_services.py)."""

from django import forms

from accounts.selectors import user_list_active
from opportunities.board_forms import BoardFilterForm
from opportunities.form_fields import FastSelect, lost_comment_field, lost_reason_field
from opportunities.form_fields import lost_stage_ids as _lost_stage_ids
from opportunities.models import StageType
from opportunities.selectors import lost_reason_list, stage_list

STATE_CHOICES = [
    ("", "Open and closed"),
    ("open", "Open"),
    ("closed", "Closed"),
    ("won", "Won"),
    ("lost", "Lost"),
]

BULK_ACTIONS = [
    ("move", "Move to stage"),
    ("responsible", "Change the responsible"),
    ("tag_add", "Add a tag"),
    ("tag_remove", "Remove a tag"),
    ("share", "Share"),
    ("delete", "Delete (to the trash)"),
]

# the most ids one bulk form may name (a page is 25 rows; "every row of the filter" sends none)
MAX_SELECTED = 1000


class OpportunityListFilterForm(BoardFilterForm):
    """The board's filters, plus whether the deals are open or closed and their stage."""

    state = forms.ChoiceField(
        label="Status", required=False, choices=STATE_CHOICES, widget=FastSelect
    )
    stage = forms.ModelChoiceField(
        label="Stage", required=False, queryset=None, empty_label="Any stage", widget=FastSelect
    )

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, user=user, **kwargs)
        self.fields["stage"].queryset = stage_list()

    def state_filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"state": data.get("state") or "", "stage": data.get("stage")}


class IdsField(forms.Field):
    """The checked rows' ids (`ids=1&ids=2...`): positive integers that fit a database id."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, (list, tuple)) else ([value] if value else [])
        ids = []
        for item in values:
            text = str(item).strip()
            if not text.isascii() or not text.isdigit() or len(text) > 18:
                raise forms.ValidationError("Not an opportunity id.")
            ids.append(int(text))
        ids = list(dict.fromkeys(ids))
        if len(ids) > MAX_SELECTED:
            raise forms.ValidationError(f"Select at most {MAX_SELECTED} opportunities.")
        return ids


class BulkActionForm(forms.Form):
    """What to do with the selected rows (`ids`, or `all=1` for every row of the filter)."""

    action = forms.ChoiceField(choices=BULK_ACTIONS)
    ids = IdsField(required=False)
    all = forms.BooleanField(required=False)
    stage = forms.ModelChoiceField(
        label="Stage", required=False, queryset=None, empty_label="Choose a stage…"
    )
    lost_reason = lost_reason_field()
    lost_comment = lost_comment_field()
    responsible = forms.ModelChoiceField(
        label="Responsible", required=False, queryset=None, empty_label="Choose someone…"
    )
    tag = forms.CharField(label="Tag", required=False, max_length=255)
    is_private = forms.BooleanField(label="Private", required=False)
    access_list = forms.ModelMultipleChoiceField(
        label="Who may see it", required=False, queryset=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stage_list()
        self.fields["lost_reason"].queryset = lost_reason_list()
        users = user_list_active()
        self.fields["responsible"].queryset = users
        self.fields["access_list"].queryset = users

    @property
    def lost_stage_ids(self) -> str:
        return _lost_stage_ids(self.fields["stage"].queryset)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        required = {"move": "stage", "responsible": "responsible"}
        if action in required and not data.get(required[action]):
            self.add_error(required[action], "This field is required.")
        stage = data.get("stage")
        is_lost = stage is not None and stage.stage_type == StageType.CLOSED_AND_LOST
        if action == "move" and is_lost and not data.get("lost_reason"):
            self.add_error("lost_reason", "Choose why these deals were lost.")
        if action in ("tag_add", "tag_remove") and not (data.get("tag") or "").strip():
            self.add_error("tag", "This field is required.")
        if not data.get("all") and not data.get("ids") and "ids" not in self.errors:
            self.add_error("ids", "Select at least one opportunity.")
        return data
