"""/reports/ and each report's download (/reports/<report>.csv, .xlsx)."""

from django.urls import path

from insights import report_views

urlpatterns = [
    path("reports/", report_views.reports, name="reports"),
    path(
        "reports/<slug:name>.<str:file_format>",
        report_views.report_export,
        name="report_export",
    ),
]
