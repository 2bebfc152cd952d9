"""/api/2.0/authentication and /api/2.0/people… (the literals `people/@self` and
`people/filter` before the GUID route)."""

from accounts.api.auth_views import AuthenticationView
from accounts.api.views import PeopleFilterView, PeopleSelfView, PeopleView, PersonView
from crm_project.api.routing import route

urlpatterns = [
    route("authentication", AuthenticationView.as_view(), name="api-authentication"),
    route("people", PeopleView.as_view(), name="api-people"),
    route("people/@self", PeopleSelfView.as_view(), name="api-people-self"),
    route("people/filter", PeopleFilterView.as_view(), name="api-people-filter"),
    route("people/<guid:userid>", PersonView.as_view(), name="api-person"),
]
