"""The forms of the timeline (a note, a task) and of My tasks (its filters). Field names are the
domain names, so a service error lands on its field (`core.forms.add_service_error`)."""

from datetime import datetime, time

from django import forms
from django.utils import timezone

from accounts.selectors import user_list_active
from activities.history_selectors import history_category_list
from activities.task_selectors import task_category_list

CONTENT_MAX = 65000  # ONLYOFFICE's column (the service checks it again)


class RowChoiceField(forms.ChoiceField):
    """A choice among rows read once (a ModelChoiceField reads its queryset again at every
    render, and a select renders its choices twice); cleans to the chosen row."""

    def __init__(self, *, label: str, label_of=str, **kwargs):
        self.label_of = label_of
        self.rows: dict[str, object] = {}
        super().__init__(label=label, **kwargs)

    def set_rows(self, rows, *, initial=None) -> None:
        self.rows = {str(row.pk): row for row in rows}
        self.choices = [(key, self.label_of(row)) for key, row in self.rows.items()]
        if initial is not None:
            self.initial = str(initial)

    def clean(self, value):
        value = super().clean(value)
        return self.rows.get(value) if value else None

    def prepare_value(self, value):
        return str(value.pk) if hasattr(value, "pk") else value


class NoteForm(forms.Form):
    """Something that happened: a note, an e-mail, a call or a meeting, with what was said."""

    category = RowChoiceField(label="Kind")
    content = forms.CharField(
        label="What happened",
        max_length=CONTENT_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write a note…"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].set_rows(history_category_list())


class TaskForm(forms.Form):
    """What happens next: a title, a due date (and an optional time), who does it, its kind."""

    title = forms.CharField(
        label="Task",
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": "Call back about the offer"}),
    )
    deadline = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    deadline_time = forms.TimeField(
        label="Time", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    responsible = RowChoiceField(label="Responsible", label_of=lambda user: user.get_choice_label())
    category = RowChoiceField(label="Kind")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].set_rows(
            user_list_active().order_by("first_name", "last_name", "username", "id"),
            initial=user.pk,
        )
        self.fields["category"].set_rows(task_category_list())

    def clean_deadline(self):
        day = self.cleaned_data["deadline"]
        if not 1900 <= day.year <= 9998:
            raise forms.ValidationError("Choose a date between the years 1900 and 9998.")
        return day

    def task_kwargs(self) -> dict:
        """task_create's keywords: the due date at its time (the start of the day without
        one), in the active time zone."""
        data = self.cleaned_data
        moment = datetime.combine(data["deadline"], data.get("deadline_time") or time.min)
        return {
            "title": data["title"],
            "deadline": timezone.make_aware(moment),
            "responsible": data["responsible"],
            "category": data["category"],
        }


class MyTasksFilterForm(forms.Form):
    """My tasks' filters, all in the URL: a category, whose tasks, open or closed."""

    SCOPES = [
        ("mine", "Assigned to me"),
        ("created", "I created for others"),
    ]
    STATES = [("open", "Open"), ("closed", "Closed")]

    category = forms.ModelChoiceField(
        label="Kind", queryset=None, required=False, empty_label="Any kind"
    )
    scope = forms.ChoiceField(label="Whose", choices=SCOPES, required=False)
    state = forms.ChoiceField(label="Show", choices=STATES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = task_category_list()

    def criteria(self) -> dict:
        """The valid filters (an unknown value counts as not given: the page never fails)."""
        if not self.is_valid():
            valid = {
                name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors
            }
        else:
            valid = self.cleaned_data
        return {
            "category": valid.get("category"),
            "scope": valid.get("scope") or "mine",
            "closed": valid.get("state") == "closed",
        }
