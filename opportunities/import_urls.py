"""The import pages (opportunities/import_views.py)."""

from django.urls import path

from opportunities import import_views

urlpatterns = [
    path("opportunities/import/", import_views.import_upload, name="opportunity_import"),
    path("opportunities/import/map/", import_views.import_map, name="opportunity_import_map"),
    path(
        "opportunities/import/preview/",
        import_views.import_preview_page,
        name="opportunity_import_preview",
    ),
    path("opportunities/import/run/", import_views.import_run, name="opportunity_import_run"),
]
