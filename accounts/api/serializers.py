"""The people wire shape (ONLYOFFICE's EmployeeWraperFull, the part a CRM client reads) and the
documentation serializers describing it and the add-user parameters."""

from rest_framework import serializers

from accounts.models import User
from crm_project.api.schema import EmployeeSerializer
from crm_project.api.shapes import RenderContext


def person_shape(user: User, ctx: RenderContext) -> dict:
    """Employee plus `userName`, `email`, `firstName`, `lastName`, `isAdmin`, `isVisitor`."""
    return {
        **ctx.employee(user),
        "userName": user.username,
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "isAdmin": user.is_crm_admin,
        "isVisitor": False,
    }


class EmployeeFullSerializer(EmployeeSerializer):
    """Documentation only: the payload `person_shape` builds."""

    userName = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    firstName = serializers.CharField(allow_blank=True)
    lastName = serializers.CharField(allow_blank=True)
    isAdmin = serializers.BooleanField(help_text="A portal or CRM administrator.")
    isVisitor = serializers.BooleanField(help_text="Always false: guests are not supported.")


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
        required=False, default=False, help_text="Only `false` is accepted (no guest accounts)."
    )
