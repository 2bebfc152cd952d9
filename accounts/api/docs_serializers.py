"""Documentation-only serializers: the people wire shape (accounts/api/rendering.py) and the
add-user parameters in the OpenAPI schema; never used to parse or render."""

from rest_framework import serializers

from crm_project.api.schema import EmployeeSerializer


class EmployeeFullSerializer(EmployeeSerializer):
    """Documentation only: the payload `person_shape` builds."""

    userName = serializers.CharField()
    isVisitor = serializers.BooleanField(
        help_text="A guest: it signs in and reads people, and has no access to the CRM."
    )
    firstName = serializers.CharField(allow_blank=True)
    lastName = serializers.CharField(allow_blank=True)
    email = serializers.EmailField(
        allow_blank=True,
        allow_null=True,
        help_text="null for a guest caller, except on its own profile.",
    )
    status = serializers.IntegerField(help_text="1 Active, 2 Terminated (deactivated).")
    activationStatus = serializers.IntegerField(
        help_text="1 Activated (can sign in), 2 Pending (made without a password)."
    )
    terminated = serializers.CharField(
        allow_null=True, help_text="When a deactivated user was deactivated; null otherwise."
    )
    department = serializers.CharField(allow_blank=True, help_text='Always "" (no groups).')
    groups = serializers.ListField(child=serializers.DictField(), help_text="Always [].")
    workFrom = serializers.CharField(help_text="When the account was made.")
    birthday = serializers.CharField(allow_null=True, help_text="Always null.")
    sex = serializers.CharField(allow_blank=True, help_text='Always "".')
    location = serializers.CharField(allow_blank=True)
    notes = serializers.CharField(allow_blank=True)
    contacts = serializers.ListField(child=serializers.DictField(), help_text="Always [].")
    mobilePhone = serializers.CharField(allow_blank=True)
    mobilePhoneActivationStatus = serializers.IntegerField()
    cultureName = serializers.CharField(allow_blank=True, help_text='"": the site language.')
    avatarMedium = serializers.CharField()
    avatar = serializers.CharField()
    avatarMax = serializers.CharField()
    isAdmin = serializers.BooleanField(help_text="A portal or CRM administrator.")
    listAdminModules = serializers.ListField(
        child=serializers.CharField(), help_text='["crm"] for administrators, else [].'
    )
    isOwner = serializers.BooleanField(help_text="Always false.")
    isLDAP = serializers.BooleanField(help_text="Always false.")
    isSSO = serializers.BooleanField(help_text="Always false.")


class EmployeeCreateSerializer(serializers.Serializer):
    """Documentation only: the parameters of POST people (JSON or form; names in any case)."""

    email = serializers.EmailField(
        help_text="Required and unique; the user name is derived from it."
    )
    firstname = serializers.CharField(required=False, allow_blank=True)
    lastname = serializers.CharField(required=False, allow_blank=True)
    title = serializers.CharField(required=False, allow_blank=True, help_text="The job title.")
    jobTitle = serializers.CharField(
        required=False, allow_blank=True, help_text="Alias of `title`."
    )
    password = serializers.CharField(
        required=False,
        help_text=(
            "Optional. Without it the account cannot sign in until the person sets a password "
            "through the password reset page, or an administrator sets one."
        ),
    )
    isVisitor = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "`true` makes a guest: it signs in and reads people, can be made responsible for "
            "opportunities, and has no access to the CRM (every `crm/*` call is a 403)."
        ),
    )
