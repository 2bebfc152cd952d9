"""Task categories: `task/category…`. Reads are open to every CRM user; writes are admin-only
(403 before any lookup, as ONLYOFFICE checks `CRMSecurity.IsAdmin` first)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from activities import task_category_services as services
from activities.api import task_docs as docs
from activities.api.category_views import CategoryBaseView
from activities.api.task_rendering import task_category_shape
from activities.task_category_services import CATEGORY
from activities.task_selectors import TaskCategoryNotFound, task_category_list_with_counts
from crm_project.api.render_context import RenderContext

TAGS = ["Task categories"]
CATEGORY_ID = OpenApiParameter("categoryid", int, OpenApiParameter.PATH)


class TaskCategoryBaseView(CategoryBaseView):
    list_with_counts = staticmethod(task_category_list_with_counts)
    shape = staticmethod(task_category_shape)
    not_found = TaskCategoryNotFound
    entity = CATEGORY
    id_param = "categoryid"


class TaskCategoryListView(TaskCategoryBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="task_category_list",
        summary="Get the task categories",
        description="Every category in order, with the number of tasks using it that the "
        "caller can read.",
        responses=docs.TaskCategorySerializer(many=True),
    )
    def get(self, request, format=None):
        return self.render_all()

    @extend_schema(
        tags=TAGS,
        operation_id="task_category_create",
        summary="Create a task category (admin)",
        description="A title another category has (in any case) is a 400.",
        request=docs.TaskCategoryInputSerializer,
        responses={201: docs.TaskCategorySerializer},
    )
    def post(self, request, format=None):
        values = {"title": "", **self.values()}
        category = services.task_category_create(created_by=request.user, **values)
        return self.render_one(category.pk)


class TaskCategoryDetailView(TaskCategoryBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="task_category_read",
        summary="Get a task category",
        parameters=[CATEGORY_ID],
        responses=docs.TaskCategorySerializer,
    )
    def get(self, request, categoryid, format=None):
        return self.render_one(self.category_id())

    @extend_schema(
        tags=TAGS,
        operation_id="task_category_update",
        summary="Update a task category (admin)",
        description="Changes only the fields sent. A category in use may be renamed "
        "(ONLYOFFICE refuses it); a duplicate title is a 400.",
        parameters=[CATEGORY_ID],
        request=docs.TaskCategoryInputSerializer,
        responses=docs.TaskCategorySerializer,
    )
    def put(self, request, categoryid, format=None):
        category_id = self.category_id()
        services.task_category_update(
            category_id=category_id, updated_by=request.user, **self.values()
        )
        return self.render_one(category_id)

    @extend_schema(
        tags=TAGS,
        operation_id="task_category_delete",
        summary="Delete a task category (admin)",
        description="Its tasks move to `newcategoryid`, required when tasks use it. The last "
        "category cannot be deleted (400).",
        parameters=[
            CATEGORY_ID,
            OpenApiParameter("newcategoryid", int, description="Where its tasks move."),
        ],
        responses=docs.TaskCategorySerializer,
    )
    def delete(self, request, categoryid, format=None):
        category_id = self.category_id()
        ctx = RenderContext(request)
        before = task_category_list_with_counts(user=request.user).filter(pk=category_id).first()
        category = services.task_category_delete(
            category_id=category_id,
            deleted_by=request.user,
            new_category_id=self.params().integer("newcategoryid"),
        )
        count = before.relative_items_count if before is not None else 0
        return Response(task_category_shape(category, ctx, count))


class TaskCategoryIconView(TaskCategoryBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="task_category_icon",
        summary="Change the icon of a task category (admin)",
        parameters=[CATEGORY_ID],
        request=docs.TaskCategoryIconInputSerializer,
        responses=docs.TaskCategorySerializer,
    )
    def put(self, request, categoryid, format=None):
        category_id = self.category_id()
        services.task_category_set_icon(
            category_id=category_id,
            image_name=self.params().string("imageName") or "",
            updated_by=request.user,
        )
        return self.render_one(category_id)


class TaskCategoryReorderView(TaskCategoryBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="task_category_reorder",
        summary="Reorder the task categories (admin)",
        description="The categories named in `titles` come first, in that order; the others "
        "follow. An unknown title is a 400; an empty list changes nothing. Returns every "
        "category in its new order.",
        request=docs.TaskCategoryReorderInputSerializer,
        responses=docs.TaskCategorySerializer(many=True),
    )
    def put(self, request, format=None):
        services.task_category_reorder(titles=self.titles(), reordered_by=request.user)
        return self.render_all()
