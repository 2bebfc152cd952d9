"""Documentation-only serializers of the history routes (activities/api/history_rendering.py
builds the shapes; the views bind with `Params`). Tests keep the documented keys equal to the
keys returned."""

from rest_framework import serializers

from contacts.api.docs_serializers import ContactBaseSerializer
from crm_project.api.schema import EmployeeSerializer


class HistoryCategoryBaseSerializer(serializers.Serializer):
    """HistoryCategoryBase: a category as embedded in an event (negative ids: system ones)."""

    id = serializers.IntegerField(help_text="-1 Task is closed, -2 Files are uploaded.")
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    color = serializers.CharField(allow_blank=True)
    sortOrder = serializers.IntegerField()
    imagePath = serializers.URLField(allow_null=True, help_text="The icon's URL.")


class HistoryCategorySerializer(HistoryCategoryBaseSerializer):
    """HistoryCategoryWrapper: a category and the events using it that the caller can see."""

    relativeItemsCount = serializers.IntegerField()


class EventEntitySerializer(serializers.Serializer):
    entityType = serializers.ChoiceField(choices=["opportunity"])
    entityId = serializers.IntegerField()
    entityTitle = serializers.CharField()


class RelationshipEventSerializer(serializers.Serializer):
    """RelationshipEventWrapper: a history event. Every key is always present."""

    id = serializers.IntegerField()
    createBy = EmployeeSerializer()
    created = serializers.CharField(help_text="ApiDateTime.")
    content = serializers.CharField(help_text="As sent (HTML); sanitize it before showing it.")
    category = HistoryCategoryBaseSerializer(allow_null=True)
    contact = ContactBaseSerializer(allow_null=True)
    entity = EventEntitySerializer(allow_null=True, help_text="The opportunity, or null.")
    canEdit = serializers.BooleanField(
        help_text="Whether the caller may delete it (admins, the author, the deal's responsible)."
    )
    files = serializers.ListField(child=serializers.DictField(), help_text="Always [].")


class HistoryEventInputSerializer(serializers.Serializer):
    entityType = serializers.CharField(
        required=False, help_text="`opportunity` (with entityId); `case` does not exist here."
    )
    entityId = serializers.IntegerField(required=False)
    contactId = serializers.IntegerField(required=False, help_text="Needed without entityId.")
    content = serializers.CharField(help_text="At most 65000 characters, stored as sent.")
    categoryId = serializers.IntegerField(
        help_text="A history category, or -1 (Task is closed) / -2 (Files are uploaded)."
    )
    created = serializers.CharField(required=False, help_text="ApiDateTime; default now.")
    fileId = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="No files exist here: any id is a 400.",
    )
    notifyUserList = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        help_text="People to e-mail; each must be able to read the deal and contact.",
    )


class HistoryCategoryInputSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, help_text="Required on create; unique.")
    description = serializers.CharField(required=False, allow_blank=True)
    imageName = serializers.CharField(required=False, allow_blank=True, help_text="Icon file.")
    sortOrder = serializers.IntegerField(
        required=False, help_text="On create only; 0 or missing puts it last."
    )


class HistoryCategoryIconInputSerializer(serializers.Serializer):
    imageName = serializers.CharField(allow_blank=True)


class HistoryCategoryReorderInputSerializer(serializers.Serializer):
    titles = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Titles, in their new order."
    )
