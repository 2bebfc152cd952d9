"""The reports' figures (/reports/): win rate, stage conversion, velocity, lost reasons and
new / won / lost per month, for a date range and the board's filters.

Every figure is an aggregate query over what the user may see (`board_queryset`: visibility,
then the board's filters), grouped by currency where money is summed and converted to the base
currency with the board's stored rates (`stage_totals_in_base`'s rule): the number of queries
does not grow with the data. Definitions: docs/reports.md."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import Lead, TruncMonth
from django.utils import timezone

from core.models import Currency
from core.selectors import currency_base, currency_rates_to_base
from opportunities.board import BoardFilters, board_queryset
from opportunities.models import Opportunity, Stage, StageChange, StageType, whole_amount_sql
from opportunities.selectors import stage_list

CENTS = Decimal("0.01")
CLOSED_TYPES = (StageType.CLOSED_AND_WON, StageType.CLOSED_AND_LOST)


class DaysBetween(Func):
    """(later - earlier) in days, as a float, on SQLite and PostgreSQL alike."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):  # SQLite and the rest
        return super().as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
        )

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0 AS double precision)",
            arg_joiner=" - ",
        )


@dataclass(frozen=True)
class ReportRange:
    """Whole days, both ends included, in the current time zone."""

    date_from: date
    date_to: date

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        """The first instant after the range."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    def months(self) -> list[tuple[int, int]]:
        year, month = self.date_from.year, self.date_from.month
        months = []
        while (year, month) <= (self.date_to.year, self.date_to.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months


@dataclass
class Money:
    """A count and its amount in the base currency; `unconverted`: of the count, deals in a
    currency without a stored rate (counted, not summed)."""

    count: int = 0
    amount: Decimal = Decimal("0.00")
    unconverted: int = 0

    def add(self, count: int, amount, rate: Decimal | None) -> None:
        self.count += count
        if rate is None:
            self.unconverted += count
        else:
            self.amount = (self.amount + Decimal(amount or 0) * rate).quantize(CENTS)


def _share(part, whole) -> Decimal | None:
    """part / whole as a percentage with one decimal; None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def report_queryset(*, user, filters: BoardFilters) -> QuerySet[Opportunity]:
    """The deals the reports count for `user`: visible, then the board's filters."""
    return board_queryset(user=user, filters=filters)


def _closed_in(queryset, span: ReportRange):
    return queryset.filter(
        stage__stage_type__in=CLOSED_TYPES,
        actual_close_date__gte=span.start,
        actual_close_date__lt=span.end,
    )


# -- win rate and the sales cycle ----------------------------------------------------------------


@dataclass
class WinRate:
    won: Money
    lost: Money
    # average days from creation to close, of the deals closed in the range
    cycle_won: float | None
    cycle_lost: float | None
    cycle_all: float | None

    @property
    def closed_count(self) -> int:
        return self.won.count + self.lost.count

    @property
    def closed_amount(self) -> Decimal:
        return self.won.amount + self.lost.amount

    @property
    def by_count(self) -> Decimal | None:
        return _share(self.won.count, self.closed_count)

    @property
    def by_amount(self) -> Decimal | None:
        return _share(self.won.amount, self.closed_amount)


def report_win_rate(queryset, *, span: ReportRange, rates: dict) -> WinRate:
    """Won / closed among the deals closed in the range (one aggregate query), and the days
    from creation to close of the same deals."""
    rows = (
        _closed_in(queryset, span)
        .order_by()
        .values("stage__stage_type", "bid_currency_id")
        .annotate(
            count=Count("id"),
            total=Sum(whole_amount_sql()),
            days=Sum(DaysBetween(F("actual_close_date"), F("created_at"))),
        )
    )
    money = {StageType.CLOSED_AND_WON: Money(), StageType.CLOSED_AND_LOST: Money()}
    days = {StageType.CLOSED_AND_WON: 0.0, StageType.CLOSED_AND_LOST: 0.0}
    for row in rows:
        kind = row["stage__stage_type"]
        money[kind].add(row["count"], row["total"], rates.get(row["bid_currency_id"]))
        days[kind] += float(row["days"] or 0)
    won, lost = money[StageType.CLOSED_AND_WON], money[StageType.CLOSED_AND_LOST]

    def average(total: float, count: int) -> float | None:
        return round(total / count, 1) if count else None

    return WinRate(
        won=won,
        lost=lost,
        cycle_won=average(days[StageType.CLOSED_AND_WON], won.count),
        cycle_lost=average(days[StageType.CLOSED_AND_LOST], lost.count),
        cycle_all=average(sum(days.values()), won.count + lost.count),
    )


# -- stage conversion ----------------------------------------------------------------------------


@dataclass
class ConversionCell:
    stage: Stage
    count: int
    percent: Decimal | None


@dataclass
class ConversionRow:
    stage: Stage
    entered: int
    later: list[ConversionCell] = field(default_factory=list)


def _later_than(prefix: str, other: str) -> Q:
    """`prefix` stage comes after `other` stage in the pipeline (sort order, then id)."""
    return Q(**{f"{prefix}__sort_order__gt": F(f"{other}__sort_order")}) | Q(
        **{f"{prefix}__sort_order": F(f"{other}__sort_order"), f"{prefix}__id__gt": F(other)}
    )


def report_stage_conversion(
    queryset, *, span: ReportRange, stages: list[Stage]
) -> list[ConversionRow]:
    """Of the deals that entered a stage in the range, how many entered each later stage
    afterwards (at any time since): two aggregate queries over the stage history."""
    entries = StageChange.objects.filter(
        opportunity__in=queryset.values("pk"),
        to_stage__isnull=False,
        changed_at__gte=span.start,
        changed_at__lt=span.end,
    )
    entered = dict(
        entries.order_by()
        .values_list("to_stage_id")
        .annotate(n=Count("opportunity_id", distinct=True))
    )
    later = "opportunity__stage_changes"
    reached = (
        entries.filter(
            _later_than(f"{later}__to_stage", "to_stage"),
            **{f"{later}__changed_at__gte": F("changed_at")},
        )
        .order_by()
        .values_list("to_stage_id", f"{later}__to_stage_id")
        .annotate(n=Count("opportunity_id", distinct=True))
    )
    counts = {(first, then): n for first, then, n in reached}
    rows = []
    for index, stage in enumerate(stages):
        n = entered.get(stage.pk, 0)
        row = ConversionRow(stage=stage, entered=n)
        for after in stages[index + 1 :]:
            reached_n = counts.get((stage.pk, after.pk), 0)
            row.later.append(ConversionCell(after, reached_n, _share(reached_n, n)))
        rows.append(row)
    return rows


# -- velocity ------------------------------------------------------------------------------------


@dataclass
class StageVelocity:
    stage: Stage
    stays: int
    average_days: float | None


def report_velocity(queryset, *, span: ReportRange, stages: list[Stage]) -> list[StageVelocity]:
    """Average days in each stage: a stay runs from a deal's change into the stage to its next
    change (consecutive history rows, by a window function), counted when it ended in the
    range. One query: the window in a subquery, the averages around it."""
    stays = (
        StageChange.objects.filter(opportunity__in=queryset.values("pk"))
        .annotate(
            left_at=Window(
                Lead("changed_at"),
                partition_by=[F("opportunity_id")],
                order_by=[F("changed_at").asc(), F("id").asc()],
            ),
        )
        .annotate(days=DaysBetween(F("left_at"), F("changed_at")))
        .filter(left_at__gte=span.start, left_at__lt=span.end, to_stage__isnull=False)
        .values("to_stage_id", "days")
    )
    inner, params = stays.query.sql_with_params()
    sql = (
        f"SELECT stay.to_stage_id, COUNT(*), AVG(stay.days) FROM ({inner}) stay "
        "GROUP BY stay.to_stage_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        by_stage = {stage_id: (n, avg) for stage_id, n, avg in cursor.fetchall()}
    result = []
    for stage in stages:
        n, avg = by_stage.get(stage.pk, (0, None))
        result.append(StageVelocity(stage, n, round(float(avg), 1) if avg is not None else None))
    return result


# -- lost reasons --------------------------------------------------------------------------------


@dataclass
class LostReasonLine:
    title: str
    money: Money
    percent: Decimal | None = None


NO_REASON = "No reason given"


def report_lost_reasons(queryset, *, span: ReportRange, rates: dict) -> list[LostReasonLine]:
    """The deals lost in the range by reason (one aggregate query), the most frequent first."""
    rows = (
        _closed_in(queryset, span)
        .filter(stage__stage_type=StageType.CLOSED_AND_LOST)
        .order_by()
        .values("lost_reason_id", "lost_reason__title", "bid_currency_id")
        .annotate(count=Count("id"), total=Sum(whole_amount_sql()))
    )
    lines: dict = {}
    for row in rows:
        key = row["lost_reason_id"]
        line = lines.setdefault(
            key, LostReasonLine(row["lost_reason__title"] or NO_REASON, Money())
        )
        line.money.add(row["count"], row["total"], rates.get(row["bid_currency_id"]))
    result = sorted(lines.values(), key=lambda x: (-x.money.count, -x.money.amount, x.title))
    total = sum(line.money.count for line in result)
    for line in result:
        line.percent = _share(line.money.count, total)
    return result


# -- new, won and lost per month -----------------------------------------------------------------


@dataclass
class MonthLine:
    month: date
    new: Money = field(default_factory=Money)
    won: Money = field(default_factory=Money)
    lost: Money = field(default_factory=Money)


def _month_key(value) -> tuple[int, int]:
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.year, value.month


def report_monthly(queryset, *, span: ReportRange, rates: dict) -> list[MonthLine]:
    """Per month of the range: deals created, won and lost (by close date). Two aggregate
    queries."""
    months = {key: MonthLine(date(key[0], key[1], 1)) for key in span.months()}
    created = (
        queryset.filter(created_at__gte=span.start, created_at__lt=span.end)
        .annotate(month=TruncMonth("created_at"))
        .order_by()
        .values("month", "bid_currency_id")
        .annotate(count=Count("id"), total=Sum(whole_amount_sql()))
    )
    for row in created:
        line = months.get(_month_key(row["month"]))
        if line is not None:
            line.new.add(row["count"], row["total"], rates.get(row["bid_currency_id"]))
    closed = (
        _closed_in(queryset, span)
        .annotate(month=TruncMonth("actual_close_date"))
        .order_by()
        .values("month", "stage__stage_type", "bid_currency_id")
        .annotate(count=Count("id"), total=Sum(whole_amount_sql()))
    )
    for row in closed:
        line = months.get(_month_key(row["month"]))
        if line is None:
            continue
        won = row["stage__stage_type"] == StageType.CLOSED_AND_WON
        target = line.won if won else line.lost
        target.add(row["count"], row["total"], rates.get(row["bid_currency_id"]))
    return list(months.values())


# -- the page ------------------------------------------------------------------------------------


@dataclass
class Reports:
    span: ReportRange
    base_currency: Currency
    win_rate: WinRate
    conversion: list[ConversionRow]
    velocity: list[StageVelocity]
    lost_reasons: list[LostReasonLine]
    monthly: list[MonthLine]


REPORT_NAMES = ("win-rate", "conversion", "velocity", "lost-reasons", "monthly")


def reports_build(*, user, filters: BoardFilters, span: ReportRange) -> Reports:
    """Every report of the page, in a constant number of queries."""
    base = currency_base()
    rates = currency_rates_to_base(base)
    stages = list(stage_list())
    queryset = report_queryset(user=user, filters=filters)
    return Reports(
        span=span,
        base_currency=base,
        win_rate=report_win_rate(queryset, span=span, rates=rates),
        conversion=report_stage_conversion(queryset, span=span, stages=stages),
        velocity=report_velocity(queryset, span=span, stages=stages),
        lost_reasons=report_lost_reasons(queryset, span=span, rates=rates),
        monthly=report_monthly(queryset, span=span, rates=rates),
    )
