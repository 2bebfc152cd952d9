"""ONLYOFFICE's task routes under /api/2.0/crm/, each with an optional `.json`/`.xml`/`.tml`
suffix. Literal segments (`filter`, `category`, `reorder`, `close`) never match `<int:…>`."""

from activities.api import task_category_views as categories
from activities.api import task_views as views
from crm_project.api.routing import route

urlpatterns = [
    route("task", views.TaskCreateView.as_view(), name="api-task-create"),
    route("task/filter", views.TaskFilterView.as_view(), name="api-task-filter"),
    route("task/category", categories.TaskCategoryListView.as_view(), name="api-task-categories"),
    route(
        "task/category/reorder",
        categories.TaskCategoryReorderView.as_view(),
        name="api-task-category-reorder",
    ),
    route(
        "task/category/<int:categoryid>",
        categories.TaskCategoryDetailView.as_view(),
        name="api-task-category",
    ),
    route(
        "task/category/<int:categoryid>/icon",
        categories.TaskCategoryIconView.as_view(),
        name="api-task-category-icon",
    ),
    route("task/<int:taskid>", views.TaskDetailView.as_view(), name="api-task"),
    route("task/<int:taskid>/close", views.TaskCloseView.as_view(), name="api-task-close"),
    route("task/<int:taskid>/reopen", views.TaskReopenView.as_view(), name="api-task-reopen"),
    route(
        "contact/task/group", views.ContactTaskGroupView.as_view(), name="api-contact-task-group"
    ),
]
