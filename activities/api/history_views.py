"""ONLYOFFICE's history routes (`/api/2.0/crm/history…`): events and their categories.

Events are immutable (no GET of one, no PUT). A caller sees, counts and deletes only events
whose opportunity and contact it may read (decisions 1 and 2); category writes are for admins
(403 before any lookup)."""

from datetime import time, timedelta

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from accounts.selectors import users_by_uuids
from activities import history_services as services
from activities.api import history_docs as docs
from activities.api.category_views import CATEGORY_WIRE_FIELDS, CategoryBaseView
from activities.api.history_rendering import HistoryRenderer, history_category_shape
from activities.history_selectors import (
    HistoryCategoryNotFound,
    HistoryEventNotFound,
    HistoryFilter,
    history_category_list_with_counts,
    history_event_filter,
    history_events_visible_to,
    history_sort_key,
    history_with_related,
)
from activities.models import SystemCategory
from core.errors import InvalidInput
from crm_project.api.render_context import RenderContext
from crm_project.api.views import OnlyOfficeAPIView

TAGS = ["History"]
CATEGORY_TAGS = ["History categories"]


class HistoryBaseView(OnlyOfficeAPIView):
    def renderer(self) -> HistoryRenderer:
        return HistoryRenderer(self.request)

    def render_event(self, event_id: int) -> Response:
        events = history_with_related(history_events_visible_to(user=self.request.user))
        event = events.filter(pk=event_id).first()
        if event is None:
            raise HistoryEventNotFound()
        return Response(self.renderer().shape(event))


# -- events --------------------------------------------------------------------------------------

FILTER_DOCS = [
    OpenApiParameter(
        "entityType", str, enum=["opportunity", "contact", "case"], description="With entityId"
    ),
    OpenApiParameter("entityId", int, description="The opportunity or contact (404 if hidden)"),
    OpenApiParameter("categoryId", int, description="A category; -1, -2 for system events"),
    OpenApiParameter("createBy", str, description="The author's GUID"),
    OpenApiParameter("fromDate", str, description="Created on or after (ApiDateTime)"),
    OpenApiParameter("toDate", str, description="Created on or before (a date: the whole day)"),
    OpenApiParameter("filterValue", str, description="Every word occurs in the content"),
    OpenApiParameter(
        "sortBy",
        str,
        enum=["created", "createBy", "category", "content", "id"],
        description="Any case, or 0-4; absent: newest first",
    ),
    OpenApiParameter("sortOrder", str, enum=["ascending", "descending"]),
    OpenApiParameter("startIndex", int),
    OpenApiParameter("count", int, description="Default and maximum 1000"),
]


def _end_of_day(moment):
    """`toDate` given as a date (midnight) takes in its whole day, as ONLYOFFICE adds a day."""
    if moment is not None and moment.time() == time.min:
        return moment + timedelta(days=1) - timedelta(microseconds=1)
    return moment


class HistoryFilterView(HistoryBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="history_filter",
        summary="Find history events",
        description="A page of the events the caller can read (those of deals and contacts "
        "it may read) matching every criterion; the envelope's `total` is exact. "
        "`entityType=opportunity` without `entityId` is a 404, as in ONLYOFFICE.",
        parameters=FILTER_DOCS,
        responses=docs.RelationshipEventSerializer(many=True),
    )
    def get(self, request, format=None):
        params = self.params()
        page = self.page_request()
        created_by = params.guid("createBy")
        criteria = HistoryFilter(
            entity_kind=(params.string("entityType") or "").strip().lower() or None,
            entity_id=params.integer("entityId"),
            category_id=params.integer("categoryId"),
            created_by_uuid=str(created_by) if created_by else None,
            from_date=params.date("fromDate"),
            to_date=_end_of_day(params.date("toDate")),
            text=params.string("filterValue") or "",
            sort_by=history_sort_key(params.string("sortBy")),
            descending=(params.string("sortOrder") or "").strip().lower() == "descending",
        )
        matches = history_event_filter(user=request.user, criteria=criteria)
        total = matches.count()
        renderer = self.renderer()
        shapes, has_more = page.slice(
            matches, lambda rows: renderer.shapes(history_with_related(rows))
        )
        return self.paged_response(shapes, page=page, has_more=has_more, total=total)


class HistoryCreateView(HistoryBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="history_create",
        summary="Add a history event",
        description="On an opportunity (`entityType=opportunity`, `entityId`), a contact "
        "(`contactId`) or both, each of which the caller must be able to read (else 400). "
        "`categoryId` is a history category or -1/-2. The people of `notifyUserList` are "
        "e-mailed after the commit; each must be able to read what the event is about.",
        request=docs.HistoryEventInputSerializer,
        responses={201: docs.RelationshipEventSerializer},
    )
    def post(self, request, format=None):
        params = self.params()
        kind = (params.string("entityType") or "").strip().lower()
        entity_id = params.integer("entityId") or 0
        contact_id = params.integer("contactId") or 0
        if kind not in ("", "opportunity"):
            raise InvalidInput(
                "entityType must be opportunity (there are no cases here).", field="entityType"
            )
        if entity_id > 0 and not kind:
            raise InvalidInput("entityId needs entityType=opportunity.", field="entityType")
        opportunity = entity_id if kind and entity_id > 0 else None
        if kind and opportunity is None and contact_id <= 0:
            raise InvalidInput("entityId must be a positive number.", field="entityId")
        category_id = params.integer("categoryId")
        if not category_id:
            raise InvalidInput("categoryId is required.", field="categoryId")
        file_ids = params.int_list("fileId") or []
        if file_ids:
            raise InvalidInput(
                "There are no files here to attach (fileId must be empty).", field="fileId"
            )
        notify_users = []
        uuids = params.guid_list("notifyUserList") or []
        if uuids:
            notify_users, missing = users_by_uuids(uuids)
            if missing:
                raise InvalidInput(
                    f"notifyUserList: no active user {missing[0]}.", field="notifyUserList"
                )
        event = services.history_event_add(
            added_by=request.user,
            content=params.string("content"),
            category=category_id if category_id > 0 else None,
            system_category=category_id if category_id < 0 else SystemCategory.NONE,
            opportunity=opportunity,
            contact=contact_id if contact_id > 0 else None,
            created_at=params.date("created"),
            notify_users=notify_users,
        )
        return self.render_event(event.pk)


class HistoryDeleteView(HistoryBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="history_delete",
        summary="Delete a history event",
        description="404 when the caller cannot read it; 403 when it may read but not delete "
        "it (only admins, the author and the deal's responsible delete). Returns the event as "
        "it was.",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={200: docs.RelationshipEventSerializer},
    )
    def delete(self, request, id, format=None):
        event_id = self.params().positive_id("id")
        event = services.history_event_delete(event_id=event_id, deleted_by=request.user)
        return Response(self.renderer().shape(event))


# -- categories ----------------------------------------------------------------------------------


class HistoryCategoryBaseView(CategoryBaseView):
    list_with_counts = staticmethod(history_category_list_with_counts)
    shape = staticmethod(history_category_shape)
    not_found = HistoryCategoryNotFound
    entity = services.CATEGORY
    id_param = "id"
    # ONLYOFFICE's history category routes take no `color`
    wire_fields = tuple(field for field in CATEGORY_WIRE_FIELDS if field[0] != "color")


class HistoryCategoryListView(HistoryCategoryBaseView):
    @extend_schema(
        tags=CATEGORY_TAGS,
        operation_id="history_category_list",
        summary="Get the history categories",
        description="In their order, each with the number of events using it that the caller "
        "can read; the system categories are not listed.",
        responses=docs.HistoryCategorySerializer(many=True),
    )
    def get(self, request, format=None):
        return self.render_all()

    @extend_schema(
        tags=CATEGORY_TAGS,
        operation_id="history_category_create",
        summary="Create a history category (admin)",
        description="A title another category has (in any case) is a 400.",
        request=docs.HistoryCategoryInputSerializer,
        responses={201: docs.HistoryCategorySerializer},
    )
    def post(self, request, format=None):
        values = {"title": "", **self.values(with_sort_order=True)}
        category = services.history_category_create(created_by=request.user, **values)
        return self.render_one(category.pk)


class HistoryCategoryDetailView(HistoryCategoryBaseView):
    @extend_schema(
        tags=CATEGORY_TAGS,
        operation_id="history_category_update",
        summary="Update a history category (admin)",
        description="Changes only the fields named (`sortOrder` is ignored, as in ONLYOFFICE; "
        "use reorder). A category in use may be renamed.",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        request=docs.HistoryCategoryInputSerializer,
        responses=docs.HistoryCategorySerializer,
    )
    def put(self, request, id, format=None):
        category_id = self.category_id()
        services.history_category_update(
            category_id=category_id,
            updated_by=request.user,
            **self.values(with_sort_order=False),
        )
        return self.render_one(category_id)

    @extend_schema(
        tags=CATEGORY_TAGS,
        operation_id="history_category_delete",
        summary="Delete a history category (admin)",
        description="The last category, or one that events use, cannot be deleted (400).",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={200: docs.HistoryCategorySerializer},
    )
    def delete(self, request, id, format=None):
        category = services.history_category_delete(
            category_id=self.category_id(), deleted_by=request.user
        )
        return Response(history_category_shape(category, RenderContext(request), 0))


class HistoryCategoryIconView(HistoryCategoryBaseView):
    @extend_schema(
        tags=CATEGORY_TAGS,
        operation_id="history_category_icon",
        summary="Change the icon of a history category (admin)",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        request=docs.HistoryCategoryIconInputSerializer,
        responses=docs.HistoryCategorySerializer,
    )
    def put(self, request, id, format=None):
        category_id = self.category_id()
        services.history_category_set_icon(
            category_id=category_id,
            image_name=self.params().string("imageName") or "",
            updated_by=request.user,
        )
        return self.render_one(category_id)


class HistoryCategoryReorderView(HistoryCategoryBaseView):
    @extend_schema(
        tags=CATEGORY_TAGS,
        operation_id="history_category_reorder",
        summary="Reorder the history categories by title (admin)",
        description="The categories named in `titles` come first, in that order; the others "
        "follow. Returns every category in the new order (an empty `titles` changes "
        "nothing). An unknown title is a 400.",
        request=docs.HistoryCategoryReorderInputSerializer,
        responses=docs.HistoryCategorySerializer(many=True),
    )
    def put(self, request, format=None):
        services.history_category_reorder(titles=self.titles(), reordered_by=request.user)
        return self.render_all()
