"""Who may call the admin-only list routes (stages, custom field definitions, tag clean-up).

Declared on each view next to the methods it guards, so a non-admin gets 403 before any lookup,
as ONLYOFFICE checks `CRMSecurity.IsAdmin` first. The services check again (defence in depth)."""

from rest_framework.permissions import BasePermission


class IsCrmAdminFor(BasePermission):
    """Allows the methods in `view.admin_methods` to CRM admins only; other methods pass."""

    message = "Access Denied"

    def has_permission(self, request, view) -> bool:
        if request.method not in getattr(view, "admin_methods", ()):
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_crm_admin)
