"""Routes that link contacts and opportunities: `opportunity/{id}/contact…`,
`opportunity/bycontact/{id}`, `contact/{id}/opportunity/{id}` and `contact/filter` (its
`withopportunity` view). They live with opportunities, which sit above contacts."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from contacts.api.docs_serializers import contact_wrapper_doc
from contacts.api.rendering import contact_render_queryset, contact_shape
from contacts.api.views import ContactListView
from contacts.models import Contact
from contacts.selectors import contact_get_visible
from crm_project.api.render_context import RenderContext
from crm_project.api.views import OnlyOfficeAPIView
from opportunities import services
from opportunities.api import docs_serializers as docs
from opportunities.api.rendering import OpportunityRenderer
from opportunities.api.views import ID_PARAMETER, TAGS, OpportunityBaseView
from opportunities.contact_link_selectors import (
    contact_list_of_opportunity,
    contact_list_with_visible_opportunity,
    opportunity_list_by_contact,
)
from opportunities.selectors import opportunity_get_visible

CONTACT_TAGS = ["contacts"]


class OpportunityContactsView(OpportunityBaseView):
    """`opportunity/{opportunityid}/contact`."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_contacts",
        summary="Get the contacts of an opportunity",
        description="Members the caller can see, the primary contact included (with "
        "`canEdit=false`).",
        parameters=[ID_PARAMETER],
        responses=contact_wrapper_doc(many=True),
    )
    def get(self, request, opportunityid, format=None):
        opportunity = self.opportunity()
        contacts = contact_render_queryset(
            contact_list_of_opportunity(user=request.user, opportunity=opportunity),
            user=request.user,
        )
        ctx = RenderContext(request)
        payload = []
        for contact in contacts:
            shape = contact_shape(contact, ctx)
            if contact.pk == opportunity.contact_id:
                shape = {**shape, "canEdit": False}
            payload.append(shape)
        return Response(payload)


class OpportunityContactView(OpportunityBaseView):
    """`opportunity/{opportunityid}/contact/{contactid}`."""

    def _arguments(self):
        opportunity = self.opportunity()
        contact_id = self.params().positive_id("contactid")
        contact = contact_get_visible(user=self.request.user, contact_id=contact_id)
        return opportunity, contact

    def _render(self, contact: Contact) -> Response:
        contact = contact_render_queryset(
            Contact.objects.filter(pk=contact.pk), user=self.request.user
        ).get()
        return Response(contact_shape(contact, RenderContext(self.request)))

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_add_contact",
        summary="Add a contact to an opportunity",
        parameters=[ID_PARAMETER, OpenApiParameter("contactid", int, OpenApiParameter.PATH)],
        request=None,
        responses={201: contact_wrapper_doc()},
    )
    def post(self, request, opportunityid, contactid, format=None):
        opportunity, contact = self._arguments()
        services.opportunity_add_member(
            opportunity=opportunity, contact=contact, added_by=request.user
        )
        return self._render(contact)

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_remove_contact",
        summary="Remove a contact from an opportunity",
        description="Removing the primary contact is allowed and clears it.",
        parameters=[ID_PARAMETER, OpenApiParameter("contactid", int, OpenApiParameter.PATH)],
        responses={200: contact_wrapper_doc()},
    )
    def delete(self, request, opportunityid, contactid, format=None):
        opportunity, contact = self._arguments()
        services.opportunity_remove_member(
            opportunity=opportunity, contact=contact, removed_by=request.user
        )
        return self._render(contact)


class OpportunityByContactView(OpportunityBaseView):
    """`opportunity/bycontact/{contactid}`."""

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_by_contact",
        summary="Get the opportunities of a contact",
        description="Opportunities the caller can see where the contact is a member or the "
        "primary contact, by title. An unknown contact gives [].",
        parameters=[OpenApiParameter("contactid", int, OpenApiParameter.PATH)],
        responses=docs.OpportunitySerializer(many=True),
    )
    def get(self, request, contactid, format=None):
        contact_id = self.params().integer("contactid")
        rows = opportunity_list_by_contact(user=request.user, contact_id=contact_id)
        return Response(self.renderer().shapes(rows))


class ContactOpportunityView(OnlyOfficeAPIView):
    """POST/DELETE contact/{contactid}/opportunity/{opportunityid}: link or unlink, answering
    with the OpportunityWrapper."""

    def _targets(self, request):
        params = self.params()
        contact_id = params.positive_id("contactid")
        opportunity_id = params.positive_id("opportunityid")
        contact = contact_get_visible(user=request.user, contact_id=contact_id)
        opportunity = opportunity_get_visible(user=request.user, opportunity_id=opportunity_id)
        return contact, opportunity

    @extend_schema(
        operation_id="crm_contact_opportunity_link",
        summary="Link a contact to an opportunity",
        description="Contact or opportunity missing or not readable: 404; cannot edit: 403.",
        parameters=[
            OpenApiParameter("contactid", int, OpenApiParameter.PATH),
            OpenApiParameter("opportunityid", int, OpenApiParameter.PATH),
        ],
        request=None,
        responses=docs.OpportunitySerializer,
        tags=CONTACT_TAGS,
    )
    def post(self, request, *args, **kwargs):
        contact, opportunity = self._targets(request)
        services.opportunity_add_member(
            opportunity=opportunity, contact=contact, added_by=request.user
        )
        return Response(OpportunityRenderer(request).shape(opportunity))

    @extend_schema(
        operation_id="crm_contact_opportunity_unlink",
        summary="Unlink a contact from an opportunity",
        description=(
            "The opportunity's primary contact cannot be unlinked here: 403 \"Can't unlink "
            'base contact" (use DELETE opportunity/{id}/contact/{contactid}).'
        ),
        parameters=[
            OpenApiParameter("contactid", int, OpenApiParameter.PATH),
            OpenApiParameter("opportunityid", int, OpenApiParameter.PATH),
        ],
        responses={
            200: docs.OpportunitySerializer,
            403: OpenApiResponse(description="Base contact."),
        },
        tags=CONTACT_TAGS,
    )
    def delete(self, request, *args, **kwargs):
        contact, opportunity = self._targets(request)
        services.opportunity_remove_member(
            opportunity=opportunity, contact=contact, removed_by=request.user, keep_primary=True
        )
        return Response(OpportunityRenderer(request).shape(opportunity))


class ContactFilterView(ContactListView):
    """`contact/filter`, whose `withopportunity` view reads the opportunities."""

    def with_opportunity(self, contacts):
        return contact_list_with_visible_opportunity(contacts, user=self.request.user)
