"""/api/2.0/crm/contact…: literal routes (`person`, `company`) before the id routes.

`contact/filter` and `contact/{id}/opportunity/{id}` read opportunities: they are registered by
opportunities/api/contact_link_urls.py."""

from contacts.api import views
from crm_project.api.routing import route

urlpatterns = [
    route("contact/person", views.PersonCreateView.as_view(), name="api-contact-person-create"),
    route("contact/company", views.CompanyCreateView.as_view(), name="api-contact-company-create"),
    route(
        "contact/person/<int:personid>",
        views.PersonUpdateView.as_view(),
        name="api-contact-person",
    ),
    route(
        "contact/company/<int:companyid>",
        views.CompanyUpdateView.as_view(),
        name="api-contact-company",
    ),
    route(
        "contact/<int:contactid>/access",
        views.ContactAccessView.as_view(),
        name="api-contact-access",
    ),
    route("contact/<int:contactid>", views.ContactDetailView.as_view(), name="api-contact"),
]
