"""Forms of the board and the list: the filters above them, and the stage selector of a card."""

from django import forms

from accounts.selectors import user_list_active
from contacts.selectors import contact_list_visible_to
from opportunities.board import BoardFilters, board_contact_matches
from opportunities.form_fields import (
    ContactChoiceField,
    FastSelect,
    lost_comment_field,
    lost_reason_field,
    lost_stage_ids,
)
from opportunities.models import StageType
from opportunities.selectors import lost_reason_list, opportunity_list_tags, stage_list


class BoardFilterForm(forms.Form):
    """The filters above the board and the list. Values live in the query string, so a
    filtered board can be bookmarked and shared; a value that no longer fits is ignored.

    The contact filter is a search box listing matching contacts as you type (htmx, from
    `board_contact_options`); without JavaScript the typed text (`contact_search`) comes
    with the form and the page lists the matches (`contact_matches`) as links."""

    contact_chosen = None
    contact_search_text = ""
    contact_matches = None

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Title, description, contact…"}
        ),
    )
    responsible = forms.ChoiceField(label="Responsible", required=False, widget=FastSelect)
    # the chosen contact's id (`contact=<id>` in the URL); _filters.html adds the search box
    contact = ContactChoiceField(
        label="Contact", required=False, queryset=None, widget=forms.HiddenInput
    )
    tag = forms.ModelChoiceField(
        label="Tag", required=False, queryset=None, empty_label="Any tag", widget=FastSelect
    )
    private = forms.BooleanField(label="Private only", required=False)
    attention = forms.BooleanField(label="Needs attention", required=False)
    # a view option kept in the URL with the filters: `closed=show` expands won and lost
    closed = forms.BooleanField(
        label="Show closed",
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "show"}),
    )

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        users = list(user_list_active())
        self.users_by_id = {str(u.pk): u for u in users}
        self.fields["responsible"].choices = [
            ("", "Anyone"),
            ("me", "Me"),
            *[(str(u.pk), u.get_choice_label()) for u in users],
        ]
        # validated against every contact the user may read; only the chosen one is fetched
        self.fields["contact"].queryset = contact_list_visible_to(user=user)
        self.fields["tag"].queryset = opportunity_list_tags()

    def to_filters(self) -> BoardFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        responsible_value = data.get("responsible") or ""
        if responsible_value == "me":
            responsible = self.user
        else:
            responsible = self.users_by_id.get(responsible_value)
        contact = data.get("contact")
        self.contact_chosen = contact
        text = str(self.data.get("contact_search") or "").strip()[:200]
        if contact is not None:
            self.contact_search_text = contact.display_name
        elif text:  # typed without JavaScript: offer the matches
            self.contact_search_text = text
            self.contact_matches = board_contact_matches(user=self.user, text=text)
        return BoardFilters(
            text=(data.get("q") or "").strip(),
            responsible=responsible,
            contact=contact,
            tag=data.get("tag"),
            private_only=bool(data.get("private")),
            needs_attention=bool(data.get("attention")),
            show_closed=bool(data.get("closed")),
        )


class StageMoveForm(forms.Form):
    """A card's or the deal page's Move: the stage, and with a lost stage why (the service
    requires the reason on the pages)."""

    stage = forms.ModelChoiceField(label="Stage", queryset=None, empty_label=None)
    lost_reason = lost_reason_field()
    lost_comment = lost_comment_field()

    def __init__(self, *args, stages=None, keep_reason_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stages if stages is not None else stage_list()
        self.fields["lost_reason"].queryset = lost_reason_list(keep_id=keep_reason_id)

    @property
    def lost_stage_ids(self) -> str:
        return lost_stage_ids(self.fields["stage"].queryset)

    def error_text(self) -> str:
        """The first error, as the message a refused move shows."""
        for name in ("lost_reason", "lost_comment"):
            if name in self.errors:
                label = self.fields[name].label
                return f"{label}: {self.errors[name][0]}"
        return "Choose an existing stage."


class ReopenForm(forms.Form):
    """Reopen a won or lost deal: in the chosen open stage, or the first one."""

    stage = forms.ModelChoiceField(
        label="Reopen in", queryset=None, required=False, empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stage_list().filter(stage_type=StageType.OPEN)
