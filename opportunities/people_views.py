"""The pages of a contact and of a colleague, with their deals.

They live with the opportunities because they show deals: `contacts` and `accounts` sit below
and import nothing from here (their URLs are unchanged, routed by `people_urls.py`)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.middleware import open_to_guests
from accounts.models import User
from contacts.selectors import contact_can_edit, contact_get_visible, contact_list_visible_to
from core.selectors import currency_base
from core.views import domain_errors_as_http
from opportunities.board import BoardFilters, board_queryset, stage_totals_in_base
from opportunities.selectors import opportunity_card_related, opportunity_related_to_contact

CLOSING_NEXT = 10


@login_required
@require_GET
@domain_errors_as_http
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = contact_get_visible(user=request.user, contact_id=pk)
    opportunities = (
        opportunity_related_to_contact(user=request.user, contact=contact)
        .select_related("stage", "bid_currency", "responsible")
        .order_by("stage__sort_order", "expected_close_date", "id")
    )
    # only the people and the company this user may read, as the API shows them
    persons = (
        contact_list_visible_to(user=request.user).filter(company=contact)
        if contact.is_company
        else []
    )
    company = (
        contact_list_visible_to(user=request.user).filter(pk=contact.company_id).first()
        if contact.company_id
        else None
    )
    return render(
        request,
        "contacts/contact_detail.html",
        {
            "contact": contact,
            "company": company,
            "opportunities": opportunities,
            "persons": persons,
            "can_edit": contact_can_edit(user=request.user, contact=contact),
        },
    )


@open_to_guests
@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """Who I am, and my part of the pipeline at a glance."""
    return _person_page(request, request.user)


@open_to_guests
@login_required
@require_GET
def person(request: HttpRequest, user_uuid) -> HttpResponse:
    """A colleague's profile (the API's `profileUrl`): who they are and their open deals that
    the viewer may see."""
    colleague = get_object_or_404(User, uuid=user_uuid, is_active=True)
    return _person_page(request, colleague)


def _person_page(request: HttpRequest, person: User) -> HttpResponse:
    viewer = request.user
    is_me = person.pk == viewer.pk
    if not viewer.has_crm_access:
        # a guest sees profiles, not deals (and, as over the API, not other people's e-mail)
        return render(
            request,
            "accounts/account.html",
            {"person": person, "is_me": is_me, "crm_access": False, "email_shown": is_me},
        )
    open_deals = board_queryset(user=viewer, filters=BoardFilters(responsible=person)).filter(
        stage__stage_type=0
    )
    base = currency_base()
    totals = stage_totals_in_base(open_deals, base=base)
    closing_next = opportunity_card_related(
        open_deals.order_by("expected_close_date", "id"), user=viewer
    )[:CLOSING_NEXT]
    return render(
        request,
        "accounts/account.html",
        {
            "open_count": sum(t.count for t in totals.values()),
            "open_total": sum((t.total for t in totals.values()), 0),
            "open_weighted": sum((t.weighted for t in totals.values()), 0),
            "base": base,
            "open_deals": closing_next,
            "person": person,
            "is_me": is_me,
            "crm_access": True,
            "email_shown": True,
        },
    )
