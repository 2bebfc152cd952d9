"""What the routes of a category list share (`history/category…`, `task/category…`): reads
are open to every CRM user, writes are admin-only (403 before any lookup, as ONLYOFFICE checks
`CRMSecurity.IsAdmin` first); one category or all of them rendered with their counts; the
fields bound from the request. Each list's views set the selector, the shape and the id."""

from collections.abc import Callable

from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.errors import InvalidInput, NotFound
from crm_project.api.render_context import RenderContext
from crm_project.api.views import OnlyOfficeAPIView
from opportunities.api.list_item_permissions import IsCrmAdminFor

# The wire names of a category's fields and their domain names.
CATEGORY_WIRE_FIELDS = (
    ("title", "title"),
    ("description", "description"),
    ("imageName", "image_name"),
    ("color", "color"),
    ("sortOrder", "sort_order"),
)


class CategoryBaseView(OnlyOfficeAPIView):
    permission_classes = [IsAuthenticated, IsCrmAdminFor]
    admin_methods = {"POST", "PUT", "DELETE"}

    # Set by each list: its selector (`user=`, annotated with `relative_items_count`), its
    # wrapper shape, its 404, the errors' entity, the route's id segment, its bound fields.
    list_with_counts: Callable
    shape: Callable
    not_found: type[NotFound]
    entity: str
    id_param: str
    wire_fields = CATEGORY_WIRE_FIELDS

    def category_id(self) -> int:
        return self.params().positive_id(self.id_param)

    def render_one(self, category_id: int) -> Response:
        category = self.list_with_counts(user=self.request.user).filter(pk=category_id).first()
        if category is None:
            raise self.not_found()
        return Response(self.shape(category, RenderContext(self.request)))

    def render_all(self) -> Response:
        ctx = RenderContext(self.request)
        categories = self.list_with_counts(user=self.request.user)
        return Response([self.shape(category, ctx) for category in categories])

    def values(self, *, with_sort_order: bool = True) -> dict:
        """The named category fields (omitted ones are left out)."""
        params = self.params()
        values = {}
        for wire, name in self.wire_fields:
            if not params.has(wire):
                continue
            if name == "sort_order":
                if with_sort_order:
                    values[name] = params.integer(wire) or 0
            else:
                values[name] = params.string(wire) or ""
        return values

    def titles(self) -> list:
        """The titles of a reorder, in their new order."""
        titles = self.params().sequence("titles") or []
        if any(not isinstance(title, str | int) for title in titles):
            raise InvalidInput("{field} must hold titles.", field="titles", entity=self.entity)
        return titles
