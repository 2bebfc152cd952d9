"""Forms of the contact pages; the contact services do the writes and have the last word."""

from django import forms

from accounts.selectors import user_list_active
from contacts.models import Contact
from contacts.selectors import (
    contact_access_user_ids,
    contact_can_change_access,
    contact_list_visible_to,
)
from core.forms import VersionedForm, access_list_field, private_field
from core.models import Currency


class CompanyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ContactSearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, company, e-mail…"}),
    )
    kind = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "People and companies"), ("person", "People"), ("company", "Companies")],
    )


class ContactForm(VersionedForm):
    """Create or edit a contact. The edit form carries the version and the values it was read
    at (core/forms.py): only what the user changed is sent, and a save over a newer version
    is refused (ContactChanged)."""

    kind = forms.ChoiceField(
        label="This contact is",
        choices=[("person", "A person"), ("company", "A company")],
        widget=forms.RadioSelect,
        initial="person",
    )
    first_name = forms.CharField(max_length=255, required=False)
    last_name = forms.CharField(max_length=255, required=False)
    job_title = forms.CharField(max_length=255, required=False)
    company = CompanyChoiceField(queryset=None, required=False, label="Works at")
    company_name = forms.CharField(max_length=255, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    phone = forms.CharField(max_length=50, required=False)
    industry = forms.CharField(max_length=255, required=False)
    currency = forms.ModelChoiceField(queryset=None, required=False)
    about = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    tags = forms.CharField(required=False, max_length=2000, help_text="Separate tags with commas.")
    is_private = private_field()
    access_list = access_list_field()

    PERSON = ("first_name", "last_name", "job_title", "company")
    COMPANY = ("company_name",)
    COMMON = ("email", "phone", "industry", "currency", "about")

    def __init__(
        self, *args, user, contact: Contact | None = None, read_values: dict | None = None, **kwargs
    ):
        self.user = user
        self.contact = contact
        if contact is not None:
            if read_values is None:
                read_values = self.initial_from(contact, user=user)
            kwargs.setdefault("initial", dict(read_values))
        super().__init__(*args, **kwargs)
        # only the companies this user may read: a hidden company is neither shown nor offered,
        # and stays the person's company when the form is saved (the field starts without it)
        companies = contact_list_visible_to(user=user).filter(is_company=True)
        if contact is not None:
            companies = companies.exclude(pk=contact.pk)
            self.fields["kind"].disabled = True
            if not contact_can_change_access(user=user, contact=contact):
                del self.fields["is_private"]
                del self.fields["access_list"]
        self.fields["company"].queryset = companies.order_by("company_name")
        self.fields["currency"].queryset = Currency.objects.order_by("abbreviation")
        if "access_list" in self.fields:
            self.fields["access_list"].queryset = user_list_active().exclude(pk=user.pk)
        if contact is None:
            self.drop_versioning()
        else:
            self.setup_versioning(version=contact.version, read_values=read_values)

    @staticmethod
    def initial_from(contact: Contact, *, user) -> dict:
        """The form's values for `contact` as `user` sees it: a company `user` may not read is
        left out, as the API renders it (null)."""
        return {
            "kind": "company" if contact.is_company else "person",
            **{
                name: getattr(contact, name)
                for name in ("first_name", "last_name", "job_title", "company_name")
            },
            **{name: getattr(contact, name) for name in ("email", "phone", "industry", "about")},
            "company": (
                contact.company_id
                if contact.company_id
                and contact_list_visible_to(user=user).filter(pk=contact.company_id).exists()
                else None
            ),
            "currency": contact.currency_id,
            "tags": ", ".join(tag.title for tag in contact.tags.all()),
            "is_private": contact.is_private,
            "access_list": sorted(contact_access_user_ids(contact) - {contact.created_by_id}),
        }

    def clean(self):
        data = super().clean()
        if data.get("kind") == "company":
            if not (data.get("company_name") or "").strip():
                self.add_error("company_name", "The company name is required.")
        elif not ((data.get("first_name") or "").strip() or (data.get("last_name") or "").strip()):
            self.add_error("first_name", "A first or last name is required.")
        return data

    @property
    def is_company(self) -> bool:
        return self.cleaned_data.get("kind") == "company"

    def _tags(self) -> list[str]:
        return [t.strip() for t in (self.cleaned_data.get("tags") or "").split(",") if t.strip()]

    def _values(self, names) -> dict:
        return {name: self.cleaned_data.get(name) for name in names}

    def create_kwargs(self) -> dict:
        names = (self.COMPANY if self.is_company else self.PERSON) + self.COMMON
        return {
            **self._values(names),
            "tags": self._tags(),
            "is_private": bool(self.cleaned_data.get("is_private")),
            "access_list": list(self.cleaned_data.get("access_list") or []),
        }

    def update_kwargs(self) -> dict:
        names = (self.COMPANY if self.contact.is_company else self.PERSON) + self.COMMON
        changed = set(self.changed_data)
        kwargs = {name: self.cleaned_data.get(name) for name in names if name in changed}
        if "tags" in changed:
            kwargs["tags"] = self._tags()
        if "is_private" in changed or "access_list" in changed:
            kwargs["is_private"] = bool(self.cleaned_data.get("is_private"))
            kwargs["access_list"] = list(self.cleaned_data.get("access_list") or [])
        return kwargs
