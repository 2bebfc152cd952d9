"""Documentation-only serializers of the task routes (activities/api/task_rendering.py builds
the shapes; the views bind with `Params`). Tests keep the documented keys equal to the keys
returned."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from contacts.api.docs_serializers import ContactBaseSerializer
from crm_project.api.schema import EmployeeSerializer


class TaskCategoryBaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    color = serializers.CharField(allow_blank=True)
    sortOrder = serializers.IntegerField()
    imagePath = serializers.URLField(allow_null=True, help_text="The icon's URL; null without.")


class TaskCategorySerializer(TaskCategoryBaseSerializer):
    """TaskCategoryWrapper: a category and the tasks using it that the caller can read."""

    relativeItemsCount = serializers.IntegerField()


class TaskContactSerializer(ContactBaseSerializer):
    email = serializers.CharField(allow_blank=True, help_text='The primary e-mail, or "".')


class TaskEntitySerializer(serializers.Serializer):
    entityType = serializers.ChoiceField(choices=["opportunity"])
    entityId = serializers.IntegerField()
    entityTitle = serializers.CharField()


class TaskSerializer(serializers.Serializer):
    """TaskWrapper: every key always present."""

    id = serializers.IntegerField()
    createBy = EmployeeSerializer()
    created = serializers.CharField(help_text="ApiDateTime.")
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    deadLine = serializers.CharField(help_text="ApiDateTime (capital L, as ONLYOFFICE).")
    responsible = EmployeeSerializer()
    alertValue = serializers.IntegerField(help_text="Reminder, minutes before the deadline.")
    isClosed = serializers.BooleanField()
    category = TaskCategorySerializer()
    contact = TaskContactSerializer(
        allow_null=True, help_text="Null when none or the caller cannot read it."
    )
    entity = TaskEntitySerializer(
        allow_null=True, help_text="The opportunity; null when none or unreadable."
    )
    canEdit = serializers.BooleanField(
        help_text="Whether the caller may change, close, reopen and delete it (admins, the "
        "responsible, the creator)."
    )


class TaskInputSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, help_text="Required on create.")
    description = serializers.CharField(required=False, allow_blank=True)
    deadline = serializers.CharField(required=False, help_text="ApiDateTime; required on create.")
    categoryId = serializers.IntegerField(required=False, help_text="Required on create.")
    responsibleId = serializers.UUIDField(
        required=False, help_text="Default: the caller. Must read the linked records."
    )
    contactId = serializers.IntegerField(required=False, help_text="0: no contact.")
    entityType = serializers.CharField(
        required=False, help_text="`opportunity` (`case` does not exist here)."
    )
    entityId = serializers.IntegerField(required=False, help_text="The opportunity; 0: none.")
    isNotify = serializers.BooleanField(
        required=False,
        help_text="false: assigning mails nobody. Default (absent): the new responsible is "
        "e-mailed when it is not the caller.",
    )
    alertValue = serializers.IntegerField(
        required=False, min_value=0, help_text="Reminder, minutes before the deadline; 0: none."
    )


class TaskGroupInputSerializer(TaskInputSerializer):
    contactId = serializers.ListField(
        child=serializers.IntegerField(), help_text="One task per contact."
    )


class TaskCategoryInputSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, help_text="Required on create; unique.")
    description = serializers.CharField(required=False, allow_blank=True)
    imageName = serializers.CharField(required=False, allow_blank=True, help_text="Icon file.")
    sortOrder = serializers.IntegerField(required=False, help_text="0 or missing: last.")


class TaskCategoryIconInputSerializer(serializers.Serializer):
    imageName = serializers.CharField(allow_blank=True)


class TaskCategoryReorderInputSerializer(serializers.Serializer):
    titles = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Titles, in their new order."
    )


TASK_FILTER_PARAMETERS = [
    OpenApiParameter("responsibleid", str, description="The responsible's GUID."),
    OpenApiParameter("categoryid", int, description="Used when above 0."),
    OpenApiParameter("isClosed", bool, description="Absent: open and closed tasks."),
    OpenApiParameter("fromDate", str, description="Deadline at or after (ApiDateTime)."),
    OpenApiParameter("toDate", str, description="Deadline at or before (ApiDateTime)."),
    OpenApiParameter(
        "entityType",
        str,
        enum=["contact", "opportunity", "case"],
        description="With entityid; a company's tasks include its people's.",
    ),
    OpenApiParameter("entityid", int, description="Ignored when 0."),
    OpenApiParameter("filterValue", str, description="Words to find in title and description."),
    OpenApiParameter(
        "sortBy",
        str,
        enum=["title", "category", "deadLine", "contact", "contactManager", "id"],
        description="Default deadLine; open tasks always come first.",
    ),
    OpenApiParameter("sortOrder", str, enum=["ascending", "descending"]),
    OpenApiParameter("startIndex", int),
    OpenApiParameter("count", int, description="At most 1000."),
]
