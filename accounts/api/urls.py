"""/api/2.0/people…: the literal `people/@self` before the GUID route."""

from accounts.api.views import PeopleSelfView, PeopleView, PersonView
from crm_project.api.routing import route

urlpatterns = [
    route("people", PeopleView.as_view(), name="api-people"),
    route("people/@self", PeopleSelfView.as_view(), name="api-people-self"),
    route("people/<guid:userid>", PersonView.as_view(), name="api-person"),
]
