"""Bulk edit on the opportunities table: the checked rows (or every row of the filter) and one
action, posted as a plain form (opportunities/bulk_services.py does the work). The post
redirects to a summary of what was changed and what was skipped and why, kept in the session:
reloading the summary shows it again instead of running the action a second time."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from opportunities.bulk_services import (
    opportunities_bulk_add_tag,
    opportunities_bulk_delete,
    opportunities_bulk_move,
    opportunities_bulk_remove_tag,
    opportunities_bulk_set_responsible,
    opportunities_bulk_share,
)
from opportunities.list_forms import BulkActionForm, OpportunityListFilterForm
from opportunities.list_selectors import opportunity_list_queryset

# the filters a bulk form carries (as hidden fields), to name "every row of the filter"
FILTER_FIELDS = ("q", "responsible", "contact", "tag", "private", "attention", "state", "stage")
ACTION_DONE = {
    "move": "Moved",
    "responsible": "Responsible changed",
    "tag_add": "Tag added",
    "tag_remove": "Tag removed",
    "share": "Sharing changed",
    "delete": "Moved to the trash",
}
SUMMARY_SESSION_KEY = "opportunity_bulk_summary"
# The rows a summary names (the counts are whole): "every row of the filter" may be thousands.
SUMMARY_ROWS = 500


def _filter_data(request: HttpRequest) -> QueryDict:
    """The list's filters, carried by the bulk form as `filter_<name>` hidden fields."""
    data = QueryDict(mutable=True)
    for name in FILTER_FIELDS:
        value = request.POST.get(f"filter_{name}", "")
        if value:
            data[name] = value
    return data


def _list_url(request: HttpRequest) -> str:
    text = _filter_data(request).urlencode()
    return reverse("opportunity_list") + (f"?{text}" if text else "")


def _selected_ids(request: HttpRequest, form: BulkActionForm) -> list[int]:
    if not form.cleaned_data["all"]:
        return form.cleaned_data["ids"]
    data = _filter_data(request)
    filter_form = OpportunityListFilterForm(data, user=request.user)
    queryset = opportunity_list_queryset(
        user=request.user, filters=filter_form.to_filters(), state=filter_form.state_filters()
    )
    return list(queryset.order_by("id").values_list("pk", flat=True))


def _run(request: HttpRequest, form: BulkActionForm, ids: list[int]):
    data, user = form.cleaned_data, request.user
    match data["action"]:
        case "move":
            return opportunities_bulk_move(
                opportunity_ids=ids,
                stage=data["stage"],
                moved_by=user,
                lost_reason=data["lost_reason"],
                lost_comment=data["lost_comment"],
            )
        case "responsible":
            return opportunities_bulk_set_responsible(
                opportunity_ids=ids, responsible=data["responsible"], changed_by=user
            )
        case "tag_add":
            return opportunities_bulk_add_tag(
                opportunity_ids=ids, tag_name=data["tag"], added_by=user
            )
        case "tag_remove":
            return opportunities_bulk_remove_tag(
                opportunity_ids=ids, tag_name=data["tag"], removed_by=user
            )
        case "share":
            return opportunities_bulk_share(
                opportunity_ids=ids,
                is_private=data["is_private"],
                access_list=data["access_list"],
                set_by=user,
            )
        case _:
            return opportunities_bulk_delete(opportunity_ids=ids, deleted_by=user)


@login_required
@require_POST
def opportunity_bulk(request: HttpRequest) -> HttpResponse:
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[name].label or name}: {error}" if name in form.fields else str(error)
            for name, field_errors in form.errors.items()
            for error in field_errors
        )
        messages.error(request, f"Nothing was changed. {errors}")
        return redirect(_list_url(request))
    ids = _selected_ids(request, form)
    result = _run(request, form, ids)
    request.session[SUMMARY_SESSION_KEY] = _summary(
        result, asked=len(ids), list_url=_list_url(request)
    )
    return redirect("opportunity_bulk_summary")


def _summary(result, *, asked: int, list_url: str) -> dict:
    """What the summary page shows, as the session can keep it (plain values)."""
    return {
        "action": result.action,
        "done": ACTION_DONE[result.action],
        "asked": asked,
        "changed_count": len(result.changed),
        "changed": [[row.pk, row.title] for row in result.changed[:SUMMARY_ROWS]],
        "skipped_count": len(result.skipped) + result.unavailable,
        "skipped": [[row.pk, row.title, str(why)] for row, why in result.skipped[:SUMMARY_ROWS]],
        "unavailable": result.unavailable,
        "batch": str(result.batch) if result.batch and result.changed else "",
        "list_url": list_url,
    }


@login_required
@require_GET
def opportunity_bulk_summary(request: HttpRequest) -> HttpResponse:
    summary = request.session.get(SUMMARY_SESSION_KEY)
    if not summary:
        return redirect("opportunity_list")
    return render(
        request,
        "opportunities/bulk_summary.html",
        {
            "summary": summary,
            "changed_more": summary["changed_count"] - len(summary["changed"]),
            "skipped_more": summary["skipped_count"]
            - summary["unavailable"]
            - len(summary["skipped"]),
        },
    )
