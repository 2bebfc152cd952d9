"""`/sales/opportunities` and `/sales/opportunities/{salesOpportunityId}` (contract §1, §4):
bind the body, call one service of opportunities/services.py, render through the visibility
rule. A private opportunity the caller may not read is a 404, never a 403."""

from opportunities import services
from opportunities.selectors import opportunity_get_visible
from rambase import ids
from rambase.custom_field_names import opportunity_custom_fields
from rambase.errors import not_found
from rambase.formats import Document
from rambase.listing import list_document, list_page
from rambase.names import OPPORTUNITY_FIELDS
from rambase.opportunity_input import opportunity_arguments, zip_names
from rambase.opportunity_query import opportunity_rows
from rambase.opportunity_shape import SELECTABLE, ShapeContext, opportunity_shape
from rambase.views_base import RamBaseView, path_id

ROOT = "SalesOpportunity"


def is_true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


class OpportunityBaseView(RamBaseView):
    def shape_context(self) -> ShapeContext:
        query = self.query()
        show_custom = is_true(query.get("$showcustomfields"))
        return ShapeContext(
            base_url=self.link("/").rstrip("/"),
            custom_fields=zip_names(opportunity_custom_fields()) if show_custom else [],
            show_custom_fields=show_custom,
            show_descriptions=is_true(query.get("$showdomaindescriptions")),
        )

    def rows(self, ctx: ShapeContext):
        return opportunity_rows(
            user=self.request.user,
            custom_fields=ctx.show_custom_fields,
            descriptions=ctx.show_descriptions,
        )

    def render_one(self, pk: int, *, status: int = 200, headers=None):
        ctx = self.shape_context()
        opportunity = self.rows(ctx).filter(pk=pk).first()
        if opportunity is None:
            raise not_found("The sales opportunity does not exist.")
        return self.respond(
            Document(ROOT, opportunity_shape(opportunity, ctx)), status=status, headers=headers
        )


class OpportunityCollectionView(OpportunityBaseView):
    def get(self, request):
        ctx = self.shape_context()
        page = list_page(
            self.request,
            self.rows(ctx),
            fields=OPPORTUNITY_FIELDS,
            id_field="salesopportunityid",
            render=lambda row: opportunity_shape(row, ctx),
            valid_select=SELECTABLE | ({"customfields"} if ctx.show_custom_fields else set()),
        )
        return self.respond(list_document("SalesOpportunities", ROOT, page))

    def post(self, request):
        arguments = opportunity_arguments(self.body(ROOT), user=request.user, creating=True)
        arguments.setdefault("title", "")
        arguments.setdefault("custom_fields", {})
        opportunity = services.opportunity_create(created_by=request.user, **arguments)
        rambase_id = opportunity.pk + ids.OPPORTUNITY
        location = self.link(f"/sales/opportunities/{rambase_id}")
        return self.render_one(opportunity.pk, status=201, headers={"Location": location})


class OpportunityDetailView(OpportunityBaseView):
    def opportunity(self, raw_id: str):
        pk = path_id(raw_id, ids.OPPORTUNITY, "salesOpportunityId")
        return opportunity_get_visible(user=self.request.user, opportunity_id=pk)

    def get(self, request, opportunity_id: str):
        return self.render_one(path_id(opportunity_id, ids.OPPORTUNITY, "salesOpportunityId"))

    def put(self, request, opportunity_id: str):
        opportunity = self.opportunity(opportunity_id)
        arguments = opportunity_arguments(self.body(ROOT), user=request.user, creating=False)
        services.opportunity_update(opportunity=opportunity, updated_by=request.user, **arguments)
        return self.render_one(opportunity.pk)

    def delete(self, request, opportunity_id: str):
        opportunity = self.opportunity(opportunity_id)
        services.opportunity_delete(opportunity=opportunity, deleted_by=request.user)
        return self.respond(None, status=204)
