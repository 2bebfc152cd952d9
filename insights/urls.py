"""The forecast and the reports (/forecast/, /reports/)."""

from django.urls import include, path

urlpatterns = [
    path("", include("insights.forecast_urls")),
    path("", include("insights.report_urls")),
]
