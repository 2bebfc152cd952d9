"""The timeline's actions on the opportunity page: add a note, add a task, close and reopen a
task, delete a note, show older entries.

Each works two ways. With htmx (the page's JavaScript) the answer is the timeline section
again, swapped in place, with the overdue count of the navigation beside it; an invalid form
comes back in that section with its errors on the fields. Without JavaScript the form posts,
and the answer is a redirect back to the page (`next`), or a small page with the form and its
errors (422). Views are thin: visibility first through the selectors (a stranger gets 404),
then one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST

from activities.forms import NoteForm, TaskForm
from activities.history_selectors import history_event_get_visible
from activities.history_services import history_event_add, history_event_delete
from activities.task_services import task_create
from activities.timeline import Cursor, timeline_of_opportunity
from core.errors import InvalidInput
from core.forms import add_service_error
from core.views import domain_errors_as_http
from opportunities.models import Opportunity
from opportunities.selectors import opportunity_get_visible

TIMELINE_TEMPLATE = "activities/_timeline.html"
CURSOR_PARAM = "timeline_after"


def _timeline_context(request, opportunity, *, cursor=None, note_form=None, task_form=None):
    """The section's context; the forms only on the first page (older pages have none)."""
    timeline = timeline_of_opportunity(user=request.user, opportunity=opportunity, cursor=cursor)
    context = {
        "opportunity": opportunity,
        "timeline": timeline,
        "page_url": reverse("opportunity_detail", args=[opportunity.pk]),
        "cursor_param": CURSOR_PARAM,
    }
    if timeline.first_page:
        context["note_form"] = note_form or NoteForm(auto_id="id_note_%s")
        context["task_form"] = task_form or TaskForm(user=request.user, auto_id="id_task_%s")
    return context


def timeline_section(request: HttpRequest, opportunity: Opportunity) -> str:
    """The opportunity page's section (registered in `ActivitiesConfig.ready`). The page's
    `?timeline_after=` (the "show more" link without JavaScript) shows an older page."""
    cursor = Cursor.parse(request.GET.get(CURSOR_PARAM))
    return render_to_string(
        TIMELINE_TEMPLATE, _timeline_context(request, opportunity, cursor=cursor), request=request
    )


def timeline_answer(request, opportunity, *, status=200, **forms) -> HttpResponse:
    """The timeline section for htmx (swapped over the one on the page) and the navigation's
    overdue count beside it."""
    context = _timeline_context(request, opportunity, **forms)
    context["with_nav_count"] = True
    return render(request, TIMELINE_TEMPLATE, context, status=status)


def safe_next(request: HttpRequest, fallback: str) -> HttpResponse:
    """A redirect to the posted `next` (a page of this site), else to `fallback`."""
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def timeline_url(opportunity_id: int) -> str:
    return reverse("opportunity_detail", args=[opportunity_id]) + "#timeline"


def _form_page(request, opportunity, form, *, title: str) -> HttpResponse:
    """Without JavaScript, an invalid form: its own small page, errors on the fields."""
    return render(
        request,
        "activities/timeline_form_page.html",
        {"opportunity": opportunity, "form": form, "title": title},
        status=422,
    )


@login_required
@require_GET
@domain_errors_as_http
def timeline_more(request: HttpRequest, pk: int) -> HttpResponse:
    """The entries after a cursor, as list items and the next "show more" (htmx); without
    JavaScript, the opportunity page at that point of its timeline."""
    opportunity = opportunity_get_visible(user=request.user, opportunity_id=pk)
    cursor = Cursor.parse(request.GET.get(CURSOR_PARAM))
    if not request.htmx:
        query = f"?{urlencode({CURSOR_PARAM: str(cursor)})}" if cursor else ""
        return redirect(reverse("opportunity_detail", args=[pk]) + query + "#timeline")
    context = _timeline_context(request, opportunity, cursor=cursor)
    return render(request, "activities/_timeline_entries.html", context)


@login_required
@require_POST
@domain_errors_as_http
def timeline_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(user=request.user, opportunity_id=pk)
    form = NoteForm(request.POST, auto_id="id_note_%s")
    if form.is_valid():
        try:
            history_event_add(
                added_by=request.user,
                content=form.cleaned_data["content"],
                category=form.cleaned_data["category"],
                opportunity=opportunity,
            )
        except InvalidInput as exc:
            add_service_error(form, exc)
    if form.errors:
        if request.htmx:
            return timeline_answer(request, opportunity, note_form=form)
        return _form_page(request, opportunity, form, title="Add a note")
    if request.htmx:
        return timeline_answer(request, opportunity)
    messages.success(request, "Note added.")
    return safe_next(request, timeline_url(pk))


@login_required
@require_POST
@domain_errors_as_http
def timeline_task_add(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(user=request.user, opportunity_id=pk)
    form = TaskForm(request.POST, user=request.user, auto_id="id_task_%s")
    if form.is_valid():
        try:
            task_create(created_by=request.user, opportunity=opportunity, **form.task_kwargs())
        except InvalidInput as exc:
            add_service_error(form, exc)
    if form.errors:
        if request.htmx:
            return timeline_answer(request, opportunity, task_form=form)
        return _form_page(request, opportunity, form, title="Add a task")
    if request.htmx:
        return timeline_answer(request, opportunity)
    messages.success(request, f"Task “{form.cleaned_data['title']}” added.")
    return safe_next(request, timeline_url(pk))


@login_required
@require_POST
@domain_errors_as_http
def history_event_remove(request: HttpRequest, event_id: int) -> HttpResponse:
    """Delete a note (its author, the deal's responsible, admins: `history_event_delete`)."""
    event = history_event_get_visible(user=request.user, event_id=event_id)
    history_event_delete(event_id=event.pk, deleted_by=request.user)
    if request.htmx and event.opportunity_id is not None:
        opportunity = opportunity_get_visible(
            user=request.user, opportunity_id=event.opportunity_id
        )
        return timeline_answer(request, opportunity)
    messages.success(request, "Note deleted.")
    if event.opportunity_id is None:
        return safe_next(request, reverse("contact_detail", args=[event.contact_id]))
    return safe_next(request, timeline_url(event.opportunity_id))
