"""ONLYOFFICE's `crm/history` and `crm/task` routes (under /api/2.0/crm/)."""

from django.urls import include, path

urlpatterns = [
    path("", include("activities.api.history_urls")),
    path("", include("activities.api.task_urls")),
]
