"""Routes linking contacts and opportunities, under /api/2.0/crm/ (see contact_link_views)."""

from crm_project.api.routing import route
from opportunities.api import contact_link_views as views

urlpatterns = [
    route(
        "opportunity/bycontact/<int:contactid>",
        views.OpportunityByContactView.as_view(),
        name="api-opportunity-bycontact",
    ),
    route(
        "opportunity/<int:opportunityid>/contact",
        views.OpportunityContactsView.as_view(),
        name="api-opportunity-contacts",
    ),
    route(
        "opportunity/<int:opportunityid>/contact/<int:contactid>",
        views.OpportunityContactView.as_view(),
        name="api-opportunity-contact",
    ),
    route("contact/filter", views.ContactFilterView.as_view(), name="api-contact-filter"),
    route(
        "contact/<int:contactid>/opportunity/<int:opportunityid>",
        views.ContactOpportunityView.as_view(),
        name="api-contact-opportunity",
    ),
]
