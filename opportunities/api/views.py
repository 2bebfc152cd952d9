"""ONLYOFFICE's opportunity routes (`/api/2.0/crm/opportunity…`).

Views bind parameters (`self.params()`), authorize through the selectors, call one service and
render OpportunityWrappers with `OpportunityRenderer`. A private opportunity the caller may not
read is a 404 everywhere and never appears in a list or a batch."""

from functools import partial

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from core.errors import InvalidInput
from crm_project.api.binding import positive_id
from crm_project.api.views import OnlyOfficeAPIView
from opportunities import services
from opportunities.api import docs_serializers as docs
from opportunities.api.filters import WITHIN_STAGE_ORDER, OpportunityFilterSet, SortBy
from opportunities.api.inputs import (
    access_list_from,
    lost_arguments,
    opportunity_changes,
    opportunity_create_arguments,
)
from opportunities.api.rendering import OpportunityRenderer
from opportunities.contact_link_selectors import opportunity_list_by_prefix
from opportunities.counts_cache import opportunity_counts_by_stage_cached
from opportunities.errors import OpportunityNotFound, StageNotFound
from opportunities.models import Opportunity, StageType
from opportunities.selectors import (
    opportunity_get_visible,
    opportunity_list_visible_to,
    stage_get,
)

TAGS = ["Opportunities"]


# -- shared view behaviour ---------------------------------------------------------------------


class OpportunityBaseView(OnlyOfficeAPIView):
    def renderer(self) -> OpportunityRenderer:
        return OpportunityRenderer(self.request)

    def visible(self):
        return opportunity_list_visible_to(user=self.request.user)

    def opportunity(self) -> Opportunity:
        """The route's opportunity; NotFound (404) when it is missing or hidden."""
        opportunity_id = self.params().positive_id("opportunityid")
        return opportunity_get_visible(user=self.request.user, opportunity_id=opportunity_id)

    def render_one(self, opportunity_id: int) -> Response:
        """The wrapper, read in the same query that checks visibility (404 when hidden)."""
        shapes = self.renderer().shapes(self.visible().filter(pk=opportunity_id))
        if not shapes:
            raise OpportunityNotFound()
        return Response(shapes[0])

    def filterset(self) -> OpportunityFilterSet:
        return OpportunityFilterSet.from_params(
            self.params(), self.visible(), user=self.request.user
        )

    def delete_rendered(self, candidates) -> Response:
        """Delete the candidates (a queryset) the caller may delete, others are skipped
        silently, in one transaction; answer with their wrappers as ONLYOFFICE builds them
        after deletion. The wrappers are built first: their `canEdit` is the delete right."""
        shapes = self.renderer().deleted_shapes(candidates)
        deletable = [pk for pk, shape in shapes.items() if shape["canEdit"]]
        if not deletable:
            return Response([])
        deleted = services.opportunity_delete_many(
            opportunity_ids=deletable, deleted_by=self.request.user, skip_unavailable=True
        )
        return Response([shapes[o.pk] for o in deleted])

    def set_access_many(self, candidates: list[Opportunity]) -> Response:
        """Change access on those the caller may change (the others are skipped silently),
        all or nothing. Without `accessList`, each keeps its current list, as the
        single-opportunity route does."""
        params = self.params()
        changed = services.opportunity_set_access_many(
            opportunities=candidates,
            is_private=bool(params.boolean("isPrivate")),
            access_list=access_list_from(params),
            set_by=self.request.user,
            notify=bool(params.boolean("isNotify")),
        )
        rows = self.visible().filter(pk__in=changed).order_by("pk")
        return Response(self.renderer().shapes(rows))


# -- schema helpers ----------------------------------------------------------------------------

ID_PARAMETER = OpenApiParameter("opportunityid", int, OpenApiParameter.PATH)
FILTER_DOCS = [
    OpenApiParameter("responsibleid", str, description="Responsible user's GUID"),
    OpenApiParameter("opportunityStagesid", int, description="Stage id"),
    OpenApiParameter("tags", str, many=True, description="All of these tags"),
    OpenApiParameter("contactid", int, description="Primary contact"),
    OpenApiParameter(
        "stageType", str, enum=[m.label for m in StageType], description="Name or number"
    ),
    OpenApiParameter("contactAlsoIsParticipant", bool, description="With contactid: members too"),
    OpenApiParameter("fromDate", str, description="Close date from (inclusive)"),
    OpenApiParameter("toDate", str, description="Close date to (inclusive)"),
    OpenApiParameter(
        "filterValue", str, description="Every word starts a word of title or description"
    ),
]
PAGE_DOCS = [
    OpenApiParameter(
        "sortBy", str, enum=[m.label for m in SortBy], description="Name (any case) or number"
    ),
    OpenApiParameter("sortOrder", str, enum=["ascending", "descending"]),
    OpenApiParameter("startIndex", int),
    OpenApiParameter("count", int, description="Default and maximum 1000"),
]


# -- routes ------------------------------------------------------------------------------------


class OpportunityDetailView(OpportunityBaseView):
    """`opportunity/{opportunityid}`."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_read",
        summary="Get an opportunity",
        parameters=[ID_PARAMETER],
        responses=docs.OpportunitySerializer,
    )
    def get(self, request, opportunityid, format=None):
        return self.render_one(self.params().positive_id("opportunityid"))

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_update",
        summary="Update an opportunity",
        description="Changes only the fields the request names; an explicit null or empty "
        "value clears a field. Access fields apply only for admins and the creator.",
        parameters=[ID_PARAMETER],
        request=docs.OpportunityWriteSerializer,
        responses=docs.OpportunitySerializer,
    )
    def put(self, request, opportunityid, format=None):
        opportunity = self.opportunity()
        changes = opportunity_changes(self.params(), user=request.user)
        services.opportunity_update(
            opportunity=opportunity,
            updated_by=request.user,
            require_lost_reason=settings.LOST_REASON_REQUIRED_IN_API,
            **changes,
        )
        return self.render_one(opportunity.pk)

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_delete",
        summary="Delete an opportunity",
        description="Returns the deleted opportunity as ONLYOFFICE builds it after deletion "
        "(no members, custom fields, tags or access list).",
        parameters=[ID_PARAMETER],
        responses={200: docs.OpportunitySerializer},
    )
    def delete(self, request, opportunityid, format=None):
        opportunity = self.opportunity()
        shape = self.renderer().deleted_shape(opportunity)
        services.opportunity_delete(opportunity=opportunity, deleted_by=request.user)
        return Response(shape)


class OpportunityCollectionView(OpportunityBaseView):
    """`opportunity`: POST creates, PUT deletes a group."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_create",
        summary="Create an opportunity",
        description="Missing `responsibleid` means the caller, missing `bidCurrencyAbbr` the "
        "base currency, missing `stageid` the first open stage.",
        request=docs.OpportunityWriteSerializer,
        responses={201: docs.OpportunitySerializer},
    )
    def post(self, request, format=None):
        changes = opportunity_create_arguments(self.params(), user=request.user)
        opportunity = services.opportunity_create(
            created_by=request.user,
            require_lost_reason=settings.LOST_REASON_REQUIRED_IN_API,
            **changes,
        )
        return self.render_one(opportunity.pk)

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_delete_group",
        summary="Delete a group of opportunities",
        description="Ids that are unknown, hidden or not deletable are skipped; returns the "
        "opportunities actually deleted.",
        request=docs.OpportunityIdsSerializer,
        responses=docs.OpportunitySerializer(many=True),
    )
    def put(self, request, format=None):
        ids = self.params().int_list("opportunityids")
        if not ids:
            raise InvalidInput("The list of opportunity ids is empty.", field="opportunityids")
        return self.delete_rendered(self.visible().filter(pk__in=ids).order_by("pk"))


class OpportunityFilterView(OpportunityBaseView):
    """`opportunity/filter`: GET lists a page, DELETE deletes every match."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_filter",
        summary="Find opportunities",
        description="A page of the opportunities the caller can see that match every given "
        "criterion; the envelope's `total` counts all matches.",
        parameters=[*FILTER_DOCS, *PAGE_DOCS],
        responses=docs.OpportunitySerializer(many=True),
    )
    def get(self, request, format=None):
        page = self.page_request()
        filterset = self.filterset()
        matches = filterset.qs
        counts = opportunity_counts_by_stage_cached(
            matches, user=request.user, criteria=filterset.criteria_key()
        )
        total = sum(count for _, _, count in counts)
        descending = filterset.orders_by_stage()
        render = self.renderer().shapes
        if descending is None:
            shapes, has_more = page.slice(matches, render)
        else:
            shapes, has_more = page.slice_by_group(
                matches, self.stage_groups(matches, counts, descending=descending), render
            )
        return self.paged_response(shapes, page=page, has_more=has_more, total=total)

    @staticmethod
    def stage_groups(matches, counts, *, descending: bool) -> list:
        """The default order's groups: the stages by sort order (stages sharing one are a
        single group), each with its matches in the order inside a stage, and their count."""
        groups: dict[int, tuple[list, int]] = {}
        for stage_id, sort_order, count in counts:
            ids, size = groups.get(sort_order, ([], 0))
            groups[sort_order] = ([*ids, stage_id], size + count)
        return [
            (partial(_stage_rows, matches, ids), size)
            for _, (ids, size) in sorted(groups.items(), reverse=descending)
        ]

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_filter_delete",
        summary="Delete the opportunities matching a filter",
        description="Without criteria, every opportunity the caller can see and delete.",
        parameters=FILTER_DOCS,
        responses={200: docs.OpportunitySerializer(many=True)},
    )
    def delete(self, request, format=None):
        return self.delete_rendered(self.filterset().qs)


def _stage_rows(matches, stage_ids: list[int]):
    return matches.filter(stage_id__in=stage_ids).order_by(*WITHIN_STAGE_ORDER)


class OpportunityStageView(OpportunityBaseView):
    """`opportunity/{opportunityid}/stage/{id}`."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_move_to_stage",
        summary="Move an opportunity to a stage",
        description="`stageid` comes from the query or body; the `{id}` segment is used only "
        "when it is absent. Sets the probability from the stage, and the actual close date "
        "on a closed stage (cleared on an open one). A lost stage takes `lostReason` (id or "
        "title) and `lostComment`, required when the server sets LOST_REASON_REQUIRED_IN_API; "
        "another stage refuses them, and leaving the lost stages clears them.",
        parameters=[ID_PARAMETER, OpenApiParameter("id", int, OpenApiParameter.PATH)],
        request=docs.StageMoveSerializer,
        responses=docs.OpportunitySerializer,
    )
    def put(self, request, opportunityid, id, format=None):
        params = self.params()
        stage_id = positive_id(params.integer("stageid") or params.integer("id"), "stageid")
        opportunity_id = params.positive_id("opportunityid")
        try:
            stage = stage_get(stage_id=stage_id)
        except StageNotFound:
            # a hidden opportunity answers 404 before a missing stage
            opportunity_get_visible(user=request.user, opportunity_id=opportunity_id)
            raise
        # the service locks the row, checking visibility (who may read edits) in that query
        services.opportunity_move_to_stage(
            opportunity=Opportunity(pk=opportunity_id),
            stage=stage,
            moved_by=request.user,
            require_lost_reason=settings.LOST_REASON_REQUIRED_IN_API,
            **lost_arguments(params),
        )
        return self.render_one(opportunity_id)


class OpportunityAccessView(OpportunityBaseView):
    """`opportunity/{opportunityid}/access`."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_set_access",
        summary="Set who may see an opportunity",
        description="Admins and the creator only (403 for others). `isPrivate=true` always "
        "makes it private, with the caller on the access list.",
        parameters=[ID_PARAMETER],
        request=docs.AccessSerializer,
        responses=docs.OpportunitySerializer,
    )
    def put(self, request, opportunityid, format=None):
        params = self.params()
        opportunity = self.opportunity()
        services.opportunity_set_access(
            opportunity=opportunity,
            is_private=bool(params.boolean("isPrivate")),
            access_list=access_list_from(params),
            set_by=request.user,
            notify=bool(params.boolean("isNotify")),
        )
        return self.render_one(opportunity.pk)


class OpportunityAccessBatchView(OpportunityBaseView):
    """`opportunity/access`."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_set_access_group",
        summary="Set access on a group of opportunities",
        description="Opportunities the caller may not change are skipped.",
        request=docs.AccessBatchSerializer,
        responses=docs.OpportunitySerializer(many=True),
    )
    def put(self, request, format=None):
        ids = self.params().int_list("opportunityid")
        if ids is None:
            raise InvalidInput("opportunityid is required.", field="opportunityid")
        return self.set_access_many(list(self.visible().filter(pk__in=ids)))


class OpportunityFilterAccessView(OpportunityBaseView):
    """`opportunity/filter/access`."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_filter_set_access",
        summary="Set access on the opportunities matching a filter",
        description="Opportunities the caller may not change are skipped.",
        parameters=FILTER_DOCS,
        request=docs.AccessSerializer,
        responses=docs.OpportunitySerializer(many=True),
    )
    def put(self, request, format=None):
        return self.set_access_many(list(self.filterset().qs))


class OpportunityByPrefixView(OpportunityBaseView):
    """`opportunity/byprefix` (hidden in ONLYOFFICE's docs; used by its autocomplete)."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_by_prefix",
        summary="Find opportunities by title words",
        description="With `contactID` and `internalSearch=true`: that contact's opportunities "
        "whose title contains `prefix`. Otherwise up to 30 opportunities whose title contains "
        "every word, ordered by title; with `contactID`, only those not linked to it.",
        parameters=[
            OpenApiParameter("prefix", str, required=True),
            OpenApiParameter("contactID", int),
            OpenApiParameter("internalSearch", bool),
        ],
        responses=docs.OpportunitySerializer(many=True),
    )
    def get(self, request, format=None):
        params = self.params()
        prefix = params.string("prefix")
        if prefix is None:
            raise InvalidInput("prefix is required.", field="prefix")
        rows = opportunity_list_by_prefix(
            user=request.user,
            prefix=prefix,
            contact_id=params.integer("contactID") or 0,
            internal=bool(params.boolean("internalSearch")),
        )
        return Response(self.renderer().shapes(rows))


class OpportunityTimestampView(OpportunityBaseView):
    """ONLYOFFICE's hidden test methods: set the creation or last-modified date (admins)."""

    parameter: str = ""
    argument: str = ""

    def put(self, request, opportunityid, format=None):
        value = self.params().date(self.parameter)
        if value is None:
            raise InvalidInput(f"{self.parameter} is required.", field=self.parameter)
        opportunity = self.opportunity()
        services.opportunity_set_timestamps(
            opportunity=opportunity, set_by=request.user, **{self.argument: value}
        )
        return Response({})


class OpportunityCreationDateView(OpportunityTimestampView):
    parameter = "creationDate"
    argument = "created_at"

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_set_creation_date",
        summary="Set the creation date (admin; test method)",
        parameters=[ID_PARAMETER],
        request=docs.CreationDateSerializer,
        responses=docs.EmptySerializer,
    )
    def put(self, request, opportunityid, format=None):
        return super().put(request, opportunityid, format)


class OpportunityLastModifiedDateView(OpportunityTimestampView):
    parameter = "lastModifedDate"
    argument = "updated_at"

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_set_last_modified_date",
        summary="Set the last-modified date (admin; test method)",
        parameters=[ID_PARAMETER],
        request=docs.LastModifiedDateSerializer,
        responses=docs.EmptySerializer,
    )
    def put(self, request, opportunityid, format=None):
        return super().put(request, opportunityid, format)
