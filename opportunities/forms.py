"""Forms of the opportunity pages. They parse and validate what the user typed; the services
do every write and have the last word (their InvalidInput errors land on the right field)."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.selectors import user_list_active
from contacts.selectors import contact_list_visible_to
from core.custom_fields import custom_field_name
from core.forms import UserChoiceField, VersionedForm, access_list_field, private_field
from core.models import Currency, CustomFieldDefinition, EntityType, FieldType
from core.selectors import currency_base
from opportunities.form_fields import (
    ContactChoiceField,
    ContactMultipleChoiceField,
    DateInput,
    StorableDateField,
    custom_form_field,
    date_to_datetime,
    lost_comment_field,
    lost_reason_field,
    lost_stage_ids,
    split_tags,
)
from opportunities.lost_reasons import is_lost
from opportunities.models import (
    BID_TYPE_LABELS,
    BidType,
    LeadSource,
    Opportunity,
    OpportunityStatus,
)
from opportunities.selectors import (
    lost_reason_list,
    opportunity_access_users,
    opportunity_can_change_access,
    opportunity_list_tags,
    stage_list,
)
from opportunities.validation import SCALAR_FIELDS


class OpportunityForm(VersionedForm):
    """Create (with sharing) or edit an opportunity. The edit form carries the version and
    the values it was read at (core/forms.py): only what the user changed is sent, and a
    save over a newer version is refused (OpportunityChanged)."""

    title = forms.CharField(max_length=255)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    stage = forms.ModelChoiceField(queryset=None, empty_label=None)
    lost_reason = lost_reason_field()
    lost_comment = lost_comment_field()
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
    is_private = private_field()
    access_list = access_list_field()
    notify = forms.BooleanField(label="Send them an e-mail", required=False)

    # The domain's plain values, all editable here but the actual close date (closing sets it).
    SCALARS = tuple(sorted(SCALAR_FIELDS - {"actual_close_date"}))
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
        self.fields["lost_reason"].queryset = lost_reason_list(
            keep_id=getattr(opportunity, "lost_reason_id", None)
        )
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
                self.fields[custom_field_name(definition.pk)] = form_field
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
            lost_reason=opportunity.lost_reason_id,
            lost_comment=opportunity.lost_comment,
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
            initial[custom_field_name(value.field_id)] = stored
        return initial

    @property
    def lost_stage_ids(self) -> str:
        return lost_stage_ids(self.fields["stage"].queryset)

    def clean(self):
        """Choosing a lost stage asks why (the pages require the reason); with another stage
        the reason and comment are not sent."""
        cleaned = super().clean()
        if is_lost(cleaned.get("stage")):
            if not cleaned.get("lost_reason") and "lost_reason" not in self.errors:
                self.add_error("lost_reason", "Choose why the deal was lost.")
        else:
            cleaned["lost_reason"], cleaned["lost_comment"] = None, ""
        return cleaned

    def _lost_kwargs(self, names) -> dict:
        if not is_lost(self.cleaned_data.get("stage")):
            return {}
        return {name: self.cleaned_data.get(name) for name in names}

    def custom_rows(self):
        """(definition, bound field or None for a heading), in the definitions' order."""
        for definition in self.custom_definitions:
            name = custom_field_name(definition.pk)
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
        value = self.cleaned_data.get(custom_field_name(definition.pk))
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
        if kwargs["owner"] is None:
            del kwargs["owner"]  # left blank: the creator
        kwargs["custom_fields"] = {
            d.pk: self._custom_value(d)
            for d in self.custom_definitions
            if custom_field_name(d.pk) in self.fields and self._custom_value(d) != ""
        }
        kwargs.update(self._lost_kwargs(("lost_reason", "lost_comment")))
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
            d.pk: self._custom_value(d)
            for d in self.custom_definitions
            if custom_field_name(d.pk) in changed
        }
        if custom:
            kwargs["custom_fields"] = custom
        kwargs.update(
            self._lost_kwargs([n for n in ("lost_reason", "lost_comment") if n in changed])
        )
        return kwargs


class SharingForm(VersionedForm):
    is_private = private_field("Private: only the people below can see this opportunity")
    access_list = access_list_field(
        help_text="The responsible person, the creator and administrators always have access."
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
