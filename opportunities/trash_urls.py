"""The Trash page and its restore actions (opportunities/trash_views.py)."""

from django.urls import path

from opportunities import trash_views

urlpatterns = [
    path("trash/", trash_views.trash, name="trash"),
    path("trash/<int:pk>/restore/", trash_views.trash_restore, name="trash_restore"),
    path(
        "trash/batch/<uuid:batch>/restore/",
        trash_views.trash_restore_batch,
        name="trash_restore_batch",
    ),
]
