from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.api.authentication import authenticate_password, token_issue
from core.errors import InvalidInput
from crm_project.api.dates import format_datetime
from crm_project.api.exceptions import HRESULT_HTTP, error_response
from crm_project.api.views import OnlyOfficeAPIView


class AuthenticationSerializer(serializers.Serializer):
    """Documentation only: the sign-in parameters (JSON or form; names in any case)."""

    userName = serializers.CharField(help_text="The user name or the e-mail address.")
    password = serializers.CharField()


class AuthenticationTokenSerializer(serializers.Serializer):
    """Documentation only: what a successful sign-in returns."""

    token = serializers.CharField(
        help_text="Send as `Authorization: <token>` or `Authorization: Bearer <token>`."
    )
    expires = serializers.CharField(help_text="When the token stops working (ApiDateTime).")


class AuthenticationView(OnlyOfficeAPIView):
    """POST /api/2.0/authentication: `userName` (user name or e-mail) and `password` give
    `{token, expires}`. A failed login is a 401 envelope, not ONLYOFFICE's 500."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="authentication_create",
        summary="Get an API token",
        description=(
            "`userName` (user name or e-mail address) and `password` give a token valid for "
            "API_TOKEN_TTL_DAYS days; it stops working when the password changes or the user "
            "is deactivated. Missing parameter: 400. Wrong credentials: 401 (ONLYOFFICE "
            "answers 500). Too many failed sign-ins for the account from the client's address, "
            "or from the address: 429 with Retry-After, even with the right password."
        ),
        request=AuthenticationSerializer,
        responses={
            201: AuthenticationTokenSerializer,
            401: OpenApiResponse(description="The user name or password is wrong."),
            429: OpenApiResponse(description="Too many failed sign-ins; see Retry-After."),
        },
        tags=["authentication"],
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        params = self.params()
        user_name = (params.string("userName") or "").strip()
        password = params.string("password") or ""
        if not user_name:
            raise InvalidInput("userName is required.", field="userName")
        if not password:
            raise InvalidInput("password is required.", field="password")
        user = authenticate_password(
            request, username=self._username_for(user_name), password=password
        )
        if user is None:
            return error_response(
                401,
                "User authentication failed",
                hresult=HRESULT_HTTP,
                headers={"WWW-Authenticate": 'Bearer realm="api"'},
            )
        token, expires = token_issue(user)
        return Response({"token": token, "expires": format_datetime(expires)})

    @staticmethod
    def _username_for(user_name: str) -> str:
        """Sign-in by user name or, failing that, by a unique e-mail address."""
        users = get_user_model().objects
        if users.filter(username=user_name).exists():
            return user_name
        matches = list(users.filter(email__iexact=user_name).values_list("username", flat=True)[:2])
        return matches[0] if len(matches) == 1 else user_name
