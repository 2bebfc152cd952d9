"""Sign-in pages (Django's auth views with our templates) and "my account"."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.forms import AdminPasswordChangeForm, PasswordChangeForm
from accounts.models import User
from core.selectors import currency_base
from opportunities.board import BoardFilters, board_queryset, stage_totals_in_base
from opportunities.selectors import opportunity_card_related


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """Who I am, and my part of the pipeline at a glance."""
    return _person_page(request, request.user)


@login_required
@require_GET
def person(request: HttpRequest, user_uuid) -> HttpResponse:
    """A colleague's profile (the API's `profileUrl`): who they are and their open deals that
    the viewer may see."""
    colleague = get_object_or_404(User, uuid=user_uuid, is_active=True)
    return _person_page(request, colleague)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view with the form that counts wrong old passwords (accounts/forms.py)."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def admin_password_change(request: HttpRequest) -> HttpResponse:
    """The admin's "change password" page (AdminSite.password_change) with the form that counts
    wrong old passwords; crm_project/urls.py routes /admin/password_change/ here."""
    site = admin.site
    request.current_app = site.name
    view = PasswordChangeView.as_view(
        form_class=AdminPasswordChangeForm,
        success_url=reverse("admin:password_change_done", current_app=site.name),
        extra_context=site.each_context(request),
        **(
            {"template_name": site.password_change_template}
            if site.password_change_template
            else {}
        ),
    )
    return view(request)


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
    mine = board_queryset(user=request.user, filters=BoardFilters(responsible=person))
    base = currency_base()
    totals = stage_totals_in_base(mine.filter(stage__stage_type=0), base=base)
    open_deals = opportunity_card_related(
        mine.filter(stage__stage_type=0).order_by("expected_close_date", "id"), user=request.user
    )[:10]
    return render(
        request,
        "accounts/account.html",
        {
            "open_count": sum(t.count for t in totals.values()),
            "open_total": sum((t.total for t in totals.values()), 0),
            "open_weighted": sum((t.weighted for t in totals.values()), 0),
            "base": base,
            "open_deals": open_deals,
            "person": person,
            "is_me": is_me,
            "crm_access": True,
            "email_shown": True,
        },
    )
