"""Pages of the pipeline: the board, the list, and create / detail / edit / delete / sharing.

Views are thin: parse with a form, read through the selectors' access functions (visibility
first, so a stranger gets 404), write through one service, render. A view turns the domain errors
it can show into form errors or messages; `domain_errors_as_http` maps the rest (404, 403, 400)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import AccessDenied, InvalidInput, NotFound
from core.forms import add_service_error
from core.selectors import currency_base
from core.views import domain_errors_as_http
from crm_project.api.pagination import MAX_START_INDEX
from opportunities.board import (
    CARDS_PER_COLUMN,
    BoardFilters,
    board_build,
    board_column_page,
    board_columns_totals,
    board_contact_matches,
    board_prepare_cards,
    board_queryset,
)
from opportunities.board_forms import BoardFilterForm, ReopenForm, StageMoveForm
from opportunities.bulk_views import FILTER_FIELDS as BULK_FILTER_FIELDS
from opportunities.errors import OpportunityChanged, ResponsibleChangeDenied
from opportunities.forms import OpportunityForm, SharingForm
from opportunities.list_forms import BulkActionForm, OpportunityListFilterForm
from opportunities.list_selectors import LIST_SORTS, opportunity_list_rows
from opportunities.page_sections import opportunity_sections_render
from opportunities.selectors import (
    lost_reason_list,
    opportunity_access_users,
    opportunity_can_change_access,
    opportunity_can_edit,
    opportunity_card_related,
    opportunity_get_editable,
    opportunity_get_visible,
    opportunity_list_visible_to,
    opportunity_stage_history,
    opportunity_with_related,
    stage_get,
    stage_list,
)
from opportunities.services import (
    opportunity_create,
    opportunity_delete,
    opportunity_move_to_stage,
    opportunity_set_access,
    opportunity_update,
)
from opportunities.trash_selectors import trash_days
from opportunities.trash_views import trash_message

LIST_PAGE_SIZE = 25
# the filters, the board's "show closed" switch (`closed=show`) that links keep too, and the
# table's open/closed and stage filters
FILTER_KEYS = (
    *("q", "responsible", "contact", "tag", "private", "attention", "closed", "state", "stage"),
)


def _filters(request: HttpRequest, data) -> tuple[BoardFilterForm, BoardFilters]:
    form = BoardFilterForm(data, user=request.user)
    return form, form.to_filters()


def _list_filters(request: HttpRequest, data) -> tuple[OpportunityListFilterForm, BoardFilters]:
    form = OpportunityListFilterForm(data, user=request.user)
    return form, form.to_filters()


def _filter_query(data) -> str:
    """The filter part of a query string, to carry filters into partial requests."""
    query = data.copy()
    for key in list(query):
        if key not in FILTER_KEYS:
            del query[key]
    return query.urlencode()


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# -- board -------------------------------------------------------------------------------------


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request, request.GET)
    the_board = board_build(user=request.user, filters=filters)
    context = {
        "board": the_board,
        "filter_form": form,
        "filter_query": _filter_query(request.GET),
        "per_column": CARDS_PER_COLUMN,
        "stages": [column.stage for column in the_board.columns],
        "lost_reasons": lost_reason_list(),
    }
    return render(request, "opportunities/board.html", context)


@login_required
@require_GET
@domain_errors_as_http
def board_column(request: HttpRequest, stage_id: int) -> HttpResponse:
    """The next cards of one column ("load more"), as an HTML fragment."""
    stage = stage_get(stage_id=stage_id)
    try:
        offset = max(int(request.GET.get("offset", CARDS_PER_COLUMN)), 0)
    except ValueError:
        offset = CARDS_PER_COLUMN
    if offset > MAX_START_INDEX:
        raise BadRequest(f"offset cannot be larger than {MAX_START_INDEX}.")
    _, filters = _filters(request, request.GET)
    cards, remaining = board_column_page(
        user=request.user, filters=filters, stage=stage, offset=offset
    )
    context = {
        "cards": cards,
        "stage": stage,
        "remaining": remaining,
        "next_offset": offset + len(cards),
        "filter_query": _filter_query(request.GET),
        "per_column": CARDS_PER_COLUMN,
    }
    return render(request, "opportunities/_column_more.html", context)


@login_required
@require_GET
def board_contact_options(request: HttpRequest) -> HttpResponse:
    """The contact filter's choices for what is typed (`contact_search`), as list items."""
    text = request.GET.get("contact_search", "").strip()[:200]
    contacts = board_contact_matches(user=request.user, text=text)
    return render(request, "opportunities/_contact_options.html", {"contacts": contacts})


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _move_error(request, opportunity_pk, message: str, status: int):
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": message}, status=status)
    if status == 404:
        raise Http404(message)
    messages.error(request, message)
    return redirect(_safe_next(request, reverse("opportunity_detail", args=[opportunity_pk])))


@login_required
@require_POST
def opportunity_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a card to another stage: drag and drop on the board (JSON), or the stage selector
    on a card or the detail page (a plain form post that comes back with a message)."""
    try:
        opportunity = opportunity_get_visible(user=request.user, opportunity_id=pk)
    except NotFound:
        return _move_error(request, pk, "This opportunity no longer exists or is hidden.", 404)
    form = StageMoveForm(request.POST, keep_reason_id=opportunity.lost_reason_id)
    if not form.is_valid():
        return _move_error(request, pk, form.error_text(), 400)
    previous_stage = opportunity.stage
    try:
        opportunity = opportunity_move_to_stage(
            opportunity=opportunity,
            stage=form.cleaned_data["stage"],
            moved_by=request.user,
            lost_reason=form.cleaned_data["lost_reason"],
            lost_comment=form.cleaned_data["lost_comment"],
            require_lost_reason=True,  # the pages always ask why a deal was lost
        )
    except AccessDenied:
        return _move_error(
            request, pk, f"You may not move “{opportunity.title}”: you cannot edit it.", 403
        )
    except NotFound:
        return _move_error(request, pk, "This opportunity no longer exists or is hidden.", 404)
    except InvalidInput as exc:
        return _move_error(request, pk, exc.message, 400)
    message = f"“{opportunity.title}” moved to {opportunity.stage.title}."
    if not _wants_json(request):
        messages.success(request, message)
        return redirect(_safe_next(request, reverse("opportunity_detail", args=[pk])))

    # The board's filters ride along, so the new totals match what the columns show.
    _, filters = _filters(request, request.POST)
    stages = [previous_stage] if previous_stage.pk != opportunity.stage_id else []
    stages.append(opportunity.stage)
    card = opportunity_card_related(
        board_queryset(user=request.user, filters=BoardFilters()).filter(pk=pk), user=request.user
    ).first()
    board_prepare_cards([card], user=request.user)
    columns = board_columns_totals(user=request.user, filters=filters, stages=stages)
    return JsonResponse(
        {
            "ok": True,
            "message": message,
            "opportunity": pk,
            "stage": opportunity.stage_id,
            "card": render_to_string(
                "opportunities/_card.html",
                {"card": card},
                request=request,
            ),
            "columns": [
                {
                    "stage": stage.pk,
                    "header": render_to_string(
                        "opportunities/_column_header.html",
                        {"stage": stage, "totals": totals, "base": base},
                        request=request,
                    ),
                    "count": totals.count,
                    "total": str(totals.total),
                    "weighted": str(totals.weighted),
                }
                for stage, totals, base in columns
            ],
        }
    )


# -- list --------------------------------------------------------------------------------------


@login_required
@require_GET
def opportunity_list(request: HttpRequest) -> HttpResponse:
    form, filters = _list_filters(request, request.GET)
    sort = request.GET.get("sort", "")
    key = sort.lstrip("-")
    if key not in LIST_SORTS:
        sort, key = "", ""
    base = currency_base()
    queryset = opportunity_list_rows(
        user=request.user, filters=filters, state=form.state_filters(), base=base, sort=sort
    )
    page = Paginator(queryset, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    columns = [
        ("title", "Title"),
        ("stage", "Stage"),
        ("value", "Amount"),
        ("responsible", "Responsible"),
        ("close", "Expected close"),
        ("updated", "Updated"),
    ]
    return render(
        request,
        "opportunities/opportunity_list.html",
        {
            "page": page,
            "filter_form": form,
            "sort": sort,
            "sort_key": key,
            "columns": columns,
            "base": base,
            "filter_query": _filter_query(request.GET),
            "bulk_form": BulkActionForm(auto_id="bulk_%s"),
            "bulk_filter_fields": BULK_FILTER_FIELDS,
        },
    )


# -- create, detail, edit, delete, sharing -------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def opportunity_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.method == "GET":
        for name in ("stage", "contact"):
            if request.GET.get(name, "").isdigit():
                initial[name] = request.GET[name]
    form = OpportunityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = opportunity_create(
                created_by=request.user, require_lost_reason=True, **form.create_kwargs()
            )
        except InvalidInput as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Opportunity “{opportunity.title}” created.")
            return redirect("opportunity_detail", pk=opportunity.pk)
    return render(
        request, "opportunities/opportunity_form.html", {"form": form, "opportunity": None}
    )


@login_required
@require_GET
@domain_errors_as_http
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = (
        opportunity_with_related(opportunity_list_visible_to(user=request.user), user=request.user)
        .filter(pk=pk)
        .first()
    )
    if opportunity is None:
        raise NotFound()
    stages = list(stage_list())
    return render(
        request,
        "opportunities/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "history": opportunity_stage_history(opportunity),
            "access_users": opportunity_access_users(opportunity),
            "can_edit": opportunity_can_edit(user=request.user, opportunity=opportunity),
            "can_change_access": opportunity_can_change_access(
                user=request.user, opportunity=opportunity
            ),
            "stages": stages,
            "move_form": StageMoveForm(
                initial={"stage": opportunity.stage_id}, keep_reason_id=opportunity.lost_reason_id
            ),
            "reopen_form": ReopenForm() if opportunity.stage.is_closed else None,
            "sections": opportunity_sections_render(request, opportunity),
        },
    )


CONFLICT_MESSAGE = (
    "Someone else saved this opportunity after you opened it, so nothing was saved. The form "
    "now shows what is stored, with your changes kept on top: check them and save again."
)


def _conflict_response(request, template: str, context: dict) -> HttpResponse:
    """The form shown again after a stale save: 409, the current values, the user's changes
    kept, and what changed meanwhile (`context["conflict"]`)."""
    return render(request, template, context, status=409)


def _edit_conflict(request: HttpRequest, pk: int, form: OpportunityForm) -> HttpResponse:
    """The edit form shown again over the opportunity as it is now: its values, the user's
    changes on top, the new version, and what changed since the form was read."""
    current = opportunity_get_editable(user=request.user, opportunity_id=pk)
    now = OpportunityForm.initial_from(current, user=request.user)
    kept = form.user_changes()
    changes = form.changes_since_read(now, kept=kept)
    form = OpportunityForm(
        user=request.user, opportunity=current, initial={**now, **kept}, read_values=now
    )
    return _conflict_response(
        request,
        "opportunities/opportunity_form.html",
        {
            "form": form,
            "opportunity": current,
            "conflict": {"message": CONFLICT_MESSAGE, "changes": changes},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_editable(user=request.user, opportunity_id=pk)
    form = OpportunityForm(request.POST or None, user=request.user, opportunity=opportunity)
    if request.method == "POST" and not form.is_valid():
        if form.posted_version not in (None, opportunity.version):
            # a stale form that no longer validates (a contact it names was deleted
            # meanwhile): the same answer as a stale save
            return _edit_conflict(request, pk, form)
    elif request.method == "POST":
        try:
            opportunity = opportunity_update(
                opportunity=opportunity,
                updated_by=request.user,
                expected_version=form.expected_version,
                require_lost_reason=True,
                **form.update_kwargs(),
            )
        except OpportunityChanged:
            return _edit_conflict(request, pk, form)
        except (InvalidInput, ResponsibleChangeDenied) as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Opportunity “{opportunity.title}” saved.")
            return redirect("opportunity_detail", pk=opportunity.pk)
    return render(
        request,
        "opportunities/opportunity_form.html",
        {"form": form, "opportunity": opportunity},
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def opportunity_remove(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_editable(user=request.user, opportunity_id=pk)
    if request.method == "POST":
        opportunity = opportunity_delete(opportunity=opportunity, deleted_by=request.user)
        messages.success(request, trash_message(request, opportunity))
        return redirect("board")
    return render(
        request,
        "opportunities/opportunity_confirm_delete.html",
        {"opportunity": opportunity, "trash_days": trash_days()},
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def opportunity_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_get_visible(user=request.user, opportunity_id=pk)
    if not opportunity_can_change_access(user=request.user, opportunity=opportunity):
        raise AccessDenied("Only its creator and administrators change who sees it.")
    form = SharingForm(request.POST or None, user=request.user, opportunity=opportunity)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity_set_access(
                opportunity=opportunity,
                set_by=request.user,
                expected_version=form.expected_version,
                **form.access_kwargs(),
            )
        except OpportunityChanged:
            current = opportunity_get_visible(user=request.user, opportunity_id=pk)
            now = SharingForm.initial_from(current, user=request.user)
            kept = {k: v for k, v in form.user_changes().items() if k != "notify"}
            changes = form.changes_since_read(now, kept=kept)
            form = SharingForm(
                user=request.user,
                opportunity=current,
                initial={**now, **kept, "notify": form.cleaned_data["notify"]},
                read_values=now,
            )
            return _conflict_response(
                request,
                "opportunities/opportunity_sharing.html",
                {
                    "form": form,
                    "opportunity": current,
                    "conflict": {"message": CONFLICT_MESSAGE, "changes": changes},
                },
            )
        except InvalidInput as exc:
            add_service_error(form, exc)
        else:
            state = "private" if form.cleaned_data["is_private"] else "visible to everyone"
            messages.success(request, f"“{opportunity.title}” is now {state}.")
            return redirect("opportunity_detail", pk=pk)
    return render(
        request,
        "opportunities/opportunity_sharing.html",
        {"form": form, "opportunity": opportunity},
    )
