"""API tokens, as ONLYOFFICE clients use them.

`POST /api/2.0/authentication` returns a signed token. It is stateless (Django's signing with
the SECRET_KEY), expires after API_TOKEN_TTL_DAYS, and stops working when the user's password
changes or the user is deactivated, for good: deactivating bumps the user's `token_epoch`, which
the token carries, so activating the account again does not bring old tokens back. Clients send
it as `Authorization: <token>` or `Authorization: Bearer <token>`; the browser uses its session.

Passwords (the token route, `Authorization: Basic`) go through `authenticate_password`, under
the sign-in limits of accounts/sign_in_limits.py: a locked client gets a 429 envelope with
Retry-After, the right password included."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from rest_framework import authentication, exceptions

from accounts.sign_in_limits import is_locked_out, locked_message, lockout_seconds

TOKEN_SALT = "pipeline.api.token"


def _password_fingerprint(user) -> str:
    return salted_hmac(TOKEN_SALT, user.password, algorithm="sha256").hexdigest()[:20]


def token_issue(user) -> tuple[str, "timezone.datetime"]:
    token = signing.dumps(
        {"u": str(user.uuid), "p": _password_fingerprint(user), "e": user.token_epoch},
        salt=TOKEN_SALT,
        compress=True,
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
    if payload.get("e", 0) != user.token_epoch:  # issued before a deactivation
        return None
    return user


class SignInLocked(exceptions.APIException):
    """Too many failed sign-ins for this account from this address, or from this address: 429
    in the error envelope, with Retry-After."""

    status_code = 429
    default_code = "sign_in_locked"

    def __init__(self, request):
        self.wait = lockout_seconds(request)
        super().__init__(locked_message(request))


def authenticate_password(request, *, username: str, password: str):
    """Django's authenticate() under the sign-in limits: the active user, or None when the
    credentials are wrong. Raises SignInLocked when the client is locked out, whatever the
    password."""
    user = authenticate(request, username=username, password=password)
    if is_locked_out(request):
        raise SignInLocked(request)
    if user is None or not user.is_active:
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
    """ONLYOFFICE also takes `Basic base64(user:password)`, on every route: the same sign-in
    limits as the token route."""

    www_authenticate_realm = "api"

    def authenticate_credentials(self, userid, password, request=None):
        user = authenticate_password(request, username=userid, password=password)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid username/password.")
        return user, None


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, with DRF's CSRF check on unsafe methods."""
