"""Stage, custom field and tag routes under /api/2.0/crm/. Included before the opportunity
routes, so the literal paths (`opportunity/stage`, `opportunity/tag`, `opportunity/taglist`,
`opportunity/filter/taglist`, `opportunity/customfield/…`) are matched here first."""

from crm_project.api.routing import route
from opportunities.api import custom_field_views, stage_views, tag_views

urlpatterns = [
    # stages
    route("opportunity/stage", stage_views.StageListView.as_view(), name="api-stage-list"),
    route(
        "opportunity/stage/reorder",
        stage_views.StageReorderView.as_view(),
        name="api-stage-reorder",
    ),
    route(
        "opportunity/stage/<int:stageid>",
        stage_views.StageDetailView.as_view(),
        name="api-stage-detail",
    ),
    route(
        "opportunity/stage/<int:id>/color",
        stage_views.StageColorView.as_view(),
        name="api-stage-color",
    ),
    # custom fields
    route(
        "opportunity/customfield/definitions",
        custom_field_views.CustomFieldDefinitionListView.as_view(),
        name="api-customfield-definitions",
    ),
    route(
        "opportunity/customfield",
        custom_field_views.CustomFieldCreateView.as_view(),
        name="api-customfield-create",
    ),
    route(
        "opportunity/customfield/reorder",
        custom_field_views.CustomFieldReorderView.as_view(),
        name="api-customfield-reorder",
    ),
    route(
        "opportunity/customfield/<int:fieldid>",
        custom_field_views.CustomFieldDetailView.as_view(),
        name="api-customfield-detail",
    ),
    route(
        "opportunity/<int:entityid>/customfield",
        custom_field_views.OpportunityCustomFieldListView.as_view(),
        name="api-opportunity-customfields",
    ),
    route(
        "opportunity/<int:entityid>/customfield/<int:fieldid>",
        custom_field_views.OpportunityCustomFieldValueView.as_view(),
        name="api-opportunity-customfield-value",
    ),
    # tags
    route("opportunity/tag", tag_views.TagCollectionView.as_view(), name="api-tag-collection"),
    route("opportunity/tag/unused", tag_views.TagUnusedView.as_view(), name="api-tag-unused"),
    route(
        "opportunity/tag/<int:entityid>",
        tag_views.OpportunityTagListView.as_view(),
        name="api-opportunity-tags",
    ),
    route(
        "opportunity/<int:entityid>/tag",
        tag_views.OpportunityTagView.as_view(),
        name="api-opportunity-tag",
    ),
    route("opportunity/taglist", tag_views.TagBatchView.as_view(), name="api-tag-batch"),
    route(
        "opportunity/filter/taglist",
        tag_views.TagFilterBatchView.as_view(),
        name="api-tag-filter-batch",
    ),
]
