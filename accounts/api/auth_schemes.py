"""The OpenAPI security schemes of the authenticators in accounts/api/authentication.py,
registered with drf-spectacular when the app is ready (accounts/apps.py)."""

from drf_spectacular.authentication import BasicScheme, SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "The token from POST /api/2.0/authentication, sent as `Authorization: <token>` "
                "or `Authorization: Bearer <token>`."
            ),
        }


class PipelineBasicScheme(BasicScheme):
    target_class = "accounts.api.authentication.BasicAuthentication"
    name = "basicAuth"


class PipelineSessionScheme(SessionScheme):
    target_class = "accounts.api.authentication.SessionAuthentication"
    name = "cookieAuth"
