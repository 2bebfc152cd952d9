"""Contact pages: list with search, create, edit, delete. The contact page itself shows the
contact's deals, so it lives in `opportunities/people_views.py`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from contacts.errors import ContactChanged
from contacts.forms import ContactForm, ContactSearchForm
from contacts.selectors import (
    contact_get_editable,
    contact_get_visible,
    contact_search,
    contact_with_company_shown,
)
from contacts.services import (
    contact_create_company,
    contact_create_person,
    contact_delete,
    contact_update,
)
from core.errors import InvalidInput
from core.forms import add_service_error
from core.views import domain_errors_as_http

PAGE_SIZE = 25


@login_required
@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    form = ContactSearchForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    kind = {"person": False, "company": True}.get(data.get("kind") or "")
    contacts = (
        contact_with_company_shown(
            contact_search(user=request.user, text=data.get("q") or "", is_company=kind),
            user=request.user,
        )
        .select_related("company")
        .order_by("company_name", "last_name", "first_name", "id")
    )
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contacts/contact_list.html", {"page": page, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def contact_new(request: HttpRequest) -> HttpResponse:
    initial = {"kind": "company"} if request.GET.get("kind") == "company" else {}
    form = ContactForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        create = contact_create_company if form.is_company else contact_create_person
        try:
            contact = create(created_by=request.user, **form.create_kwargs())
        except InvalidInput as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Contact “{contact.display_name}” created.")
            return redirect("contact_detail", pk=contact.pk)
    return render(request, "contacts/contact_form.html", {"form": form, "contact": None})


def _edit_conflict(request: HttpRequest, pk: int, form: ContactForm) -> HttpResponse:
    """The edit form shown again over the contact as it is now: its values, the user's changes
    on top, the new version, and what changed since the form was read (409)."""
    current = contact_get_visible(user=request.user, contact_id=pk)
    now = ContactForm.initial_from(current, user=request.user)
    kept = form.user_changes()
    changes = form.changes_since_read(now, kept=kept)
    form = ContactForm(user=request.user, contact=current, initial={**now, **kept}, read_values=now)
    conflict = {
        "message": "Someone else saved this contact after you opened it, so nothing was saved. "
        "The form now shows what is stored, with your changes kept on top: check them and save "
        "again.",
        "changes": changes,
    }
    return render(
        request,
        "contacts/contact_form.html",
        {"form": form, "contact": current, "conflict": conflict},
        status=409,
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = contact_get_editable(user=request.user, contact_id=pk)
    form = ContactForm(request.POST or None, user=request.user, contact=contact)
    if request.method == "POST" and not form.is_valid():
        if form.posted_version not in (None, contact.version):
            return _edit_conflict(request, pk, form)  # stale, and no longer valid
    elif request.method == "POST":
        try:
            contact = contact_update(
                contact=contact,
                updated_by=request.user,
                expected_version=form.expected_version,
                **form.update_kwargs(),
            )
        except ContactChanged:
            return _edit_conflict(request, pk, form)
        except InvalidInput as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Contact “{contact.display_name}” saved.")
            return redirect("contact_detail", pk=contact.pk)
    return render(request, "contacts/contact_form.html", {"form": form, "contact": contact})


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def contact_remove(request: HttpRequest, pk: int) -> HttpResponse:
    contact = contact_get_editable(user=request.user, contact_id=pk)
    if request.method == "POST":
        contact_delete(contact=contact, deleted_by=request.user)
        messages.success(request, f"Contact “{contact.display_name}” deleted.")
        return redirect("contact_list")
    return render(request, "contacts/contact_confirm_delete.html", {"contact": contact})
