"""Opportunity stages (ONLYOFFICE's deal milestones): `opportunity/stage…`.

Reads are open to every signed-in user; writes are admin-only (403 before any lookup)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from crm_project.api.views import OnlyOfficeAPIView
from crm_project.api.wire_names import wire_name
from opportunities import services
from opportunities.api import docs_serializers as docs
from opportunities.api.list_item_permissions import IsCrmAdminFor
from opportunities.api.rendering import stage_shape
from opportunities.errors import StageNotFound
from opportunities.models import STAGE_EDITABLE_FIELDS, Stage, StageType
from opportunities.selectors import stage_get, stage_list_with_counts

TAGS = ["Opportunity stages"]

# Wire name -> service argument, for the partial update (decision 1).
STAGE_FIELDS = {wire_name("stage", name): name for name in STAGE_EDITABLE_FIELDS}


def stage_wrapper(stage: Stage, relative_items_count: int | None = None) -> dict:
    """DealMilestoneWrapper: the stage plus the number of opportunities in it."""
    if relative_items_count is None:
        relative_items_count = getattr(stage, "relative_items_count", 0)
    return {**stage_shape(stage), "relativeItemsCount": relative_items_count}


def _stage_with_count(stage_id: int, *, user) -> Stage:
    """The stage with the number of opportunities `user` may see in it."""
    stage = stage_list_with_counts(user=user).filter(pk=stage_id).first()
    if stage is None:
        raise StageNotFound()
    return stage


class StageBaseView(OnlyOfficeAPIView):
    permission_classes = [IsAuthenticated, IsCrmAdminFor]
    admin_methods = {"POST", "PUT", "DELETE"}

    def stage_values(self) -> dict:
        """The named stage fields, converted; omitted ones are left out."""
        params = self.params()
        values = {}
        for wire, name in STAGE_FIELDS.items():
            if not params.has(wire):
                continue
            if wire == "stageType":
                values[name] = params.enum(wire, StageType)
            elif wire in ("successProbability", "daysBeforeWarning"):
                values[name] = params.integer(wire)
            else:
                values[name] = params.string(wire)
        if values.get("stage_type", 0) is None:
            values["stage_type"] = StageType.OPEN
        return values


class StageListView(StageBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_stage_list",
        summary="Get all opportunity stages",
        description="Every stage in board order, with the number of opportunities in each "
        "that the caller can see.",
        responses=docs.DealMilestoneSerializer(many=True),
    )
    def get(self, request, format=None):
        stages = stage_list_with_counts(user=request.user)
        return Response([stage_wrapper(stage) for stage in stages])

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_stage_create",
        summary="Create an opportunity stage (admin)",
        request=docs.StageInputSerializer,
        responses={201: docs.DealMilestoneSerializer},
    )
    def post(self, request, format=None):
        values = {"title": "", **self.stage_values()}
        stage = services.stage_create(created_by=request.user, **values)
        return Response(stage_wrapper(stage, 0))


class StageDetailView(StageBaseView):
    def stage_id(self) -> int:
        return self.params().positive_id("stageid")

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_stage_read",
        summary="Get an opportunity stage",
        responses=docs.DealMilestoneSerializer,
    )
    def get(self, request, stageid, format=None):
        return Response(stage_wrapper(_stage_with_count(self.stage_id(), user=request.user)))

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_stage_update",
        summary="Update an opportunity stage (admin)",
        description="Changes only the fields the request names (omitted fields keep their value).",
        request=docs.StageInputSerializer,
        responses=docs.DealMilestoneSerializer,
    )
    def put(self, request, stageid, format=None):
        stage = stage_get(stage_id=self.stage_id())
        services.stage_update(stage=stage, updated_by=request.user, **self.stage_values())
        return Response(stage_wrapper(_stage_with_count(stage.pk, user=request.user)))

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_stage_delete",
        summary="Delete an unused opportunity stage (admin)",
        description="A stage that still holds opportunities cannot be deleted (400).",
        responses={200: docs.DealMilestoneSerializer},
    )
    def delete(self, request, stageid, format=None):
        stage = stage_get(stage_id=self.stage_id())
        deleted = services.stage_delete(stage=stage, deleted_by=request.user)
        return Response(stage_wrapper(deleted, 0))


class StageColorView(StageBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_stage_color",
        summary="Change the colour of an opportunity stage (admin)",
        request=docs.StageColorInputSerializer,
        responses=docs.DealMilestoneSerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    def put(self, request, id, format=None):
        params = self.params()
        stage = stage_get(stage_id=params.positive_id("id"))
        services.stage_update(
            stage=stage, updated_by=request.user, color=params.string("color", "")
        )
        return Response(stage_wrapper(_stage_with_count(stage.pk, user=request.user)))


class StageReorderView(StageBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_stage_reorder",
        summary="Reorder the opportunity stages (admin)",
        description="The stages named in `ids` come first, in that order; the others follow. "
        "Returns the named stages in their new order. An empty or missing `ids` changes "
        "nothing and returns every stage in the current order.",
        request=docs.StageReorderInputSerializer,
        responses=docs.DealMilestoneSerializer(many=True),
    )
    def put(self, request, format=None):
        ids = self.params().int_list("ids") or []
        ordered = services.stage_reorder(stage_ids=ids, reordered_by=request.user)
        named = list(dict.fromkeys(ids)) or [stage.pk for stage in ordered]
        stages = stage_list_with_counts(user=request.user).in_bulk(named)
        return Response([stage_wrapper(stages[stage_id]) for stage_id in named])
