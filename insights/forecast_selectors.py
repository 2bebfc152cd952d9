"""The forecast (/forecast/): the open opportunities a user may see by expected close month,
and the months that have passed, won against what had been forecast for them.

Every figure is an aggregate query grouped by bucket and currency; the sums are converted to
the base currency with the stored rates exactly as the board's column totals are
(`opportunities.board.stage_totals_in_base`): per (group, currency) result row, never per
opportunity. docs/forecast.md describes the buckets and the definition of "forecast"."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import formats, timezone

from accounts.models import User
from core.models import Currency
from core.selectors import currency_base, currency_rates_to_base
from opportunities.board import BoardFilters, board_queryset
from opportunities.models import (
    Opportunity,
    StageChange,
    StageType,
    overdue_cutoff,
    whole_amount_sql,
)
from opportunities.selectors import stage_list

CENTS = Decimal("0.01")
HORIZONS = (6, 12)  # this month and the next 5, or the next 11
PAST_MONTHS = 6
SPLITS = ("stage", "responsible")

# bucket keys besides the months (0 = this month, 1 = next month, ...)
OVERDUE, NO_DATE, LATER = -1, -2, -3


@dataclass
class Totals:
    count: int = 0
    amount: Decimal = Decimal("0.00")
    weighted: Decimal = Decimal("0.00")
    # opportunities in a currency without a stored rate: counted, not summed (as on the board)
    unconverted: int = 0

    def add(self, other: "Totals") -> None:
        self.count += other.count
        self.amount += other.amount
        self.weighted += other.weighted
        self.unconverted += other.unconverted


@dataclass
class ForecastPart:
    """One stage's or one responsible's share of a bucket."""

    key: int | None
    label: str
    totals: Totals


@dataclass
class ForecastBucket:
    key: int
    label: str
    totals: Totals = field(default_factory=Totals)
    parts: list[ForecastPart] = field(default_factory=list)


@dataclass
class PastMonth:
    label: str
    start: datetime
    won: Totals = field(default_factory=Totals)
    # the weighted amount forecast for the month at its start (docs/forecast.md)
    forecast: Totals = field(default_factory=Totals)


@dataclass
class Forecast:
    base_currency: Currency
    horizon: int
    split: str
    buckets: list[ForecastBucket]
    past: list[PastMonth]
    total: Totals

    @property
    def max_amount(self) -> Decimal:
        return max((b.totals.amount for b in self.buckets), default=Decimal(0))

    @property
    def max_past(self) -> Decimal:
        values = [m.won.amount for m in self.past] + [m.forecast.weighted for m in self.past]
        return max(values, default=Decimal(0))


def month_start(day: date, offset: int = 0) -> datetime:
    """The first instant of the month `offset` months after `day`'s, in the current time zone."""
    index = day.year * 12 + day.month - 1 + offset
    first = date(index // 12, index % 12 + 1, 1)
    return timezone.make_aware(datetime.combine(first, time.min))


def _month_label(start: datetime) -> str:
    return formats.date_format(timezone.localtime(start).date(), "M Y")


def _bucket_case(column: str, starts: list[datetime], *, cutoff: datetime | None = None) -> Case:
    """The bucket of each row by `column`: months i (starts[i] <= value < starts[i + 1]); with
    `cutoff`, OVERDUE before it, NO_DATE when empty and LATER after the last month."""
    whens = []
    if cutoff is not None:
        whens.append(When(**{f"{column}__isnull": True}, then=Value(NO_DATE)))
        whens.append(When(**{f"{column}__lt": cutoff}, then=Value(OVERDUE)))
    for index, end in enumerate(starts[1:]):
        whens.append(When(**{f"{column}__lt": end}, then=Value(index)))
    return Case(*whens, default=Value(LATER), output_field=IntegerField())


def _convert(rows, rates, key) -> dict:
    """{key(row): Totals} in the base currency from (group, currency) aggregate rows."""
    result: dict = {}
    for row in rows:
        totals = result.setdefault(key(row), Totals())
        totals.count += row["count"]
        rate = rates.get(row["bid_currency_id"])
        if rate is None:
            totals.unconverted += row["count"]
            continue
        totals.amount += Decimal(row["total"] or 0) * rate
        totals.weighted += Decimal(row.get("weighted_x100") or 0) * rate / 100
    for totals in result.values():
        totals.amount = totals.amount.quantize(CENTS)
        totals.weighted = totals.weighted.quantize(CENTS)
    return result


def _split_labels(split: str, keys: set) -> dict:
    if split == "stage":
        return {stage.pk: stage.title for stage in stage_list()}
    # deactivated people keep their names here: their deals still count
    users = User.objects.filter(pk__in=[k for k in keys if k is not None])
    labels = {u.pk: u.get_display_name() for u in users.order_by("first_name", "last_name", "pk")}
    labels[None] = "Nobody"
    return labels


def forecast_open(
    queryset: QuerySet[Opportunity], *, now: datetime, horizon: int, split: str, rates
) -> tuple[list[ForecastBucket], Totals]:
    """The open opportunities of `queryset` by expected close month: overdue (before today, the
    board's rule), this month from today, the next months, later, no date. Two queries."""
    today = timezone.localdate(now)
    starts = [month_start(today, i) for i in range(horizon + 1)]
    split_field = "stage_id" if split == "stage" else "responsible_id"
    rows = list(
        queryset.filter(stage__stage_type=StageType.OPEN)
        .order_by()
        .annotate(bucket=_bucket_case("expected_close_date", starts, cutoff=overdue_cutoff(now)))
        .values("bucket", split_field, "bid_currency_id")
        .annotate(
            count=Count("id"),
            total=Sum(whole_amount_sql()),
            weighted_x100=Sum(whole_amount_sql() * F("success_probability")),
        )
    )
    labels = _split_labels(split, {row[split_field] for row in rows})
    by_part = _convert(rows, rates, lambda row: (row["bucket"], row[split_field]))
    buckets = [ForecastBucket(key=OVERDUE, label="Overdue")]
    buckets += [ForecastBucket(key=i, label=_month_label(starts[i])) for i in range(horizon)]
    buckets += [
        ForecastBucket(key=LATER, label=f"From {_month_label(starts[horizon])}"),
        ForecastBucket(key=NO_DATE, label="No date"),
    ]
    order = list(labels)
    total = Totals()
    for bucket in buckets:
        parts = [(part, t) for (key, part), t in by_part.items() if key == bucket.key]
        parts.sort(key=lambda item: order.index(item[0]) if item[0] in order else len(order))
        for part, totals in parts:
            bucket.parts.append(ForecastPart(part, labels.get(part, "—"), totals))
            bucket.totals.add(totals)
        total.add(bucket.totals)
    return buckets, total


def forecast_past(queryset: QuerySet[Opportunity], *, now: datetime, rates) -> list[PastMonth]:
    """The last PAST_MONTHS whole months: the amount won in each (by actual close date) and
    what had been forecast for it. Two queries.

    Forecast for month M: the deals that existed and were open at M's start (created before
    it, not closed before it) whose expected close date falls in M, each weighted by the
    probability of the stage it was in at M's start (its last stage change before then; a
    deal without one counts at its current probability). Amounts and close dates are today's:
    the stage history records stages, not amounts."""
    today = timezone.localdate(now)
    starts = [month_start(today, i) for i in range(-PAST_MONTHS, 1)]
    months = [PastMonth(label=_month_label(s), start=s) for s in starts[:-1]]
    in_range = {"__gte": starts[0], "__lt": starts[-1]}

    won_rows = (
        queryset.filter(stage__stage_type=StageType.CLOSED_AND_WON)
        .filter(**{f"actual_close_date{k}": v for k, v in in_range.items()})
        .order_by()
        .annotate(bucket=_bucket_case("actual_close_date", starts))
        .values("bucket", "bid_currency_id")
        .annotate(count=Count("id"), total=Sum(whole_amount_sql()))
    )
    for key, totals in _convert(won_rows, rates, lambda row: row["bucket"]).items():
        months[key].won = totals

    start_of = Case(
        *[
            When(expected_close_date__lt=end, then=Value(start))
            for start, end in zip(starts, starts[1:], strict=False)
        ],
        output_field=DateTimeField(),
    )
    stage_at_start = (
        StageChange.objects.filter(opportunity=OuterRef("pk"), changed_at__lt=OuterRef("m_start"))
        .order_by("-changed_at", "-id")
        .values("to_stage__success_probability")[:1]
    )
    forecast_rows = (
        queryset.filter(**{f"expected_close_date{k}": v for k, v in in_range.items()})
        .order_by()
        .annotate(m_start=start_of, bucket=_bucket_case("expected_close_date", starts))
        .filter(created_at__lt=F("m_start"))
        .filter(Q(actual_close_date__isnull=True) | Q(actual_close_date__gte=F("m_start")))
        .annotate(probability=Coalesce(Subquery(stage_at_start), F("success_probability")))
        .values("bucket", "bid_currency_id")
        .annotate(
            count=Count("id"),
            total=Sum(whole_amount_sql()),
            weighted_x100=Sum(whole_amount_sql() * F("probability")),
        )
    )
    for key, totals in _convert(forecast_rows, rates, lambda row: row["bucket"]).items():
        months[key].forecast = totals
    return months


def forecast_build(
    *, user, filters: BoardFilters, horizon: int = 6, split: str = "stage", now=None
) -> Forecast:
    """The forecast of what `user` may see under the board's filters, in a constant number
    of queries (the base currency, its rates, two for the open months, two for the past)."""
    now = now or timezone.now()
    horizon = horizon if horizon in HORIZONS else HORIZONS[0]
    split = split if split in SPLITS else SPLITS[0]
    base = currency_base()
    rates = currency_rates_to_base(base)
    queryset = board_queryset(user=user, filters=filters)
    buckets, total = forecast_open(queryset, now=now, horizon=horizon, split=split, rates=rates)
    past = forecast_past(queryset, now=now, rates=rates)
    return Forecast(
        base_currency=base, horizon=horizon, split=split, buckets=buckets, past=past, total=total
    )


def forecast_table(forecast: Forecast) -> tuple[list[str], list[list]]:
    """The forecast table for a download: the header, and a row per bucket and stage (or
    responsible) followed by the bucket's total ("All"); amounts in the base currency."""
    code = forecast.base_currency.pk
    header = [
        "Expected close",
        "Stage" if forecast.split == "stage" else "Responsible",
        "Count",
        f"Amount ({code})",
        f"Weighted ({code})",
        "Base currency",
        "Not converted (no rate)",
    ]
    rows = []
    for bucket in forecast.buckets:
        for label, t in [*((p.label, p.totals) for p in bucket.parts), ("All", bucket.totals)]:
            rows.append([bucket.label, label, t.count, t.amount, t.weighted, code, t.unconverted])
    return header, rows
