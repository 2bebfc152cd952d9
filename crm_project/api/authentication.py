"""API tokens, as ONLYOFFICE clients use them.

`POST /api/2.0/authentication` returns a signed token. It is stateless (Django's signing with
the SECRET_KEY), expires after API_TOKEN_TTL_DAYS, and stops working when the user's password
changes or the user is deactivated. Clients send it as `Authorization: <token>` or
`Authorization: Bearer <token>`; the browser uses its session."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from rest_framework import authentication, exceptions

TOKEN_SALT = "pipeline.api.token"


def _password_fingerprint(user) -> str:
    return salted_hmac(TOKEN_SALT, user.password, algorithm="sha256").hexdigest()[:20]


def token_issue(user) -> tuple[str, "timezone.datetime"]:
    token = signing.dumps(
        {"u": str(user.uuid), "p": _password_fingerprint(user)}, salt=TOKEN_SALT, compress=True
    )
    expires = timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS)
    return token, expires


def token_user(token: str):
    """The active user the token belongs to, or None when it is invalid or expired."""
    try:
        payload = signing.loads(
            token, salt=TOKEN_SALT, max_age=timedelta(days=settings.API_TOKEN_TTL_DAYS)
        )
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    user = get_user_model().objects.filter(uuid=payload.get("u"), is_active=True).first()
    if user is None or not constant_time_compare(payload.get("p", ""), _password_fingerprint(user)):
        return None
    return user


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: <token>` or `Authorization: Bearer <token>`; `Basic` is left to the next
    authenticator."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").strip()
        if not header:
            return None
        scheme, _, rest = header.partition(" ")
        if scheme.lower() == "basic":
            return None
        token = rest.strip() if scheme.lower() == "bearer" else header
        if not token:
            raise exceptions.AuthenticationFailed("The Authorization header holds no token.")
        user = token_user(token)
        if user is None:
            raise exceptions.AuthenticationFailed("The API token is invalid or has expired.")
        return user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BasicAuthentication(authentication.BasicAuthentication):
    """ONLYOFFICE also takes `Basic base64(user:password)`."""

    www_authenticate_realm = "api"


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, with DRF's CSRF check on unsafe methods."""
