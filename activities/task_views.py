"""My tasks (/tasks/), and closing or reopening a task in one click, from My tasks or from a
deal's timeline.

With htmx, closing answers what the click came from (`panel`): on My tasks the task's row in
its new state (with "Reopen"), on the timeline the whole section again; both with the
navigation's overdue count beside them. Without JavaScript the button is a form: it posts, and
the answer is a redirect back (`next`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from activities.forms import MyTasksFilterForm
from activities.my_tasks import my_tasks
from activities.task_selectors import task_can_edit, task_get_visible, task_is_overdue
from activities.task_services import task_close, task_reopen
from activities.views import safe_next, timeline_answer, timeline_url
from core.views import domain_errors_as_http
from opportunities.selectors import opportunity_get_visible


@login_required
@require_GET
def my_tasks_page(request: HttpRequest) -> HttpResponse:
    form = MyTasksFilterForm(request.GET)
    criteria = form.criteria()
    result = my_tasks(
        user=request.user,
        scope=criteria["scope"],
        category=criteria["category"],
        closed=criteria["closed"],
        page_number=request.GET.get("page"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/my_tasks.html",
        {
            "form": form,
            "result": result,
            "scope": criteria["scope"],
            "filter_query": query.urlencode(),
        },
    )


def _closed_or_reopened(request: HttpRequest, task_id: int, *, close: bool) -> HttpResponse:
    task = task_get_visible(user=request.user, task_id=task_id)
    if close:
        task_close(task_id=task.pk, closed_by=request.user)
    else:
        task_reopen(task_id=task.pk, reopened_by=request.user)
    if request.htmx and request.POST.get("panel") == "timeline" and task.opportunity_id:
        opportunity = opportunity_get_visible(user=request.user, opportunity_id=task.opportunity_id)
        return timeline_answer(request, opportunity)
    if request.htmx:
        task = task_get_visible(user=request.user, task_id=task.pk)
        task.user_can_edit = task_can_edit(user=request.user, task=task)
        task.overdue = task_is_overdue(task)
        return render(
            request,
            "activities/_my_task_row.html",
            {"task": task, "with_nav_count": True, "next": request.POST.get("next", "")},
        )
    messages.success(
        request, f"Task “{task.title}” {'closed' if close else 'reopened'}.", fail_silently=True
    )
    fallback = timeline_url(task.opportunity_id) if task.opportunity_id else reverse("my_tasks")
    return safe_next(request, fallback)


@login_required
@require_POST
@domain_errors_as_http
def task_close_page(request: HttpRequest, task_id: int) -> HttpResponse:
    return _closed_or_reopened(request, task_id, close=True)


@login_required
@require_POST
@domain_errors_as_http
def task_reopen_page(request: HttpRequest, task_id: int) -> HttpResponse:
    return _closed_or_reopened(request, task_id, close=False)
