from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from crm_project.api.batch import BatchView
from crm_project.api.routing import route
from crm_project.api.views import not_found

urlpatterns = [
    route("2.0/batch", BatchView.as_view(), name="api-batch"),
    path("2.0/crm/", include("opportunities.api.urls")),
    path("2.0/crm/", include("contacts.api.urls")),
    path("2.0/crm/", include("core.api.urls")),
    path("2.0/crm/", include("activities.api.urls")),
    path("2.0/", include("accounts.api.urls")),  # authentication and people
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/ is a 404 in the error envelope, not an HTML page.
    # [\s\S]: a path holding %0A too; `(?s:...)` would break every reverse() (not reversible)
    re_path(r"^[\s\S]*$", not_found),
]
