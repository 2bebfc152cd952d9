"""The Trash page: the deleted deals a user may restore (opportunities/trash_selectors.py),
newest first, with their days left; one Restore per deal, and one "Restore all N" for a delete
that moved several (a group or filter-wide delete). Restoring goes through the trash services."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.views import domain_errors_as_http
from opportunities.models import Opportunity
from opportunities.trash_selectors import (
    TRASH_RESTORERS,
    trash_batches,
    trash_days,
    trash_days_left,
    trash_list,
)
from opportunities.trash_services import opportunity_restore, opportunity_restore_batch

TRASH_PAGE_SIZE = 25


def trash_message(request: HttpRequest, opportunity: Opportunity) -> str:
    """The message after a deal was deleted on its page: it is in the trash, with an Undo
    button when the user may restore it (a form: restoring is a write)."""
    text = format_html(
        '“{}” moved to the <a href="{}">trash</a>.', opportunity.title, reverse("trash")
    )
    if not TRASH_RESTORERS.allows(request.user, opportunity):
        return text
    return format_html(
        '{} <form method="post" action="{}" class="inline-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="button small">Undo</button></form>',
        text,
        reverse("trash_restore", args=[opportunity.pk]),
        get_token(request),
        reverse("opportunity_detail", args=[opportunity.pk]),
    )


def _next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_GET
def trash(request: HttpRequest) -> HttpResponse:
    page = Paginator(trash_list(user=request.user), TRASH_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    batches = trash_batches(user=request.user, batch_ids=[r.deletion_batch for r in rows])
    entries, shown = [], set()
    for row in rows:
        batch = batches.get(str(row.deletion_batch))
        entries.append(
            {
                "deal": row,
                "days_left": trash_days_left(row.deleted_at),
                # a batch heads its first row on the page
                "batch": batch if batch and batch.batch not in shown else None,
                "in_batch": batch is not None,
            }
        )
        if batch:
            shown.add(batch.batch)
    return render(
        request,
        "opportunities/trash.html",
        {"page": page, "entries": entries, "trash_days": trash_days()},
    )


@login_required
@require_POST
@domain_errors_as_http
def trash_restore(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_restore(opportunity_id=pk, restored_by=request.user)
    messages.success(
        request,
        format_html(
            '“<a href="{}">{}</a>” restored.',
            reverse("opportunity_detail", args=[opportunity.pk]),
            opportunity.title,
        ),
    )
    return redirect(_next(request, reverse("trash")))


@login_required
@require_POST
@domain_errors_as_http
def trash_restore_batch(request: HttpRequest, batch: uuid.UUID) -> HttpResponse:
    count = opportunity_restore_batch(batch=batch, restored_by=request.user)
    messages.success(request, f"{count} deal{'s' if count != 1 else ''} restored.")
    return redirect(_next(request, reverse("trash")))
