"""The opportunities table as a new user finds it (issue 13, point 6): open deals first by
expected close date, an open/closed/stage filter kept in the URL, and amounts sorted and shown
in the base currency."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from opportunities.models import BidType, StageType
from tests.factories import (
    ExchangeRateFactory,
    OpportunityFactory,
    StageFactory,
    TagFactory,
    currency,
)

pytestmark = pytest.mark.django_db


def titles(html: str) -> list[str]:
    return re.findall(r'class="strong">([^<]+)</a>', html)


def day(n: int):
    return timezone.now() + timedelta(days=n)


@pytest.fixture
def won():
    return StageFactory(
        title="Won it", stage_type=StageType.CLOSED_AND_WON, success_probability=100
    )


@pytest.fixture
def lost():
    return StageFactory(title="Lost it", stage_type=StageType.CLOSED_AND_LOST)


def test_default_order_is_open_deals_by_close_date_then_closed(signed_in, user, won, lost):
    OpportunityFactory(
        created_by=user, title="Won last quarter", stage=won, expected_close_date=day(-80)
    )
    OpportunityFactory(created_by=user, title="Open no date")
    OpportunityFactory(created_by=user, title="Open later", expected_close_date=day(30))
    OpportunityFactory(created_by=user, title="Open soon", expected_close_date=day(3))
    OpportunityFactory(
        created_by=user, title="Lost last month", stage=lost, expected_close_date=day(-20)
    )
    html = signed_in.get("/opportunities/").content.decode()
    assert titles(html) == [
        "Open soon",
        "Open later",
        "Open no date",
        "Won last quarter",
        "Lost last month",
    ]


def test_state_and_stage_filters_are_kept_in_the_url(signed_in, user, won, lost):
    OpportunityFactory(created_by=user, title="Open one")
    OpportunityFactory(created_by=user, title="Won one", stage=won)
    OpportunityFactory(created_by=user, title="Lost one", stage=lost)
    assert titles(signed_in.get("/opportunities/?state=open").content.decode()) == ["Open one"]
    assert sorted(titles(signed_in.get("/opportunities/?state=closed").content.decode())) == [
        "Lost one",
        "Won one",
    ]
    assert titles(signed_in.get("/opportunities/?state=lost").content.decode()) == ["Lost one"]
    html = signed_in.get(f"/opportunities/?stage={won.pk}&sort=title").content.decode()
    assert titles(html) == ["Won one"]
    # the sort links keep the filter, the filter form shows it
    assert f"stage={won.pk}" in html and "sort=-title" in html
    assert f'<option value="{won.pk}" selected>' in html
    # a value that no longer fits is ignored
    assert (
        len(titles(signed_in.get("/opportunities/?state=nope&stage=999999").content.decode())) == 3
    )


def test_amount_sorts_and_shows_in_the_base_currency(signed_in, user):
    base = currency("USD")
    assert base.is_basic
    ExchangeRateFactory(from_currency=currency("EUR"), to_currency=base, rate=Decimal("1.10"))
    OpportunityFactory(created_by=user, title="Three thousand dollars", bid_value=Decimal(3000))
    OpportunityFactory(
        created_by=user,
        title="Five thousand euros",
        bid_value=Decimal(5000),
        bid_currency=currency("EUR"),
    )
    OpportunityFactory(created_by=user, title="Eight thousand dollars", bid_value=Decimal(8000))
    # per month for 2 months: a whole amount of 4000 dollars
    OpportunityFactory(
        created_by=user,
        title="Monthly two thousand",
        bid_value=Decimal(2000),
        bid_type=BidType.PER_MONTH,
        per_period_value=2,
    )
    OpportunityFactory(
        created_by=user, title="No rate", bid_value=Decimal(1), bid_currency=currency("JPY")
    )
    html = signed_in.get("/opportunities/?sort=value").content.decode()
    assert titles(html) == [
        "Three thousand dollars",
        "Monthly two thousand",
        "Five thousand euros",
        "Eight thousand dollars",
        "No rate",
    ]
    assert titles(signed_in.get("/opportunities/?sort=-value").content.decode())[:4] == [
        "Eight thousand dollars",
        "Five thousand euros",
        "Monthly two thousand",
        "Three thousand dollars",
    ]
    assert "In USD" in html
    assert '<td class="num base-amount">$5,500</td>' in html
    assert '<td class="num base-amount">$4,000</td>' in html
    assert "no rate" in html


def test_private_deals_are_not_listed_for_others(other_client, user, won):
    OpportunityFactory(created_by=user, title="Secret won", stage=won, access_list=[user])
    OpportunityFactory(created_by=user, title="Public won", stage=won)
    html = other_client.get("/opportunities/?state=won").content.decode()
    assert titles(html) == ["Public won"]
    assert "Every opportunity of this filter (1)" in html


@pytest.mark.parametrize("rows", [3, 25])
def test_query_count_does_not_grow_with_the_rows(
    signed_in, user, other_user, django_assert_num_queries, rows, won
):
    ExchangeRateFactory(from_currency=currency("EUR"), to_currency=currency("USD"))
    for n in range(rows):
        extra = {"stage": won} if n % 2 else {}
        OpportunityFactory(
            created_by=user,
            bid_currency=currency("EUR" if n % 3 else "USD"),
            tags=[TagFactory()],
            access_list=[user, other_user] if n % 4 == 0 else None,
            **extra,
        )
    signed_in.get("/opportunities/?sort=value")  # warm the session and caches
    with django_assert_num_queries(QUERIES):
        response = signed_in.get("/opportunities/?sort=value&state=&tag=")
    assert response.status_code == 200


QUERIES = 17
