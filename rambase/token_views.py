"""`POST /oauth2/access_token` (contract §7): the password grant, form-encoded (JSON also
read), gives the product's own API token, the one `POST /api/2.0/authentication` issues, valid
on both APIs, under the product's sign-in limits (a locked client is a 429)."""

import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import JsonResponse
from rest_framework.permissions import AllowAny

from accounts.api.authentication import authenticate_password, token_issue
from rambase.body import _raw_body
from rambase.views_base import RamBaseView


def _oauth_error(error: str, description: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {
            "error": error,
            "error_description": description,
            "error_code": 1,
            "message": description,
            "otp_required": False,
        },
        status=status,
    )


def _username_for(name: str) -> str:
    """Sign-in by user name or, failing that, by a unique e-mail address."""
    users = get_user_model().objects
    if users.filter(username=name).exists():
        return name
    matches = list(users.filter(email__iexact=name).values_list("username", flat=True)[:2])
    return matches[0] if len(matches) == 1 else name


def _form(request) -> dict[str, str]:
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            data = json.loads(_raw_body(request).decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError):
            return {}
        return {str(k).lower(): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    form = request._request.POST  # Django's own form parsing (it may have run already)
    return {name.lower(): values[0] for name, values in form.lists() if values}


class AccessTokenView(RamBaseView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        super(RamBaseView, self).initial(request, *args, **kwargs)
        self.format = "json"

    def post(self, request):
        fields = _form(request)
        grant = fields.get("grant_type", "").strip()
        if not grant:
            return _oauth_error("invalid_request", "grant_type is required.")
        if grant != "password":
            return _oauth_error(
                "unsupported_grant_type", f"The grant type '{grant[:40]}' is not supported."
            )
        username = fields.get("username", "").strip()
        password = fields.get("password", "")
        if not username or not password:
            return _oauth_error("invalid_request", "username and password are required.")
        if "\x00" in username or "\x00" in password:
            return _oauth_error("invalid_request", "The credentials hold a NUL character.")
        user = authenticate_password(request, username=_username_for(username), password=password)
        if user is None:
            return _oauth_error("invalid_grant", "The user name or password is wrong.")
        token, _ = token_issue(user)
        return JsonResponse(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": settings.API_TOKEN_TTL_DAYS * 86400,
                "is_target_test_system": False,
            }
        )
