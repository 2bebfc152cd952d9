"""`/sales/opportunity-stages` and `/sales/opportunity-stages/{opportunityStageId}` (contract
§5): everyone signed in reads; writes are for administrators (others get 403 before any
lookup) through opportunities/stage_services.py. SortIndex is stored as given (ties go by id;
POST without one puts the stage last); the others keep theirs."""

from opportunities import services
from opportunities.models import Stage, StageType
from opportunities.selectors import stage_get, stage_list
from rambase import ids
from rambase.errors import FORBIDDEN, NOT_FOUND, RamBaseError, invalid_value, malformed
from rambase.formats import Document
from rambase.listing import list_document, list_page
from rambase.names import STAGE_FIELDS
from rambase.values import text_value, whole_number
from rambase.views_base import RamBaseView, path_id

ROOT = "OpportunityStage"
FIELDS = {  # body key -> (service argument, RamBase name)
    "name": ("title", "Name"),
    "probability": ("success_probability", "Probability"),
    "daysbeforewarning": ("days_before_warning", "DaysBeforeWarning"),
    "sortindex": ("sort_order", "SortIndex"),
}
SELECTABLE = {"opportunitystageid", "name", "probability", "daysbeforewarning", "sortindex"}


def stage_shape(stage: Stage) -> dict:
    return {
        "OpportunityStageId": stage.pk + ids.STAGE,
        "Name": stage.title,
        "Probability": stage.success_probability,
        "DaysBeforeWarning": stage.days_before_warning,
        "SortIndex": stage.sort_order,
    }


def stage_arguments(data: dict) -> dict:
    """The stage_create/stage_update arguments for the fields `data` names."""
    allowed = {*FIELDS, "opportunitystageid", "taskprocesstemplate"}
    for key in data:
        if key not in allowed:
            raise malformed(f"Unknown field '{key}'.", key)
    if data.get("taskprocesstemplate") is not None:
        raise invalid_value(
            "TaskProcessTemplate has no counterpart here: leave it out.", "TaskProcessTemplate"
        )
    arguments = {}
    for key, (argument, name) in FIELDS.items():
        if key in data:
            value = data[key]
            if key == "name":
                arguments[argument] = text_value(value, name) or ""
            else:
                arguments[argument] = whole_number(value, name)
    return arguments


class StageBaseView(RamBaseView):
    def check_admin(self) -> None:
        if not self.request.user.is_crm_admin:
            raise RamBaseError(FORBIDDEN, "Only administrators change opportunity stages.")

    def render_one(self, pk: int, *, status: int = 200, headers=None):
        stage = stage_list().filter(pk=pk).first()
        if stage is None:
            raise RamBaseError(NOT_FOUND, "The opportunity stage does not exist.")
        return self.respond(Document(ROOT, stage_shape(stage)), status=status, headers=headers)


class StageCollectionView(StageBaseView):
    def get(self, request):
        page = list_page(
            request,
            stage_list(),
            fields=STAGE_FIELDS,
            id_field="opportunitystageid",
            render=stage_shape,
            valid_select=SELECTABLE,
            default_order="SortIndex",
        )
        return self.respond(list_document("OpportunityStages", ROOT, page))

    def post(self, request):
        self.check_admin()
        arguments = stage_arguments(self.body(ROOT))
        arguments.setdefault("title", "")
        if arguments.get("success_probability") is None:
            arguments["success_probability"] = 100  # RamBase's default (ONLYOFFICE's is 0)
        stage = services.stage_create(
            created_by=request.user, stage_type=StageType.OPEN, **arguments
        )  # SortIndex null or left out: last
        location = self.link(f"/sales/opportunity-stages/{stage.pk + ids.STAGE}")
        return self.render_one(stage.pk, status=201, headers={"Location": location})


class StageDetailView(StageBaseView):
    def get(self, request, stage_id: str):
        return self.render_one(path_id(stage_id, ids.STAGE, "opportunityStageId"))

    def put(self, request, stage_id: str):
        self.check_admin()
        stage = stage_get(stage_id=path_id(stage_id, ids.STAGE, "opportunityStageId"))
        arguments = stage_arguments(self.body(ROOT))
        stage = services.stage_update(stage=stage, updated_by=request.user, **arguments)
        return self.render_one(stage.pk)

    def delete(self, request, stage_id: str):
        self.check_admin()
        stage = stage_get(stage_id=path_id(stage_id, ids.STAGE, "opportunityStageId"))
        services.stage_delete(stage=stage, deleted_by=request.user)
        return self.respond(None, status=204)
