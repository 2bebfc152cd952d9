"""The forecast: /forecast/ (its downloads: ?format=csv or ?format=xlsx with the same filters)."""

from django.urls import path

from insights import forecast_views

urlpatterns = [
    path("forecast/", forecast_views.forecast_page, name="forecast"),
]
