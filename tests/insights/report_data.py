"""The reports' hand-computed data set (docs/reports.md has the definitions).

Stages A, B (open), W (won), L (lost); the range is Jan 1 - Mar 31, 2026; EUR at 1.10 USD.
Each deal's history is set with chosen times (noon UTC):

    d1  USD 1000  created Jan 5   A Jan 5 -> B Jan 15 -> W Feb 4  (won, closed Feb 4)
    d2  EUR 2000  created Jan 10  A Jan 10 -> L Jan 20            (lost "Price too high")
    d3  USD 500   created Feb 1   A Feb 1 -> B Feb 11             (open)
    d4  USD 3000  created Dec 1   A Dec 1 -> W Mar 2              (won, skipped B)
    d6  USD 400   created Feb 14  A Feb 14 -> L Mar 1             (lost, no reason)
    d5  USD 9999  bob's private deal, A Jan 7 -> W Jan 17: never counts for alice
"""

from datetime import UTC, datetime
from decimal import Decimal

from core.models import Currency
from opportunities.models import LostReason, Stage, StageType
from tests.factories import (
    ExchangeRateFactory,
    OpportunityFactory,
    StageChangeFactory,
    StageFactory,
)


def at(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 12, 0, tzinfo=UTC)


RANGE = "date_from=2026-01-01&date_to=2026-03-31"


def build(*, user, other_user) -> dict:
    Stage.objects.all().delete()
    a = StageFactory(title="A", sort_order=0)
    b = StageFactory(title="B", sort_order=1)
    w = StageFactory(title="W", sort_order=2, stage_type=StageType.CLOSED_AND_WON)
    lost = StageFactory(title="L", sort_order=3, stage_type=StageType.CLOSED_AND_LOST)
    ExchangeRateFactory()  # EUR -> USD 1.10
    eur = Currency.objects.get(pk="EUR")
    price = LostReason.objects.get(title="Price too high")

    def deal(title, amount, created, path, *, owner=user, currency=None, reason=None, **extra):
        final = path[-1][0]
        opportunity = OpportunityFactory(
            title=title,
            created_by=owner,
            bid_value=Decimal(amount),
            bid_currency=currency or Currency.objects.get(is_basic=True),
            created_at=created,
            stage=final,
            stage_entered_at=path[-1][1],
            actual_close_date=path[-1][1] if final.is_closed else None,
            lost_reason=reason,
            **extra,
        )
        previous = None
        for stage, moment in path:
            StageChangeFactory(
                opportunity=opportunity, from_stage=previous, to_stage=stage, changed_at=moment
            )
            previous = stage
        return opportunity

    deals = {
        "d1": deal("d1", "1000", at(1, 5), [(a, at(1, 5)), (b, at(1, 15)), (w, at(2, 4))]),
        "d2": deal(
            "d2", "2000", at(1, 10), [(a, at(1, 10)), (lost, at(1, 20))], currency=eur, reason=price
        ),
        "d3": deal("d3", "500", at(2, 1), [(a, at(2, 1)), (b, at(2, 11))]),
        "d4": deal("d4", "3000", at(12, 1, 2025), [(a, at(12, 1, 2025)), (w, at(3, 2))]),
        "d6": deal("d6", "400", at(2, 14), [(a, at(2, 14)), (lost, at(3, 1))]),
        "d5": deal(
            "d5",
            "9999",
            at(1, 7),
            [(a, at(1, 7)), (w, at(1, 17))],
            owner=other_user,
            access_list=[],
        ),
    }
    return {"stages": (a, b, w, lost), "deals": deals}
