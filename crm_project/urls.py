from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import admin_password_change


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page links: the static SVG icon (its hashed
    name, looked up per request once the manifest exists)."""

    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon.svg")


urlpatterns = [
    path("favicon.ico", FaviconView.as_view()),
    # Before the admin's own: the old password is checked under the sign-in limits.
    path("admin/password_change/", admin.site.admin_view(admin_password_change)),
    path("admin/", admin.site.urls),
    path("api/rambase/", include("rambase.docs_views")),  # the RamBase routes' own schema
    path("api/", include("crm_project.api.urls")),
    path("accounts/", include("accounts.urls")),
    path("contacts/", include("contacts.urls")),
    # RamBase's resources at the host root (/sales/, /system/, /oauth2/, ...)
    path("", include("rambase.urls")),
    path("", include("activities.urls")),
    path("", include("insights.urls")),
    path("", include("opportunities.urls")),
    path("", include("opportunities.people_urls")),  # the contact and people pages, with deals
    path("", include("opportunities.trash_urls")),  # the Trash page and its restores
    path("", include("opportunities.export_urls")),  # the board and the table as CSV or XLSX
    path("", include("opportunities.import_urls")),  # opportunities from CSV or XLSX
]
