"""People: the users a CRM client assigns, shares with and shows (ONLYOFFICE's /api/2.0/people)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from accounts.api.serializers import (
    EmployeeCreateSerializer,
    EmployeeFullSerializer,
    person_shape,
)
from accounts.selectors import user_get_by_uuid, user_list_active
from accounts.services import user_create
from core.errors import NotFound
from crm_project.api.shapes import RenderContext
from crm_project.api.views import OnlyOfficeAPIView

PAGING = [
    OpenApiParameter("startIndex", int, description="Rows to skip (default 0)."),
    OpenApiParameter("count", int, description="Rows to return (default and maximum 1000)."),
]


class PeopleView(OnlyOfficeAPIView):
    @extend_schema(
        operation_id="people_list",
        summary="Active users",
        description="Every active user, ordered by name, paged; the envelope holds `total`.",
        parameters=PAGING,
        responses=EmployeeFullSerializer(many=True),
        tags=["people"],
    )
    def get(self, request, *args, **kwargs):
        page = self.page_request()
        users = user_list_active().order_by("first_name", "last_name", "username", "pk")
        rows, has_more = page.slice(users)
        total = page.start_index + len(rows) if not has_more and rows else users.count()
        ctx = RenderContext(request)
        return self.paged_response(
            [person_shape(user, ctx) for user in rows], page=page, has_more=has_more, total=total
        )

    @extend_schema(
        operation_id="people_create",
        summary="Add a user (administrators only)",
        description=(
            "ONLYOFFICE's add-user call. The user name is derived from the e-mail address. "
            "Without `password` the account cannot sign in until the person sets one through "
            "Django's password reset, or an administrator sets it in the admin. "
            "Not an administrator: 403. E-mail missing, invalid or taken, or `isVisitor=true`: "
            "400."
        ),
        request=EmployeeCreateSerializer,
        responses=EmployeeFullSerializer,
        tags=["people"],
    )
    def post(self, request, *args, **kwargs):
        params = self.params()
        user = user_create(
            created_by=request.user,
            email=params.string("email") or "",
            first_name=params.string("firstname") or "",
            last_name=params.string("lastname") or "",
            job_title=params.string("title") or params.string("jobTitle") or "",
            password=params.string("password") or None,
            is_visitor=bool(params.boolean("isVisitor")),
        )
        return Response(person_shape(user, RenderContext(request)))


class PeopleSelfView(OnlyOfficeAPIView):
    @extend_schema(
        operation_id="people_self",
        summary="The signed-in user",
        responses=EmployeeFullSerializer,
        tags=["people"],
    )
    def get(self, request, *args, **kwargs):
        return Response(person_shape(request.user, RenderContext(request)))


class PersonView(OnlyOfficeAPIView):
    @extend_schema(
        operation_id="people_get",
        summary="One user by GUID",
        description="An unknown or deactivated user: 404.",
        parameters=[OpenApiParameter("userid", str, OpenApiParameter.PATH, description="GUID")],
        responses=EmployeeFullSerializer,
        tags=["people"],
    )
    def get(self, request, userid, *args, **kwargs):
        user = user_get_by_uuid(self.params().guid("userid"))
        if user is None:
            raise NotFound("User not found")
        return Response(person_shape(user, RenderContext(request)))
