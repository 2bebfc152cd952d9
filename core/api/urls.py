"""/api/2.0/crm/settings/currency…: the literal `rates` before the currency code."""

from core.api.views import CurrencyListView, CurrencyRateListView, CurrencyView
from crm_project.api.routing import route

urlpatterns = [
    route("settings/currency", CurrencyListView.as_view(), name="api-currency-list"),
    route("settings/currency/rates", CurrencyRateListView.as_view(), name="api-currency-rates"),
    route("settings/currency/<str:abbreviation>", CurrencyView.as_view(), name="api-currency"),
]
