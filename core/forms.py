"""Edit forms that cannot undo someone else's work.

An edit form carries, in hidden fields, the version of the record it was read at and the
values it showed (signed). On save:

- what the user changed is computed against the values they were shown, not against the row
  as it stands at save time, so a field they did not touch is never sent back;
- the service refuses the write when the record's version moved on (someone saved it on any
  surface meanwhile: the API, the board, the admin); the view then shows the form again with
  the values stored now, the user's own changes kept on top of them, and the list of what
  changed meanwhile (`changes_since_read`). That form carries the new version, so saving it
  again applies the user's changes to the current record.
"""

import datetime
from decimal import Decimal

from django import forms
from django.core import signing
from django.db.models import Model
from django.utils.formats import date_format
from django.utils.text import Truncator

from core.errors import DomainError

READ_VALUES_SALT = "core.forms.read-values"
HIDDEN_FIELDS = ("version", "read_values")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_choice_label()  # guests are offered, marked "(guest)"


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_choice_label()


def private_field(label: str = "Private: only the people below (and me) can see it"):
    return forms.BooleanField(label=label, required=False)


def access_list_field(**kwargs) -> UserMultipleChoiceField:
    """The people a private record is shared with (the form sets the queryset)."""
    return UserMultipleChoiceField(
        label="People with access",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


def add_service_error(form: forms.Form, error: DomainError, *, field: str | None = None) -> None:
    """Show a service's error on the form field of the same (domain) name (or `field`), named
    by its label, else above the form."""
    name = field or error.field or ""
    if name in form.fields:
        form.add_error(name, error.message_naming(str(form[name].label)))
    else:
        form.add_error(None, error.message_naming(name.replace("_", " ")))


def plain_value(value):
    """A form initial value as JSON-friendly, comparable data."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)) or hasattr(value, "model"):  # querysets too
        return sorted(str(plain_value(item)) for item in value)
    return value


def plain_values(values: dict) -> dict:
    return {name: plain_value(value) for name, value in values.items()}


def _quoted(text: str) -> str:
    return f"“{Truncator(text).chars(80)}”"


def display_value(field: forms.Field, value) -> str:
    """How a stored value reads in a message, from its plain form (`plain_value`)."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        if not value:
            return "nobody" if "user" in field.queryset.model._meta.model_name else "none"
        items = field.queryset.model._default_manager.filter(pk__in=value)
        labels = sorted(field.label_from_instance(item) for item in items)
        return ", ".join(labels) or "none"
    if isinstance(field, forms.ModelChoiceField):
        if value in (None, ""):
            return "none"
        item = field.queryset.model._default_manager.filter(pk=value).first()
        return _quoted(field.label_from_instance(item)) if item is not None else "none"
    if isinstance(field, forms.BooleanField):
        return "yes" if value else "no"
    if isinstance(field, forms.ChoiceField):
        labels = {str(key): label for key, label in field.choices}
        if value in (None, ""):
            return "none"
        return _quoted(str(labels.get(str(value), value)))
    if isinstance(field, forms.DecimalField):
        return "empty" if value in (None, "") else f"{Decimal(value):,.2f}"
    if isinstance(field, forms.IntegerField):
        return "empty" if value in (None, "") else f"{int(value):,}"
    if isinstance(field, forms.DateField):
        if not value:
            return "none"
        try:
            return date_format(datetime.date.fromisoformat(str(value)[:10]), "DATE_FORMAT")
        except ValueError:
            return _quoted(str(value))
    if value in (None, ""):
        return "empty"
    return _quoted(str(value))


class VersionedFormMixin:
    """For edit forms (plain and model forms): call `setup_versioning` at the end of
    `__init__` when editing an existing record; it adds the two hidden fields."""

    read_plain: dict = {}

    def setup_versioning(self, *, version: int, read_values: dict) -> None:
        """`read_values`: the form's initial values for the record as it stands at `version`
        (what the user is shown). On a bound form, the values the user was shown come back
        from the hidden field and become the initial values `changed_data` compares with."""
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, min_value=1, initial=version
        )
        self.read_plain = plain_values(read_values)
        self.fields["read_values"] = forms.CharField(
            widget=forms.HiddenInput,
            required=False,
            initial=signing.dumps(self.read_plain, salt=READ_VALUES_SALT, compress=True),
        )
        if not self.is_bound:
            return
        posted = self.data.get(self.add_prefix("read_values"))
        try:
            shown = signing.loads(posted or "", salt=READ_VALUES_SALT)
        except signing.BadSignature:
            shown = None  # an old or hand-made post: compare with the record as it is now
        if isinstance(shown, dict):
            self.read_plain = shown
            self.initial = {**self.initial, **self._typed(shown)}

    def drop_versioning(self) -> None:
        """A create form: nothing to compare with (kept for symmetry with setup)."""
        for name in HIDDEN_FIELDS:
            self.fields.pop(name, None)

    @property
    def posted_version(self) -> int | None:
        """The version in the submitted data, before cleaning (None when absent or bad)."""
        raw = self.data.get(self.add_prefix("version")) if self.is_bound else None
        try:
            return int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def _typed(self, plain: dict) -> dict:
        """Plain values back to what the fields take as initial values."""
        typed = {}
        for name, value in plain.items():
            field = self.fields.get(name)
            if field is None or name in HIDDEN_FIELDS:
                continue
            if isinstance(field, (forms.ModelChoiceField, forms.ChoiceField)) or value is None:
                typed[name] = value  # ids and choice values are compared as text
                continue
            if isinstance(field, forms.SplitDateTimeField) and isinstance(value, str):
                # the admin's date and time boxes: their widget takes a datetime, not text
                try:
                    typed[name] = datetime.datetime.fromisoformat(value)
                except ValueError:
                    typed[name] = None
                continue
            try:
                typed[name] = field.to_python(value)
            except forms.ValidationError:
                typed[name] = value
        return typed

    @property
    def expected_version(self) -> int | None:
        """The version the form was read at (None: a post without one, not checked)."""
        return self.cleaned_data.get("version") if hasattr(self, "cleaned_data") else None

    def user_changes(self) -> dict:
        """{field name: cleaned value} of what the user changed against what they were shown."""
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name not in HIDDEN_FIELDS and name in self.cleaned_data
        }

    def changes_since_read(self, now_values: dict, *, kept: dict | None = None) -> list[str]:
        """One line per field of this form whose stored value differs from what the user was
        shown: "Stage: now “Negotiation”", "Amount: now 2,000.00", and what the user typed in
        that field when they changed it too."""
        now_plain = plain_values(now_values)
        kept_plain = plain_values(kept or {})
        lines = []
        for name, field in self.fields.items():
            if name in HIDDEN_FIELDS or name not in now_plain:
                continue
            if self.read_plain.get(name) == now_plain[name]:
                continue
            line = f"{field.label or name.replace('_', ' ').capitalize()}: now "
            line += display_value(field, now_plain[name])
            if name in kept_plain:
                line += f" (you entered {display_value(field, kept_plain[name])}, kept below)"
            lines.append(line)
        return lines


class VersionedForm(VersionedFormMixin, forms.Form):
    """A plain edit form with the version rule."""
