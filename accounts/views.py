"""Sign-in and password pages (Django's auth views with our templates). The profile pages show
deals, so they live in `opportunities/people_views.py`."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from accounts.forms import AdminPasswordChangeForm, PasswordChangeForm


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
