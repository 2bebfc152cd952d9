"""The RamBase routes at the host root (contract §1): no format suffixes, a trailing slash
accepted; unknown paths under RamBase's prefixes are 404 in RamBase's error body."""

from django.urls import re_path

from rambase.error_message_views import ErrorMessageView
from rambase.opportunity_views import OpportunityCollectionView, OpportunityDetailView
from rambase.token_views import AccessTokenView
from rambase.views_base import NotFoundView

PREFIXES = ("sales", "system", "oauth2", "human-resources", "collaboration")


def route(pattern: str, view):
    return re_path(rf"^{pattern}/?$", view)


urlpatterns = [
    route("oauth2/access_token", AccessTokenView.as_view()),
    route("sales/opportunities", OpportunityCollectionView.as_view()),
    route(r"sales/opportunities/(?P<opportunity_id>[0-9]{1,18})", OpportunityDetailView.as_view()),
    route(r"system/error-messages/(?P<error_id>[0-9]{1,9})", ErrorMessageView.as_view()),
    re_path(rf"^(?:{'|'.join(PREFIXES)})(?:/.*)?$", NotFoundView.as_view()),
]
