"""ONLYOFFICE's history routes under /api/2.0/crm/, each with an optional `.json`/`.xml`/`.tml`
suffix. Literal segments (`filter`, `category`, `reorder`) never match `<int:…>`."""

from activities.api import history_views as views
from crm_project.api.routing import route

urlpatterns = [
    route("history/filter", views.HistoryFilterView.as_view(), name="api-history-filter"),
    route("history", views.HistoryCreateView.as_view(), name="api-history-create"),
    route("history/<int:id>", views.HistoryDeleteView.as_view(), name="api-history-delete"),
    route(
        "history/category",
        views.HistoryCategoryListView.as_view(),
        name="api-history-category-list",
    ),
    route(
        "history/category/reorder",
        views.HistoryCategoryReorderView.as_view(),
        name="api-history-category-reorder",
    ),
    route(
        "history/category/<int:id>",
        views.HistoryCategoryDetailView.as_view(),
        name="api-history-category-detail",
    ),
    route(
        "history/category/<int:id>/icon",
        views.HistoryCategoryIconView.as_view(),
        name="api-history-category-icon",
    ),
]
