"""Documentation-only serializers: they describe the contact wire shapes (contacts/api/rendering.py)
and the request parameters in the OpenAPI schema, and are never used to parse or render."""

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from contacts.models import ShareType
from crm_project.api.schema import (
    CurrencyInfoSerializer,
    CustomFieldBaseSerializer,
    EmployeeSerializer,
)

SHARE_TYPE_HELP = "0 None, 1 ReadWrite, 2 Read"


class ContactBaseSerializer(serializers.Serializer):
    """ONLYOFFICE's ContactBase (rendering.contact_base_shape)."""

    smallFotoUrl = serializers.URLField()
    mediumFotoUrl = serializers.URLField()
    displayName = serializers.CharField()
    isCompany = serializers.BooleanField()
    accessList = EmployeeSerializer(many=True, help_text="`[]` for a public contact.")
    isPrivate = serializers.BooleanField()
    isShared = serializers.BooleanField()
    shareType = serializers.ChoiceField(choices=ShareType.choices, help_text=SHARE_TYPE_HELP)
    currency = CurrencyInfoSerializer(allow_null=True)
    canEdit = serializers.BooleanField()
    canDelete = serializers.BooleanField()
    id = serializers.IntegerField()


class ContactInfoSerializer(serializers.Serializer):
    """ONLYOFFICE's ContactInfo: an e-mail address (infoType 1) or a phone number (0)."""

    id = serializers.IntegerField(help_text="contact id × 100 + infoType")
    infoType = serializers.IntegerField(help_text="0 Phone, 1 Email")
    category = serializers.IntegerField(help_text="1 Work for e-mail, 0 Work for phone")
    data = serializers.CharField()
    isPrimary = serializers.BooleanField()


class ContactSerializer(ContactBaseSerializer):
    """The part of ContactWrapper common to people and companies."""

    addresses = serializers.ListField(
        child=serializers.DictField(), help_text="Always `[]`: Pipeline stores no addresses."
    )
    createBy = EmployeeSerializer()
    created = serializers.CharField(help_text="ApiDateTime")
    about = serializers.CharField(allow_blank=True)
    industry = serializers.CharField(allow_blank=True)
    contactStatus = serializers.DictField(allow_null=True, help_text="Always null.")
    contactType = serializers.DictField(allow_null=True, help_text="Always null.")
    commonData = ContactInfoSerializer(many=True)
    customFields = CustomFieldBaseSerializer(many=True)
    tags = serializers.ListField(child=serializers.CharField())
    taskCount = serializers.IntegerField(help_text="Always 0: Pipeline has no tasks.")
    haveLateTasks = serializers.BooleanField(help_text="Always false.")


class PersonSerializer(ContactSerializer):
    """ONLYOFFICE's PersonWrapper."""

    firstName = serializers.CharField(allow_blank=True)
    lastName = serializers.CharField(allow_blank=True)
    company = ContactBaseSerializer(allow_null=True, help_text="null when none or not visible.")
    title = serializers.CharField(allow_blank=True, help_text="The job title.")


class CompanySerializer(ContactSerializer):
    """ONLYOFFICE's CompanyWrapper."""

    companyName = serializers.CharField()
    persons = ContactBaseSerializer(
        many=True,
        allow_null=True,
        help_text="The company's people the caller may read, on single-contact responses; "
        "null in lists.",
    )
    personsCount = serializers.IntegerField()


class KeyValueSerializer(serializers.Serializer):
    key = serializers.IntegerField(help_text="Custom field id.")
    value = serializers.CharField(allow_blank=True, help_text="Empty clears the value.")


class _ContactWriteSerializer(serializers.Serializer):
    about = serializers.CharField(required=False, allow_blank=True)
    industry = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    currency = serializers.CharField(
        required=False, allow_blank=True, help_text="ISO 4217 code; empty clears it."
    )
    shareType = serializers.ChoiceField(
        choices=ShareType.choices, required=False, help_text=f"By name or number: {SHARE_TYPE_HELP}"
    )
    isShared = serializers.BooleanField(
        required=False, help_text="Alias: true means shareType ReadWrite, false None."
    )
    isPrivate = serializers.BooleanField(
        required=False,
        help_text="Private contacts are visible to admins, their creator and the access list; "
        "the caller is always on the list. Applied only for admins and the creator on update.",
    )
    accessList = serializers.ListField(
        child=serializers.UUIDField(), required=False, help_text="Employee GUIDs."
    )
    managerList = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        help_text="ONLYOFFICE's name: a non-empty list makes the contact private with it.",
    )
    isNotify = serializers.BooleanField(
        required=False, help_text="E-mail the users added to the access list."
    )
    tags = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Replaces the tags."
    )
    customFieldList = KeyValueSerializer(many=True, required=False)


class PersonWriteSerializer(_ContactWriteSerializer):
    """POST contact/person and PUT contact/person/{personid}: on update only the parameters
    sent change (decision 1)."""

    firstName = serializers.CharField(required=False, allow_blank=True)
    lastName = serializers.CharField(required=False, allow_blank=True)
    jobTitle = serializers.CharField(required=False, allow_blank=True)
    companyId = serializers.IntegerField(required=False, help_text="0 or null: no company.")


class CompanyWriteSerializer(_ContactWriteSerializer):
    """POST contact/company and PUT contact/company/{companyid}: on update only the parameters
    sent change (decision 1)."""

    companyName = serializers.CharField(required=False)
    personList = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Create only: ids of people to move into the company (others skipped).",
    )


class ContactAccessSerializer(serializers.Serializer):
    """PUT contact/{contactid}/access."""

    isPrivate = serializers.BooleanField()
    accessList = serializers.ListField(child=serializers.UUIDField(), required=False)
    managerList = serializers.ListField(
        child=serializers.UUIDField(), required=False, help_text="Alias of accessList."
    )
    isNotify = serializers.BooleanField(required=False)


def contact_wrapper_doc(*, many: bool = False) -> PolymorphicProxySerializer:
    """A Person or Company ContactWrapper."""
    return PolymorphicProxySerializer(
        component_name="ContactWrapper",
        serializers=[PersonSerializer, CompanySerializer],
        resource_type_field_name=None,
        many=many,
    )
