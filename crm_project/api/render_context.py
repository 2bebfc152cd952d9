"""What one response renders with: the caller, absolute URLs, and the nested wire shapes shared
by every resource (Employee, CurrencyInfo), each built once per response. Every key is always
present (decision 3)."""

from django.utils.functional import LazyObject, empty

from core.models import Currency

# ONLYOFFICE's Constants.LostUser: what a deleted or unknown user is shown as.
LOST_USER_ID = "4a515a15-d4d6-4b8e-828e-e0586f18f3a3"


class RenderContext:
    """The caller, the base URL, and memo caches so a shared user or currency is shaped once
    per response."""

    def __init__(self, request):
        self.request = request
        self.user = unwrapped_user(request.user)
        self.base_url = request.build_absolute_uri("/").rstrip("/")
        self._employees: dict[int | None, dict] = {}
        self._currencies: dict[str, dict] = {}

    def employee(self, user) -> dict:
        """`user`: an accounts User, or None for a lost user."""
        key = user.pk if user is not None else None
        cached = self._employees.get(key)
        if cached is None:
            cached = self._employees[key] = employee_shape(user, self.base_url)
        return cached

    def currency(self, currency: Currency | None) -> dict | None:
        if currency is None:
            return None
        cached = self._currencies.get(currency.pk)
        if cached is None:
            cached = self._currencies[currency.pk] = currency_shape(currency)
        return cached


def unwrapped_user(user):
    """The user behind Django's lazy `request.user`: the access rules read it for every row, and
    each attribute read through the proxy costs a call."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def employee_shape(user, base_url: str) -> dict:
    """ONLYOFFICE's Employee of an accounts User (None: the lost user)."""
    if user is None:
        return {
            "id": LOST_USER_ID,
            "displayName": "Unknown user",
            "title": "",
            "avatarSmall": f"{base_url}/static/img/avatar.svg",
            "profileUrl": "",
        }
    return {
        "id": str(user.uuid),
        "displayName": user.get_display_name(),
        "title": user.job_title,
        "avatarSmall": f"{base_url}/static/img/avatar.svg",
        "profileUrl": f"{base_url}/accounts/people/{user.uuid}/",
    }


def currency_shape(currency: Currency) -> dict:
    return {
        "title": currency.title,
        "symbol": currency.symbol,
        "abbreviation": currency.abbreviation,
        "cultureName": currency.culture_name,
        "isConvertable": currency.is_convertible,
        "isBasic": currency.is_basic,
    }
