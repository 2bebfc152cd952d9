from django.urls import path

from opportunities import bulk_views, closing_views, views

urlpatterns = [
    path("", views.board, name="board"),
    path("board/columns/<int:stage_id>/", views.board_column, name="board_column"),
    path("board/contacts/", views.board_contact_options, name="board_contact_options"),
    path("opportunities/", views.opportunity_list, name="opportunity_list"),
    path("opportunities/bulk/", bulk_views.opportunity_bulk, name="opportunity_bulk"),
    path(
        "opportunities/bulk/summary/",
        bulk_views.opportunity_bulk_summary,
        name="opportunity_bulk_summary",
    ),
    path("opportunities/new/", views.opportunity_new, name="opportunity_create"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/delete/", views.opportunity_remove, name="opportunity_delete"),
    path("opportunities/<int:pk>/sharing/", views.opportunity_sharing, name="opportunity_sharing"),
    path("opportunities/<int:pk>/move/", views.opportunity_move, name="opportunity_move"),
    path(
        "opportunities/<int:pk>/reopen/",
        closing_views.opportunity_reopen_page,
        name="opportunity_reopen",
    ),
]
