"""Opportunity tags: `opportunity/tag…`, `opportunity/{entityid}/tag`, the batch routes.

Every route answers with the tag name (a string: the envelope's `count` is its length, as in
ONLYOFFICE), except the lists. Counts and batch writes only ever touch opportunities the caller
may see."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.errors import InvalidInput, NotFound
from core.models import EntityType
from core.services import tags_get_or_create
from crm_project.api.views import OnlyOfficeAPIView
from opportunities import services
from opportunities.api import docs_serializers as docs
from opportunities.api.filters import OpportunityFilterSet
from opportunities.api.list_item_permissions import IsCrmAdminFor
from opportunities.selectors import (
    opportunity_get_visible,
    opportunity_list_visible_to,
    opportunity_tag_find,
    opportunity_tag_titles,
    opportunity_tags_with_counts,
)

TAGS = ["Opportunity tags"]
TAG_NAME_PARAMETER = OpenApiParameter(
    "tagName", str, required=True, description="In the query string or the body."
)


class TagBaseView(OnlyOfficeAPIView):
    permission_classes = [IsAuthenticated, IsCrmAdminFor]
    admin_methods: set[str] = set()

    def tag_name(self) -> str:
        name = (self.params().string("tagName") or "").strip()
        if not name:
            raise InvalidInput("The tag name is required.", field="tagName")
        return name

    def opportunity(self):
        opportunity_id = self.params().positive_id("entityid")
        return opportunity_get_visible(user=self.request.user, opportunity_id=opportunity_id)


class TagCollectionView(TagBaseView):
    admin_methods = {"DELETE"}

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_tag_list",
        summary="Get every opportunity tag",
        description="Each tag with the number of opportunities visible to the caller carrying "
        "it, ordered by title.",
        responses=docs.TagSerializer(many=True),
    )
    def get(self, request, format=None):
        return Response(
            [
                {"title": tag.title, "relativeItemsCount": tag.relative_items_count}
                for tag in opportunity_tags_with_counts(user=request.user)
            ]
        )

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_tag_create",
        summary="Create an opportunity tag",
        request=docs.TagNameInputSerializer,
        responses={201: docs.TAG_NAME_RESPONSE},
    )
    def post(self, request, format=None):
        (tag,) = tags_get_or_create(entity_type=EntityType.OPPORTUNITY, titles=[self.tag_name()])
        return Response(tag.title)

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_tag_delete",
        summary="Delete an opportunity tag everywhere (admin)",
        parameters=[TAG_NAME_PARAMETER],
        responses={200: docs.TAG_NAME_RESPONSE},
    )
    def delete(self, request, format=None):
        tag = services.opportunity_tag_delete(tag_name=self.tag_name(), deleted_by=request.user)
        return Response(tag.title)


class TagUnusedView(TagBaseView):
    admin_methods = {"DELETE"}

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_tag_delete_unused",
        summary="Delete the opportunity tags no opportunity carries (admin)",
        responses={200: docs.TAG_NAMES_RESPONSE},
    )
    def delete(self, request, format=None):
        return Response(services.opportunity_tags_delete_unused(deleted_by=request.user))


class OpportunityTagListView(TagBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_tag_of_opportunity",
        summary="Get the tags of an opportunity",
        responses={200: docs.TAG_NAMES_RESPONSE},
    )
    def get(self, request, entityid, format=None):
        return Response(opportunity_tag_titles(self.opportunity()))


class OpportunityTagView(TagBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_tag_add",
        summary="Tag an opportunity",
        description="Creates the tag when it does not exist. Needs edit access.",
        request=docs.TagNameInputSerializer,
        responses={201: docs.TAG_NAME_RESPONSE},
    )
    def post(self, request, entityid, format=None):
        opportunity = self.opportunity()
        tag = services.opportunity_add_tag(
            opportunity=opportunity, tag_name=self.tag_name(), added_by=request.user
        )
        return Response(tag.title)

    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_tag_remove",
        summary="Remove a tag from an opportunity",
        description="404 when the tag does not exist. Needs edit access.",
        parameters=[TAG_NAME_PARAMETER],
        responses={200: docs.TAG_NAME_RESPONSE},
    )
    def delete(self, request, entityid, format=None):
        opportunity = self.opportunity()
        tag = opportunity_tag_find(title=self.tag_name())
        if tag is None:
            raise NotFound("Tag not found")
        services.opportunity_remove_tag(
            opportunity=opportunity, tag_name=tag.title, removed_by=request.user
        )
        return Response(tag.title)


class TagBatchView(TagBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_taglist",
        summary="Tag a group of opportunities",
        description="Opportunities the caller may not see or edit are skipped.",
        request=docs.TagBatchInputSerializer,
        responses={201: docs.TAG_NAME_RESPONSE},
    )
    def post(self, request, format=None):
        ids = self.params().int_list("entityid")
        if not ids:
            raise InvalidInput("The list of opportunity ids is empty.", field="entityid")
        tag, _ = services.opportunity_tag_add_many(
            opportunity_ids=ids, tag_name=self.tag_name(), added_by=request.user
        )
        return Response(tag.title)


class TagFilterBatchView(TagBaseView):
    @extend_schema(
        tags=TAGS,
        operation_id="opportunity_filter_taglist",
        summary="Tag every opportunity matching a filter",
        description="Takes the `opportunity/filter` parameters; only opportunities visible to "
        "the caller are tagged.",
        request=docs.TagFilterInputSerializer,
        responses={201: docs.TAG_NAME_RESPONSE},
    )
    def post(self, request, format=None):
        tag_name = self.tag_name()
        visible = opportunity_list_visible_to(user=request.user)
        matching = OpportunityFilterSet.from_params(self.params(), visible, user=request.user).qs
        tag, _ = services.opportunity_tag_add_many(
            opportunity_ids=matching.values_list("pk", flat=True),
            tag_name=tag_name,
            added_by=request.user,
        )
        return Response(tag.title)
