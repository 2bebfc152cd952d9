"""The Django admin writes through the services, like every other surface.

`ServiceModelAdmin` turns the admin's own saving and deleting into service calls:

- `save_model` writes nothing; `save_related`, which sees the main form and its inlines,
  calls `service_save` once, so a record and its inline rows (members, custom field values)
  are one service write with that service's rules, history, notifications and cache
  invalidation;
- a domain error from a service is shown as a form error (on the field it names when the
  form has it): the admin's transaction is rolled back and the page is built again from the
  same POST with the error attached, so the typed values stay;
- change forms carry the version they were read at (core/forms.py); a save over a newer
  version writes nothing and shows the form again with the stored values, the admin's own
  changes kept on top, and what changed meanwhile;
- deleting, one or many, goes through `service_delete` / `service_delete_many`.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import construct_change_message, flatten_fieldsets, unquote
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse

from core.errors import DomainError
from core.forms import HIDDEN_FIELDS, VersionedFormMixin, add_service_error
from core.models import Tag


class ServiceRefused(Exception):
    """A service refused the admin's write (carries the DomainError); raised out of the admin's
    transaction so that everything it wrote is rolled back."""

    def __init__(self, error: DomainError):
        super().__init__(error.message)
        self.error = error


class AccessListAdminForm(VersionedFormMixin, forms.ModelForm):
    """A private record's fields with its access list (edited here, not on guardian's
    object-permission pages, which wrote the permission rows directly) and, on a change form,
    the version it was read at. Subclasses name their tags' `tag_entity_type` and how to read
    the current access list (`access_user_ids`)."""

    access_list = forms.ModelMultipleChoiceField(
        label="People with access",
        queryset=None,
        required=False,
        widget=FilteredSelectMultiple("people", is_stacked=False),
    )
    notify = forms.BooleanField(label="E-mail the people added", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    read_values = forms.CharField(widget=forms.HiddenInput, required=False)

    tag_entity_type: str
    access_help_text = ""

    @staticmethod
    def access_user_ids(instance) -> set[int]:
        raise NotImplementedError

    def __init__(self, *args, read_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["access_list"].queryset = get_user_model().objects.filter(is_active=True)
        self.fields["access_list"].help_text = self.access_help_text
        if "tags" in self.fields:
            self.fields["tags"].queryset = Tag.objects.filter(entity_type=self.tag_entity_type)
        if self.instance.pk is None:
            self.drop_versioning()
            return
        self.initial.setdefault("access_list", sorted(self.access_user_ids(self.instance)))
        shown = {name: self.initial.get(name) for name in self.fields if name not in HIDDEN_FIELDS}
        shown.pop("notify", None)
        self.setup_versioning(
            version=self.instance.version, read_values=shown if read_values is None else read_values
        )


def custom_values_from_formsets(formsets, model) -> dict:
    """The custom field values an inline of `model` (rows with `field` and `value`) asks for,
    as the services take them: {definition id: text}; "" deletes (a row deleted, or moved to
    another field)."""
    values = {}
    for formset in formsets:
        if formset.model is not model:
            continue
        for row in formset.forms:
            data = getattr(row, "cleaned_data", {})
            deleted = bool(data.get("DELETE"))
            if not row.has_changed() and not deleted:
                continue
            before = row.instance.field_id if row.instance.pk else None
            field = data.get("field")
            if before and (deleted or field is None or field.pk != before):
                values.setdefault(before, "")
            if field is not None and not deleted:
                values[field.pk] = data.get("value") or ""
    return values


class ServiceModelAdmin(admin.ModelAdmin):
    #: a service error's field -> this form's field, where the form names it otherwise
    service_field_aliases: dict[str, str] = {}

    # -- to implement ---------------------------------------------------------------------------

    def service_save(self, request, form, formsets, change):
        """Create or update through the services; return the saved record."""
        raise NotImplementedError

    def service_delete(self, request, obj) -> None:
        raise NotImplementedError

    def service_delete_many(self, request, queryset) -> None:
        for obj in queryset:
            self.service_delete(request, obj)

    # -- helpers for service_save ---------------------------------------------------------------

    @staticmethod
    def service_value(form, name):
        """A field's cleaned value as the services take it: tags by title, users as a list."""
        value = form.cleaned_data.get(name)
        if name == "tags":
            return [tag.title for tag in value or []]
        if name == "access_list":
            return list(value or [])
        return value

    def access_values(self, form) -> dict:
        """The sharing arguments of a create or update service (`AccessListAdminForm`)."""
        return {
            "is_private": bool(form.cleaned_data.get("is_private")),
            "access_list": self.service_value(form, "access_list"),
            "notify": bool(form.cleaned_data.get("notify")),
        }

    def access_changes(self, form) -> dict:
        """`access_values`, only when the form changed the sharing (else an update keeps it)."""
        if {"is_private", "access_list"} & set(form.changed_data):
            return self.access_values(form)
        return {}

    def current_values(self, request, obj) -> dict:
        """The change form's initial values for `obj` as stored now."""
        form_class = self.get_form(request, obj, change=True)
        return dict(form_class(instance=obj).initial)

    # -- saving ---------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        """Nothing here: `save_related` writes the record and its inlines in one service call."""

    def save_related(self, request, form, formsets, change):
        try:
            saved = self.service_save(request, form, formsets, change)
        except DomainError as exc:
            raise ServiceRefused(exc) from exc
        obj = form.instance
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False
        obj._state.db = saved._state.db

    def construct_change_message(self, request, form, formsets, add=False):
        # the inline formsets were not saved by Django (no new_objects...): name the form's
        # fields and the inlines that changed
        message = construct_change_message(form, [], add)
        changed_inlines = [
            str(formset.model._meta.verbose_name_plural)
            for formset in formsets or ()  # None from the changelist's list editing
            if formset.has_changed()
        ]
        if changed_inlines and not add:
            message.append({"changed": {"fields": changed_inlines}})
        return message

    def get_form(self, request, obj=None, change=False, **kwargs):
        # the hidden version fields are the form's, not the model's
        fields = kwargs.get("fields")
        if not fields and self.fieldsets:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields:
            kwargs["fields"] = [name for name in fields if name not in HIDDEN_FIELDS]
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refused = getattr(request, "_service_refused", None)
        rebased = getattr(request, "_service_rebased", None)
        aliases = self.service_field_aliases
        if refused is None and rebased is None:
            return form_class

        class ServiceForm(form_class):
            def __init__(self, *args, **kwargs):
                if rebased is not None:
                    args = ()  # shown again unbound: the stored values with the user's on top
                    kwargs.pop("data", None)
                    kwargs.pop("files", None)
                    kwargs["initial"] = {**rebased["now"], **rebased["kept"]}
                    kwargs["read_values"] = rebased["now"]
                super().__init__(*args, **kwargs)

            def clean(self):
                data = super().clean()
                if refused is not None:
                    add_service_error(self, refused, field=aliases.get(refused.field))
                return data

        ServiceForm.__name__ = form_class.__name__
        return ServiceForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            stale = self._stale_response(request, object_id, form_url, extra_context)
            if stale is not None:
                return stale
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            # everything the first pass wrote is rolled back: build the page again from the
            # same POST, with the service's error on the form
            request._service_refused = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _stale_response(self, request, object_id, form_url, extra_context):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not hasattr(obj, "version"):
            return None
        form_class = self.get_form(request, obj, change=True)
        # a copy: validating a model form writes the posted values onto its instance
        form = form_class(request.POST, request.FILES, instance=self.get_object(request, obj.pk))
        if not isinstance(form, VersionedFormMixin):
            return None
        posted = form.posted_version
        if posted is None or posted == obj.version:
            return None
        form.is_valid()
        kept = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name not in HIDDEN_FIELDS and name in getattr(form, "cleaned_data", {})
        }
        now = {k: v for k, v in self.current_values(request, obj).items() if k not in HIDDEN_FIELDS}
        changes = form.changes_since_read(now, kept=kept)
        text = (
            f"Someone else saved “{obj}” after you opened it, so nothing was saved. The form now "
            "shows what is stored, with your changes kept on top (rows below are shown as "
            "stored): check them and save again."
        )
        if changes:
            text += " Changed meanwhile: " + "; ".join(changes) + "."
        self.message_user(request, text, messages.WARNING)
        request._service_rebased = {"now": now, "kept": kept}
        method, request.method = request.method, "GET"
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
        finally:
            request.method = method
        response.status_code = 409
        return response

    # -- deleting -------------------------------------------------------------------------------

    def delete_model(self, request, obj):
        try:
            self.service_delete(request, obj)
        except DomainError as exc:
            raise ServiceRefused(exc) from exc

    def delete_queryset(self, request, queryset):
        try:
            with transaction.atomic():  # all or nothing
                self.service_delete_many(request, queryset)
        except DomainError as exc:
            raise ServiceRefused(exc) from exc

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceRefused as refused:
            self.message_user(request, f"Not deleted: {refused.error.message}", messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[object_id],
                    current_app=self.admin_site.name,
                )
            )

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except ServiceRefused as refused:
            self.message_user(
                request, f"Nothing was changed: {refused.error.message}", messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())
