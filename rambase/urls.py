"""The RamBase routes at the host root (contract §1): no format suffixes, a trailing slash
accepted; unknown paths under RamBase's prefixes are 404 in RamBase's error body."""

from django.urls import re_path

from rambase.error_message_views import ErrorMessageView
from rambase.helper_views import (
    ContactDetailView,
    CustomerDetailView,
    DomainValuesView,
    EmployeeCollectionView,
    EmployeeDetailView,
)
from rambase.opportunity_views import OpportunityCollectionView, OpportunityDetailView
from rambase.stage_views import StageCollectionView, StageDetailView
from rambase.token_views import AccessTokenView
from rambase.views_base import NotFoundView

PREFIXES = ("sales", "system", "oauth2", "human-resources", "collaboration")


def route(pattern: str, view):
    return re_path(rf"^{pattern}/?$", view)


urlpatterns = [
    route("oauth2/access_token", AccessTokenView.as_view()),
    route("sales/opportunities", OpportunityCollectionView.as_view()),
    route(r"sales/opportunities/(?P<opportunity_id>[0-9]{1,18})", OpportunityDetailView.as_view()),
    route("sales/opportunity-stages", StageCollectionView.as_view()),
    route(r"sales/opportunity-stages/(?P<stage_id>[0-9]{1,18})", StageDetailView.as_view()),
    route(r"sales/customers/(?P<customer_id>[0-9]{1,18})", CustomerDetailView.as_view()),
    route(r"collaboration/contacts/(?P<contact_id>[0-9]{1,18})", ContactDetailView.as_view()),
    route("human-resources/employees", EmployeeCollectionView.as_view()),
    route(r"human-resources/employees/(?P<employee_id>[0-9]{1,18})", EmployeeDetailView.as_view()),
    route("system/domain-values/applicable-values", DomainValuesView.as_view()),
    route(r"system/error-messages/(?P<error_id>[0-9]{1,9})", ErrorMessageView.as_view()),
    re_path(rf"^(?:{'|'.join(PREFIXES)})(?:/.*)?$", NotFoundView.as_view()),
]
