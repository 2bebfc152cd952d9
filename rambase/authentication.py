"""Calling the RamBase routes (contract §7): the product's API token as
`Authorization: Bearer <token>` (a bare token works too) or `$access_token`; the header wins.
No Basic, no session (so no CSRF). A missing or bad token is a 401 (exception_handler.py)."""

from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from accounts.api.authentication import token_user
from accounts.selectors import user_has_crm_access
from rambase.formats import query_parameters


class RamBaseTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").strip()
        if header:
            scheme, _, rest = header.partition(" ")
            token = rest.strip() if scheme.lower() == "bearer" else header
        else:
            token = (query_parameters(request).get("$access_token") or "").strip()
        if not token:
            return None
        user = token_user(token)
        if user is None:
            raise exceptions.AuthenticationFailed("The access token is invalid or has expired.")
        return user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class HasCrmAccess(BasePermission):
    """Guests (ONLYOFFICE's visitors) have no CRM: every RamBase route but the employees and
    the error messages refuses them with 403."""

    message = "Guests have no access to the CRM."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) and (
            getattr(view, "open_to_guests", False) or user_has_crm_access(request.user)
        )
