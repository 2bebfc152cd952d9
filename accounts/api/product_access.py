"""ONLYOFFICE's ProductSecurityFilter: an API call belongs to the product its path names
(`/api/2.0/crm/…` is the CRM), and a user the product is not available to gets 403 on every
call to it. The CRM is not available to guests (`User.has_crm_access`); `people/*` and
`authentication` belong to no product and stay open to them."""

from rest_framework.permissions import BasePermission

from accounts.selectors import user_has_crm_access

CRM_PREFIX = "/api/2.0/crm/"
NO_CRM_ACCESS = "Access denied: guests have no access to the CRM."


def is_crm_call(request) -> bool:
    return request.path_info.startswith(CRM_PREFIX)


class ProductAccess(BasePermission):
    """Checked before the view's own permissions (a guest gets this 403, not an admin-only
    route's); an anonymous caller passes here and gets the 401 of `IsAuthenticated`."""

    message = NO_CRM_ACCESS

    def has_permission(self, request, view) -> bool:
        if not is_crm_call(request) or not request.user.is_authenticated:
            return True
        return user_has_crm_access(request.user)
