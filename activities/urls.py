"""The pages of a deal's life: the timeline's actions, My tasks."""

from django.urls import path

from activities import task_views, views

urlpatterns = [
    path("tasks/", task_views.my_tasks_page, name="my_tasks"),
    path("tasks/<int:task_id>/close/", task_views.task_close_page, name="task_close"),
    path("tasks/<int:task_id>/reopen/", task_views.task_reopen_page, name="task_reopen"),
    path("opportunities/<int:pk>/timeline/", views.timeline_more, name="timeline_more"),
    path(
        "opportunities/<int:pk>/timeline/notes/", views.timeline_note_add, name="timeline_note_add"
    ),
    path(
        "opportunities/<int:pk>/timeline/tasks/", views.timeline_task_add, name="timeline_task_add"
    ),
    path("history/<int:event_id>/delete/", views.history_event_remove, name="history_event_remove"),
]
