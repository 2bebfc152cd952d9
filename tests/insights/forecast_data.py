"""A hand-computed data set for the forecast (tests/insights/test_forecast_figures.py).

Base USD; EUR at 1.10 USD (a rate to the base); NOK at 0.10 USD (the inverse of a rate from the
base, 1 USD = 10 NOK); GBP without a rate. Qualified prospect 50 %, Proposal 75 %. Times are
placed around the month boundaries of the current time zone (Pacific/Auckland in the tests:
a month that starts there started the day before in UTC)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.models import Currency, ExchangeRate
from insights.forecast_selectors import month_start
from opportunities.models import BidType, StageChange, overdue_cutoff
from tests.factories import ExchangeRateFactory, OpportunityFactory, default_stage


def build(user, other_user):
    now = timezone.now()
    today = timezone.localdate(now)
    m = lambda offset: month_start(today, offset)  # noqa: E731
    usd, eur = Currency.objects.get(pk="USD"), Currency.objects.get(pk="EUR")
    nok, gbp = Currency.objects.get(pk="NOK"), Currency.objects.get(pk="GBP")
    ExchangeRateFactory(from_currency=eur, to_currency=usd, rate=Decimal("1.10"))
    ExchangeRate.objects.create(from_currency=usd, to_currency=nok, rate=Decimal("10"))
    qualified, proposal = default_stage("Qualified prospect"), default_stage("Proposal")
    won, lost = default_stage("Closure/Transaction"), default_stage("Unsuccessfully closed")
    cutoff = overdue_cutoff(now)

    def deal(title, amount, currency=usd, stage=qualified, close=None, by=user, **extra):
        return OpportunityFactory(
            title=title,
            bid_value=Decimal(amount),
            bid_currency=currency,
            stage=stage,
            expected_close_date=close,
            created_by=by,
            **extra,
        )

    # -- open, this month (bucket 0): from today to the month's last evening
    deal("A", "1000", close=cutoff + timedelta(minutes=1))
    deal("B", "2000", eur, proposal, close=m(1) - timedelta(minutes=30), by=other_user)
    # -- next month (bucket 1): half an hour into it, local time (the day before in UTC)
    deal("C", "10000", nok, close=m(1) + timedelta(minutes=30))
    deal(
        "H",
        "100",
        stage=proposal,
        close=m(1) + timedelta(days=3),
        bid_type=BidType.PER_MONTH,
        per_period_value=12,
    )
    # -- in two months, a currency without a rate: counted, not summed
    deal("F", "100", gbp, close=m(2) + timedelta(days=1))
    # -- in seven months: "later" with 6 months shown, its own month with 12
    deal("G", "4000", close=m(7) + timedelta(days=2))
    # -- overdue: before today
    deal("D", "500", stage=proposal, close=cutoff - timedelta(minutes=1))
    deal("N", "700", close=m(-1) + timedelta(days=15), created_at=m(-1) + timedelta(days=1))
    # -- no date
    deal("E", "300")
    # -- never counted for `user`: another's private deal, closed deals, a trashed one
    deal(
        "Hidden",
        "99999",
        close=cutoff + timedelta(hours=2),
        by=other_user,
        access_list=[other_user],
    )
    deal("Won now", "5000", stage=won, close=cutoff + timedelta(hours=3), actual_close_date=now)
    deal("Lost now", "6000", stage=lost, close=cutoff + timedelta(hours=3), actual_close_date=now)
    deal("Trashed", "7000", close=cutoff + timedelta(hours=3), deleted_at=now)

    # -- the months that have passed
    def history(opportunity, *moves):
        for at, stage in moves:
            StageChange.objects.create(opportunity=opportunity, to_stage=stage, changed_at=at)

    w1 = deal(
        "W1",
        "3000",
        stage=won,
        close=m(-1) + timedelta(days=5),
        actual_close_date=m(-1) + timedelta(days=3),
        created_at=m(-2),
    )
    history(w1, (m(-2), qualified), (m(-1) + timedelta(days=3), won))
    w2 = deal(
        "W2",
        "1000",
        eur,
        won,
        close=m(-2) + timedelta(days=10),
        actual_close_date=m(-1) + timedelta(days=1),
        created_at=m(-3),
    )
    history(w2, (m(-3), proposal), (m(-1) + timedelta(days=1), won))
    l1 = deal(
        "L1",
        "2000",
        stage=lost,
        close=m(-1) + timedelta(days=20),
        actual_close_date=m(-1) + timedelta(days=10),
        created_at=m(-3),
    )
    history(l1, (m(-3), proposal), (m(-1) + timedelta(days=10), lost))
    hidden_won = deal(
        "Hidden won",
        "50000",
        stage=won,
        close=m(-1) + timedelta(days=5),
        actual_close_date=m(-1) + timedelta(days=3),
        created_at=m(-2),
        by=other_user,
        access_list=[other_user],
    )
    history(hidden_won, (m(-2), qualified))
    return now
