"""GET /api/2.0/crm/settings/currency, settings/currency/{abbreviation}, settings/currency/rates."""

from decimal import Decimal

import pytest

from core.api.views import CurrencyRateSerializer
from core.models import Currency
from crm_project.api.schema import CurrencyInfoSerializer
from tests.factories import ExchangeRateFactory

CURRENCIES = "/api/2.0/crm/settings/currency"


def test_currencies_listed_base_first_when_signed_in(user_client, base_currency):
    response = user_client.get(CURRENCIES)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Currency.objects.count()
    first = body["response"][0]
    assert set(first) == set(CurrencyInfoSerializer().fields)
    assert first["abbreviation"] == base_currency.pk
    assert first["isBasic"] is True
    rest = [c["abbreviation"] for c in body["response"][1:]]
    assert rest == sorted(rest)
    assert all(c["isBasic"] is False for c in body["response"][1:])


def test_currency_list_costs_constant_queries_when_signed_in(
    user_client, db, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):  # the token's user, the currencies
        user_client.get(CURRENCIES)


def test_currency_returned_when_code_is_known_in_any_case(user_client, eur):
    response = user_client.get(f"{CURRENCIES}/eur.json")

    assert response.status_code == 200
    assert response.json()["response"] == {
        "title": eur.title,
        "symbol": eur.symbol,
        "abbreviation": "EUR",
        "cultureName": eur.culture_name,
        "isConvertable": eur.is_convertible,
        "isBasic": False,
    }


def test_currency_not_found_when_code_is_unknown(user_client, db):
    response = user_client.get(f"{CURRENCIES}/XYZ")

    assert response.status_code == 404
    assert response.json()["status"] == 1


def test_rates_listed_when_some_are_stored(user_client, eur, base_currency):
    rate = ExchangeRateFactory(from_currency=eur, to_currency=base_currency, rate=Decimal("1.1"))

    response = user_client.get(f"{CURRENCIES}/rates")

    assert response.status_code == 200
    assert response.json()["response"] == [
        {"id": rate.pk, "fromCurrency": "EUR", "toCurrency": base_currency.pk, "rate": 1.1}
    ]
    assert set(response.json()["response"][0]) == set(CurrencyRateSerializer().fields)


def test_rates_empty_when_none_are_stored(user_client, db):
    body = user_client.get(f"{CURRENCIES}/rates").json()

    assert body["response"] == []
    assert "count" not in body


@pytest.mark.parametrize("path", ["", "/EUR", "/rates"])
def test_currency_routes_refused_with_401_when_not_signed_in(api_client, db, path):
    assert api_client.get(CURRENCIES + path).status_code == 401
