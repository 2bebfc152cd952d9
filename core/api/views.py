"""CRM settings a client reads: the currencies and the exchange rates between them."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from core.models import Currency, ExchangeRate
from core.selectors import currency_get
from crm_project.api.render_context import RenderContext
from crm_project.api.schema import CurrencyInfoSerializer
from crm_project.api.views import OnlyOfficeAPIView


class CurrencyRateSerializer(serializers.Serializer):
    """Documentation only: ONLYOFFICE's CurrencyRateWrapper."""

    id = serializers.IntegerField()
    fromCurrency = serializers.CharField(help_text="ISO 4217 code.")
    toCurrency = serializers.CharField(help_text="ISO 4217 code.")
    rate = serializers.DecimalField(
        max_digits=20,
        decimal_places=8,
        coerce_to_string=False,
        help_text="Units of `toCurrency` one unit of `fromCurrency` is worth.",
    )


def currency_rate_shape(rate: ExchangeRate) -> dict:
    return {
        "id": rate.pk,
        "fromCurrency": rate.from_currency_id,
        "toCurrency": rate.to_currency_id,
        "rate": rate.rate,
    }


class CurrencyListView(OnlyOfficeAPIView):
    @extend_schema(
        operation_id="crm_settings_currency_list",
        summary="Every currency",
        description="All currencies, the base currency first, then by ISO code.",
        responses=CurrencyInfoSerializer(many=True),
        tags=["settings"],
    )
    def get(self, request, *args, **kwargs):
        ctx = RenderContext(request)
        currencies = Currency.objects.order_by("-is_basic", "abbreviation")
        return Response([ctx.currency(currency) for currency in currencies])


class CurrencyView(OnlyOfficeAPIView):
    @extend_schema(
        operation_id="crm_settings_currency_get",
        summary="One currency by ISO code",
        description="The code in any case; an unknown code: 404.",
        parameters=[OpenApiParameter("abbreviation", str, OpenApiParameter.PATH)],
        responses=CurrencyInfoSerializer,
        tags=["settings"],
    )
    def get(self, request, abbreviation, *args, **kwargs):
        currency = currency_get(abbreviation=abbreviation)
        return Response(RenderContext(request).currency(currency))


class CurrencyRateListView(OnlyOfficeAPIView):
    @extend_schema(
        operation_id="crm_settings_currency_rates_list",
        summary="The stored exchange rates",
        responses=CurrencyRateSerializer(many=True),
        tags=["settings"],
    )
    def get(self, request, *args, **kwargs):
        rates = ExchangeRate.objects.order_by("from_currency_id", "to_currency_id")
        return Response([currency_rate_shape(rate) for rate in rates])
