"""Downloads of the board and the opportunities table (opportunities/export_views.py)."""

from django.urls import path

from opportunities import export_views

urlpatterns = [
    path("board/export/", export_views.board_export, name="board_export"),
    path(
        "opportunities/export/",
        export_views.opportunity_list_export,
        name="opportunity_list_export",
    ),
]
