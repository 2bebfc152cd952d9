"""Forms of the opportunity pages. They parse and validate what the user typed; the services
do every write and have the last word (their InvalidInput errors land on the right field)."""

from datetime import datetime, time

from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from accounts.selectors import user_list_active
from contacts.selectors import contact_list_visible_to
from core.errors import InvalidInput
from core.forms import VersionedForm
from core.models import Currency, CustomFieldDefinition, EntityType, FieldType
from core.selectors import currency_base
from crm_project.api.dates import ensure_storable
from opportunities.board import BoardFilters
from opportunities.models import (
    BID_TYPE_LABELS,
    BidType,
    LeadSource,
    Opportunity,
    OpportunityStatus,
)
from opportunities.selectors import (
    opportunity_access_users,
    opportunity_can_change_access,
    opportunity_list_tags,
    stage_list,
)

CONTACT_CHOICES_LIMIT = 300


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_choice_label()  # guests are offered, marked "(guest)"


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_choice_label()


class PlainSelect(forms.Select):
    """A <select> written out in Python: the filters above the board render 300 contacts and
    every user, and Django's Select renders a template per option (an eighth of the board's
    time). Same markup as Select (attributes and values escaped); option groups are left to
    Django."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _, _ in context["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = "".join(
            # attrs is {} or {"selected": True} for all but custom option attributes
            f'\n  <option value="{conditional_escape(option["value"])}"'
            f"{flatatt(option['attrs']) if option['attrs'] else ''}>"
            f"{conditional_escape(option['label'])}</option>"
            for _, group, _ in context["optgroups"]
            for option in group
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            context["name"],
            flatatt(context["attrs"]),
            mark_safe(options),  # every value and label escaped above
        )


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ContactMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


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


def split_tags(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


# -- filters ---------------------------------------------------------------------------------


class BoardFilterForm(forms.Form):
    """The filters above the board and the list. Values live in the query string, so a
    filtered board can be bookmarked and shared; a value that no longer fits is ignored."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Title, description, contact…"}
        ),
    )
    responsible = forms.ChoiceField(label="Responsible", required=False, widget=PlainSelect)
    contact = ContactChoiceField(
        label="Contact",
        required=False,
        queryset=None,
        empty_label="Any contact",
        widget=PlainSelect,
    )
    tag = forms.ModelChoiceField(
        label="Tag", required=False, queryset=None, empty_label="Any tag", widget=PlainSelect
    )
    private = forms.BooleanField(label="Private only", required=False)
    attention = forms.BooleanField(label="Needs attention", required=False)

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
        contacts = contact_list_visible_to(user=user)
        self.fields["contact"].queryset = contacts
        self.fields["tag"].queryset = opportunity_list_tags()
        # Long contact lists: render the first ones and the chosen one, validate against all.
        selected = (data or {}).get("contact") if data else None
        shown = contacts.order_by("company_name", "last_name", "first_name", "id").only(
            "is_company", "company_name", "first_name", "last_name"
        )
        shown = list(shown[:CONTACT_CHOICES_LIMIT])
        if selected and str(selected).isdigit() and all(str(c.pk) != selected for c in shown):
            shown += list(contacts.filter(pk=selected))
        self.fields["contact"].widget.choices = [
            ("", "Any contact"),
            *[(c.pk, c.display_name) for c in shown],
        ]

    def to_filters(self) -> BoardFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        responsible_value = data.get("responsible") or ""
        if responsible_value == "me":
            responsible = self.user
        else:
            responsible = self.users_by_id.get(responsible_value)
        return BoardFilters(
            text=(data.get("q") or "").strip(),
            responsible=responsible,
            contact=data.get("contact"),
            tag=data.get("tag"),
            private_only=bool(data.get("private")),
            needs_attention=bool(data.get("attention")),
        )


class StageMoveForm(forms.Form):
    stage = forms.ModelChoiceField(label="Stage", queryset=None, empty_label=None)

    def __init__(self, *args, stages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stages if stages is not None else stage_list()


# -- create and edit -------------------------------------------------------------------------


def custom_form_field(definition: CustomFieldDefinition) -> forms.Field | None:
    """The form field for a custom field definition; headings hold no value."""
    from core.custom_fields import parse_mask

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


class OpportunityForm(VersionedForm):
    """Create (with sharing) or edit an opportunity. The edit form carries the version and
    the values it was read at (core/forms.py): only what the user changed is sent, and a
    save over a newer version is refused (OpportunityChanged)."""

    title = forms.CharField(max_length=255)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    stage = forms.ModelChoiceField(queryset=None, empty_label=None)
    success_probability = forms.IntegerField(
        label="Probability (%)",
        required=False,
        min_value=0,
        max_value=100,
        help_text="Leave empty to take the stage's probability.",
    )
    bid_value = forms.DecimalField(
        label="Amount", required=False, min_value=0, max_digits=18, decimal_places=2
    )
    bid_currency = forms.ModelChoiceField(label="Currency", queryset=None, empty_label=None)
    bid_type = forms.TypedChoiceField(
        label="Bid type", choices=BID_TYPE_LABELS, coerce=int, initial=BidType.FIXED_BID
    )
    per_period_value = forms.IntegerField(
        label="Number of periods",
        required=False,
        min_value=0,
        help_text="For hourly, daily… bids: how many periods.",
    )
    expected_close_date = StorableDateField(required=False, widget=DateInput())
    contact = ContactChoiceField(label="Contact person", queryset=None, required=False)
    customer = ContactChoiceField(queryset=None, required=False)
    members = ContactMultipleChoiceField(
        label="Other participants",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    responsible = UserChoiceField(queryset=None, empty_label=None)
    owner = UserChoiceField(queryset=None, required=False)
    source = forms.ModelChoiceField(label="Lead source", queryset=None, required=False)
    status = forms.ModelChoiceField(queryset=None, required=False)
    one_time_revenue = forms.DecimalField(
        label="One-time revenue", required=False, min_value=0, max_digits=18, decimal_places=2
    )
    recurring_revenue = forms.DecimalField(
        label="Monthly recurring revenue",
        required=False,
        min_value=0,
        max_digits=18,
        decimal_places=2,
    )
    contract_months = forms.IntegerField(required=False, min_value=0)
    tags = forms.CharField(
        required=False,
        max_length=2000,
        help_text="Separate tags with commas.",
        widget=forms.TextInput(attrs={"list": "tag-options", "autocomplete": "off"}),
    )
    is_private = forms.BooleanField(
        label="Private: only the people below (and me) can see it", required=False
    )
    access_list = UserMultipleChoiceField(
        label="People with access",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notify = forms.BooleanField(label="Send them an e-mail", required=False)

    SCALARS = (
        "title",
        "description",
        "bid_type",
        "bid_value",
        "per_period_value",
        "success_probability",
        "expected_close_date",
        "one_time_revenue",
        "recurring_revenue",
        "contract_months",
    )
    RELATIONS = ("stage", "bid_currency", "contact", "customer", "responsible", "owner")
    RELATIONS_OPTIONAL = ("source", "status")
    ACCESS = ("is_private", "access_list", "notify")

    def __init__(
        self,
        *args,
        user,
        opportunity: Opportunity | None = None,
        read_values: dict | None = None,
        **kwargs,
    ):
        """`read_values`: what the form shows as stored (default: the opportunity's values);
        a form shown again after a conflict passes the current values here and the user's
        own changes on top of them as `initial`."""
        self.user = user
        self.opportunity = opportunity
        if opportunity is not None:
            if read_values is None:
                read_values = self.initial_from(opportunity, user=user)
            kwargs.setdefault("initial", dict(read_values))
        super().__init__(*args, **kwargs)
        users = user_list_active()
        # only the contacts this user may read: a hidden contact, customer or member is neither
        # shown nor offered, and stays linked when the form is saved (the fields start without
        # it, so it is never a change; the service keeps the members the user cannot see)
        contacts = contact_list_visible_to(user=user).order_by(
            "company_name", "last_name", "first_name", "id"
        )
        self.fields["stage"].queryset = stage_list()
        self.fields["bid_currency"].queryset = Currency.objects.order_by("abbreviation")
        self.fields["contact"].queryset = contacts
        self.fields["customer"].queryset = contacts
        self.fields["members"].queryset = contacts
        self.fields["responsible"].queryset = users
        self.fields["owner"].queryset = users
        self.fields["access_list"].queryset = users.exclude(pk=user.pk)
        self.fields["source"].queryset = LeadSource.objects.filter(
            Q(is_active=True) | Q(pk=getattr(opportunity, "source_id", None))
        )
        self.fields["status"].queryset = OpportunityStatus.objects.filter(
            Q(is_active=True) | Q(pk=getattr(opportunity, "status_id", None))
        )
        if opportunity is None:
            self.fields["bid_currency"].initial = currency_base()
            self.fields["responsible"].initial = user
            self.fields["stage"].initial = stage_list().filter(stage_type=0).first()
        else:
            for name in self.ACCESS:  # sharing has its own page
                del self.fields[name]
        self.tag_options = list(opportunity_list_tags().values_list("title", flat=True))
        self.custom_definitions = list(
            CustomFieldDefinition.objects.filter(entity_type=EntityType.OPPORTUNITY)
        )
        for definition in self.custom_definitions:
            form_field = custom_form_field(definition)
            if form_field is not None:
                self.fields[f"cf_{definition.pk}"] = form_field
        if opportunity is None:
            self.drop_versioning()
            return
        if opportunity.is_private and not opportunity_can_change_access(
            user=user, opportunity=opportunity
        ):
            # the responsible person always sees the deal: choosing them is an access change
            self.fields["responsible"].disabled = True
            self.fields["responsible"].help_text = (
                "Only its creator and administrators change who is responsible for a private "
                "opportunity."
            )
        self.setup_versioning(version=opportunity.version, read_values=read_values)

    @staticmethod
    def initial_from(opportunity: Opportunity, *, user) -> dict:
        """The form's values for `opportunity` as `user` sees it: contacts `user` may not read
        are left out, as the API renders them (null, or absent from the members)."""
        members = [m.pk for m in opportunity.members.all()]
        linked = {opportunity.contact_id, opportunity.customer_id, *members} - {None}
        shown = (
            set(
                contact_list_visible_to(user=user)
                .filter(pk__in=linked)
                .values_list("pk", flat=True)
            )
            if linked
            else set()
        )
        initial = {
            name: getattr(opportunity, name)
            for name in (
                "title",
                "description",
                "bid_type",
                "bid_value",
                "per_period_value",
                "success_probability",
                "one_time_revenue",
                "recurring_revenue",
                "contract_months",
            )
        }
        initial.update(
            stage=opportunity.stage_id,
            bid_currency=opportunity.bid_currency_id,
            contact=opportunity.contact_id if opportunity.contact_id in shown else None,
            customer=opportunity.customer_id if opportunity.customer_id in shown else None,
            members=[pk for pk in members if pk in shown],
            responsible=opportunity.responsible_id,
            owner=opportunity.owner_id,
            source=opportunity.source_id,
            status=opportunity.status_id,
            tags=", ".join(tag.title for tag in opportunity.tags.all()),
            expected_close_date=(
                timezone.localtime(opportunity.expected_close_date).date()
                if opportunity.expected_close_date
                else None
            ),
        )
        for value in opportunity.custom_values.all():
            stored = value.value
            if value.field.field_type == FieldType.CHECK_BOX:
                stored = stored == "true"
            initial[f"cf_{value.field_id}"] = stored
        return initial

    def custom_rows(self):
        """(definition, bound field or None for a heading), in the definitions' order."""
        for definition in self.custom_definitions:
            name = f"cf_{definition.pk}"
            yield definition, (self[name] if name in self.fields else None)

    def _value(self, name):
        value = self.cleaned_data.get(name)
        if name == "expected_close_date":
            return date_to_datetime(value)
        if name == "tags":
            return split_tags(value)
        if name == "members":
            return list(value or [])
        return value

    def _custom_value(self, definition):
        value = self.cleaned_data.get(f"cf_{definition.pk}")
        if definition.field_type == FieldType.CHECK_BOX:
            return "true" if value else ""
        if value is None:
            return ""
        return value.isoformat() if hasattr(value, "isoformat") else value

    def create_kwargs(self) -> dict:
        kwargs = {name: self._value(name) for name in self.SCALARS}
        if kwargs["success_probability"] is None:
            del kwargs["success_probability"]  # the stage's probability
        for name in (*self.RELATIONS, *self.RELATIONS_OPTIONAL, "members", "tags"):
            kwargs[name] = self._value(name)
        kwargs["custom_fields"] = {
            d.pk: self._custom_value(d)
            for d in self.custom_definitions
            if f"cf_{d.pk}" in self.fields and self._custom_value(d) != ""
        }
        kwargs["is_private"] = bool(self.cleaned_data.get("is_private"))
        kwargs["access_list"] = list(self.cleaned_data.get("access_list") or [])
        kwargs["notify"] = bool(self.cleaned_data.get("notify"))
        return kwargs

    def update_kwargs(self) -> dict:
        """Only what the user changed: nothing is lost by omission."""
        changed = set(self.changed_data)
        kwargs = {}
        for name in (*self.SCALARS, *self.RELATIONS, *self.RELATIONS_OPTIONAL, "members", "tags"):
            if name in changed:
                kwargs[name] = self._value(name)
        if kwargs.get("success_probability", 0) is None:
            # emptied: the stage's probability (the service takes it on a stage change)
            kwargs["success_probability"] = self.cleaned_data["stage"].success_probability
        custom = {
            d.pk: self._custom_value(d) for d in self.custom_definitions if f"cf_{d.pk}" in changed
        }
        if custom:
            kwargs["custom_fields"] = custom
        return kwargs


class SharingForm(VersionedForm):
    is_private = forms.BooleanField(
        label="Private: only the people below can see this opportunity", required=False
    )
    access_list = UserMultipleChoiceField(
        label="People with access",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The responsible person, the creator and administrators always have access.",
    )
    notify = forms.BooleanField(label="Send the people added an e-mail", required=False)

    def __init__(self, *args, user, opportunity: Opportunity, read_values=None, **kwargs):
        if read_values is None:
            read_values = self.initial_from(opportunity, user=user)
        kwargs.setdefault("initial", dict(read_values))
        super().__init__(*args, **kwargs)
        self.opportunity = opportunity
        self.fields["access_list"].queryset = user_list_active().exclude(pk=user.pk)
        self.setup_versioning(version=opportunity.version, read_values=read_values)

    @staticmethod
    def initial_from(opportunity: Opportunity, *, user) -> dict:
        return {
            "is_private": opportunity.is_private,
            "access_list": [u.pk for u in opportunity_access_users(opportunity) if u.pk != user.pk],
        }

    def access_kwargs(self) -> dict:
        return {
            "is_private": self.cleaned_data["is_private"],
            "access_list": list(self.cleaned_data["access_list"]),
            "notify": self.cleaned_data["notify"],
        }
