"""ONLYOFFICE's opportunity routes, each with an optional `.json`/`.xml`/`.tml` suffix. Literal
segments (`filter`, `access`, `byprefix`, `lostreason`) never match `<int:…>` (`[0-9]+`)."""

from crm_project.api.routing import route
from opportunities.api import views
from opportunities.api.lost_reason_views import LostReasonListView

urlpatterns = [
    route("opportunity", views.OpportunityCollectionView.as_view(), name="api-opportunity"),
    route(
        "opportunity/filter", views.OpportunityFilterView.as_view(), name="api-opportunity-filter"
    ),
    route(
        "opportunity/filter/access",
        views.OpportunityFilterAccessView.as_view(),
        name="api-opportunity-filter-access",
    ),
    route(
        "opportunity/access",
        views.OpportunityAccessBatchView.as_view(),
        name="api-opportunity-access-batch",
    ),
    route(
        "opportunity/lostreason", LostReasonListView.as_view(), name="api-opportunity-lostreason"
    ),
    route(
        "opportunity/byprefix",
        views.OpportunityByPrefixView.as_view(),
        name="api-opportunity-byprefix",
    ),
    route(
        "opportunity/<int:opportunityid>",
        views.OpportunityDetailView.as_view(),
        name="api-opportunity-detail",
    ),
    route(
        "opportunity/<int:opportunityid>/stage/<int:id>",
        views.OpportunityStageView.as_view(),
        name="api-opportunity-stage",
    ),
    route(
        "opportunity/<int:opportunityid>/access",
        views.OpportunityAccessView.as_view(),
        name="api-opportunity-access",
    ),
    route(
        "opportunity/<int:opportunityid>/creationdate",
        views.OpportunityCreationDateView.as_view(),
        name="api-opportunity-creationdate",
    ),
    route(
        "opportunity/<int:opportunityid>/lastmodifeddate",
        views.OpportunityLastModifiedDateView.as_view(),
        name="api-opportunity-lastmodifieddate",
    ),
]
