"""`opportunity/lostreason`: the lost reasons a client may give when it moves a deal to a lost
stage (Pipeline's addition; ONLYOFFICE has no such list)."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from crm_project.api.views import OnlyOfficeAPIView
from opportunities.api import docs_serializers as docs
from opportunities.selectors import lost_reason_list

TAGS = ["Opportunities"]


def lost_reason_shape(reason) -> dict:
    return {"id": reason.pk, "title": reason.title, "sortOrder": reason.sort_order}


class LostReasonListView(OnlyOfficeAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_lost_reason_list",
        summary="Get the lost reasons",
        description="The reasons offered for a lost deal (`lostReason` of the opportunity "
        "writes, by id or title), in their order; retired reasons are not listed.",
        responses=docs.LostReasonSerializer(many=True),
    )
    def get(self, request, format=None):
        return Response([lost_reason_shape(reason) for reason in lost_reason_list()])
