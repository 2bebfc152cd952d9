"""The CRM's pages are closed to guests (ONLYOFFICE hides the CRM product from visitors)."""

from django.shortcuts import render

from accounts.selectors import user_has_crm_access

# The apps whose pages make up the CRM: the board, opportunities, contacts, tasks, the forecast
# and the reports.
CRM_PAGE_APPS = frozenset({"opportunities", "contacts", "core", "activities", "insights"})


def open_to_guests(view):
    """Mark a page of a CRM app that guests may open too (a profile, which hides its deals)."""
    view.open_to_guests = True
    return view


class CrmPageAccessMiddleware:
    """A signed-in guest asking for a CRM page gets the "no CRM access" page (403) instead.
    API views are left to `accounts.api.product_access.ProductAccess`, which answers in the
    error envelope and knows token and Basic callers too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if not (user and user.is_authenticated) or user_has_crm_access(user):
            return None
        if hasattr(view_func, "cls") or getattr(view_func, "open_to_guests", False):
            return None  # a DRF view, or a page that hides its CRM data from guests
        if view_func.__module__.partition(".")[0] not in CRM_PAGE_APPS:
            return None
        return render(request, "accounts/no_crm_access.html", status=403)
