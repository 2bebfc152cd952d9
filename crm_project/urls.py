from django.contrib import admin
from django.urls import include, path

from accounts.views import admin_password_change

urlpatterns = [
    # Before the admin's own: the old password is checked under the sign-in limits.
    path("admin/password_change/", admin.site.admin_view(admin_password_change)),
    path("admin/", admin.site.urls),
    path("api/", include("crm_project.api.urls")),
    path("accounts/", include("accounts.urls")),
    path("contacts/", include("contacts.urls")),
    path("", include("opportunities.urls")),
    path("", include("opportunities.people_urls")),  # the contact and people pages, with deals
]
