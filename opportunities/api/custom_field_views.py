"""Opportunity custom fields: the definitions (`opportunity/customfield…`, admin writes) and the
values of one opportunity (`opportunity/{entityid}/customfield…`)."""

import json

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core import services as core_services
from core.errors import InvalidInput
from core.models import CustomFieldDefinition, EntityType, FieldType
from core.selectors import custom_field_get
from crm_project.api.custom_field_shape import custom_field_base_shape
from crm_project.api.views import OnlyOfficeAPIView
from opportunities import services
from opportunities.api import docs_serializers as docs
from opportunities.api.list_item_permissions import IsCrmAdminFor
from opportunities.selectors import (
    opportunity_custom_field_values,
    opportunity_custom_fields_with_counts,
    opportunity_get_visible,
)

TAGS = ["Opportunity custom fields"]
ENTITY = EntityType.OPPORTUNITY


def custom_field_wrapper(definition: CustomFieldDefinition, relative_items_count=None) -> dict:
    """CustomFieldWrapper: the definition (no entity, no value) and how many opportunities
    hold a value for it."""
    if relative_items_count is None:
        relative_items_count = getattr(definition, "relative_items_count", 0)
    return {
        **custom_field_base_shape(definition, entity_id=0, value=None),
        "relativeItemsCount": relative_items_count,
    }


def _definition_with_count(field_id: int, *, user) -> CustomFieldDefinition:
    """The definition with the number of opportunities `user` may see holding a value."""
    definition = opportunity_custom_fields_with_counts(user=user).filter(pk=field_id).first()
    return definition or custom_field_get(entity_type=ENTITY, field_id=field_id)


class CustomFieldBaseView(OnlyOfficeAPIView):
    permission_classes = [IsAuthenticated, IsCrmAdminFor]
    admin_methods = {"POST", "PUT", "DELETE"}

    def mask(self) -> str | None:
        """The mask as text: ONLYOFFICE clients send it as JSON inside a string, or as a JSON
        array/object in a JSON body (`mask: ["a","b"]`, `mask: {"size": 40}`)."""
        params = self.params()
        raw = params.raw("mask")
        if isinstance(raw, list | dict):
            return json.dumps(raw)
        return params.string("mask")


class CustomFieldDefinitionListView(CustomFieldBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_customfield_definitions",
        summary="Get the opportunity custom field definitions",
        responses=docs.CustomFieldSerializer(many=True),
    )
    def get(self, request, format=None):
        definitions = opportunity_custom_fields_with_counts(user=request.user)
        return Response([custom_field_wrapper(definition) for definition in definitions])


class CustomFieldCreateView(CustomFieldBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_customfield_create",
        summary="Create an opportunity custom field (admin)",
        request=docs.CustomFieldInputSerializer,
        responses={201: docs.CustomFieldSerializer},
    )
    def post(self, request, format=None):
        params = self.params()
        field_type = params.enum("fieldType", FieldType)
        definition = core_services.custom_field_create(
            created_by=request.user,
            entity_type=ENTITY,
            label=params.string("label") or "",
            field_type=FieldType.TEXT_FIELD if field_type is None else field_type,
            position=params.integer("position"),
            mask=self.mask() or "",
        )
        return Response(custom_field_wrapper(definition, 0))


class CustomFieldDetailView(CustomFieldBaseView):
    def definition(self) -> CustomFieldDefinition:
        field_id = self.params().positive_id("fieldid")
        return custom_field_get(entity_type=ENTITY, field_id=field_id)

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_customfield_update",
        summary="Update an opportunity custom field (admin)",
        description="Changes only the named fields. A field that already holds values only "
        "changes its label and mask.",
        request=docs.CustomFieldInputSerializer,
        responses=docs.CustomFieldSerializer,
    )
    def put(self, request, fieldid, format=None):
        params = self.params()
        definition = self.definition()
        core_services.custom_field_update(
            definition=definition,
            updated_by=request.user,
            label=params.string("label") if params.has("label") else definition.label,
            field_type=params.enum("fieldType", FieldType),
            position=params.integer("position"),
            mask=self.mask() if params.has("mask") else None,
        )
        definition = _definition_with_count(definition.pk, user=request.user)
        return Response(custom_field_wrapper(definition))

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_customfield_delete",
        summary="Delete an opportunity custom field and its values (admin)",
        responses={200: docs.CustomFieldSerializer},
    )
    def delete(self, request, fieldid, format=None):
        definition = _definition_with_count(self.definition().pk, user=request.user)
        shape = custom_field_wrapper(definition)
        core_services.custom_field_delete(definition=definition, deleted_by=request.user)
        return Response(shape)


class CustomFieldReorderView(CustomFieldBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_customfield_reorder",
        summary="Reorder the opportunity custom fields (admin)",
        request=docs.CustomFieldReorderInputSerializer,
        responses=docs.CustomFieldBaseSerializer(many=True),
    )
    def put(self, request, format=None):
        field_ids = self.params().int_list("fieldids")
        if not field_ids:
            raise InvalidInput("The list of field ids is empty.", field="fieldids")
        fields = core_services.custom_field_reorder(
            entity_type=ENTITY, field_ids=field_ids, reordered_by=request.user
        )
        return Response(
            [custom_field_base_shape(field, entity_id=0, value=None) for field in fields]
        )


class OpportunityCustomFieldListView(CustomFieldBaseView):
    admin_methods = set()

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_customfield_values",
        summary="Get the custom field values of an opportunity",
        description="Fields holding a value, plus the headings. 404 when the opportunity is "
        "missing or hidden from the caller.",
        responses=docs.CustomFieldBaseSerializer(many=True),
    )
    def get(self, request, entityid, format=None):
        opportunity_id = self.params().positive_id("entityid")
        opportunity = opportunity_get_visible(user=request.user, opportunity_id=opportunity_id)
        return Response(
            [
                custom_field_base_shape(definition, entity_id=opportunity.pk, value=value)
                for definition, value in opportunity_custom_field_values(opportunity)
            ]
        )


class OpportunityCustomFieldValueView(CustomFieldBaseView):
    admin_methods = set()

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_customfield_set_value",
        summary="Set a custom field value of an opportunity",
        description="The value is trimmed and checked against the field type; an empty value "
        "deletes it. Needs edit access (404 for strangers).",
        request=docs.CustomFieldValueInputSerializer,
        responses={201: docs.CustomFieldBaseSerializer},
    )
    def post(self, request, entityid, fieldid, format=None):
        params = self.params()
        opportunity_id = params.positive_id("entityid")
        field_id = params.positive_id("fieldid")
        opportunity = opportunity_get_visible(user=request.user, opportunity_id=opportunity_id)
        definition = custom_field_get(entity_type=ENTITY, field_id=field_id)
        stored = services.opportunity_set_custom_field(
            opportunity=opportunity,
            field_id=definition.pk,
            value=params.string("fieldValue"),
            set_by=request.user,
        )
        value = stored.value if stored is not None else ""
        return Response(custom_field_base_shape(definition, entity_id=opportunity.pk, value=value))
