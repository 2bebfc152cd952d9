"""Each report as a table and a chart, built once from the figures of report_selectors: the
page shows the table under its chart, and the CSV and XLSX downloads write the same rows
(values, not the page's texts)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats

from insights.report_charts import (
    DOTTED,
    HATCHED,
    SOLID,
    Bar,
    Group,
    grid_chart,
    grouped_columns,
    hbar_chart,
)
from insights.report_selectors import Money, Reports
from opportunities.templatetags.pipeline import money


@dataclass
class Cell:
    value: object  # what a download writes
    text: str  # what the page shows


@dataclass
class ReportTable:
    name: str  # the URL's name of the report (REPORT_NAMES)
    title: str
    header: list[str]
    rows: list[list[Cell]]
    chart: str
    note: str = ""

    def values(self):
        return ([cell.value for cell in row] for row in self.rows)


def _count(n: int) -> Cell:
    return Cell(n, formats.number_format(n, force_grouping=True))


def _percent(value: Decimal | None) -> Cell:
    return Cell(value, "–" if value is None else f"{value}%")


def _days(value: float | None) -> Cell:
    return Cell(value, "–" if value is None else f"{value} days")


def _amount(m: Money, base) -> Cell:
    return Cell(m.amount, money(m.amount, base))


def _unconverted_note(moneys: list[Money]) -> str:
    n = sum(m.unconverted for m in moneys)
    if not n:
        return ""
    return (
        f"{n} deal{'s' if n != 1 else ''} in a currency without a stored rate: counted, not summed."
    )


def win_rate_table(reports: Reports) -> ReportTable:
    w, base = reports.win_rate, reports.base_currency
    closed = Money(w.closed_count, w.closed_amount)
    rows = [
        [Cell("Won", "Won"), _count(w.won.count), _amount(w.won, base), _days(w.cycle_won)],
        [Cell("Lost", "Lost"), _count(w.lost.count), _amount(w.lost, base), _days(w.cycle_lost)],
        [Cell("Closed", "Closed"), _count(closed.count), _amount(closed, base), _days(w.cycle_all)],
        [Cell("Win rate", "Win rate"), _percent(w.by_count), _percent(w.by_amount), Cell(None, "")],
    ]
    bars = [
        Bar("Won, by count", float(w.by_count or 0), f"{rows[3][1].text} ({w.won.count})"),
        Bar(
            "Lost, by count",
            float(100 - w.by_count) if w.by_count is not None else 0,
            f"{_percent(100 - w.by_count).text if w.by_count is not None else '–'} "
            f"({w.lost.count})",
            HATCHED,
        ),
        Bar("Won, by amount", float(w.by_amount or 0), f"{rows[3][2].text} ({rows[0][2].text})"),
        Bar(
            "Lost, by amount",
            float(100 - w.by_amount) if w.by_amount is not None else 0,
            f"{_percent(100 - w.by_amount).text if w.by_amount is not None else '–'} "
            f"({rows[1][2].text})",
            HATCHED,
        ),
    ]
    header = ["Outcome", "Deals", f"Amount ({base.abbreviation})", "Days from creation to close"]
    return ReportTable(
        "win-rate",
        "Win rate",
        header,
        rows,
        hbar_chart(bars, title="Win rate: won and lost shares of the deals closed"),
        _unconverted_note([w.won, w.lost]),
    )


def conversion_table(reports: Reports) -> ReportTable:
    stages = [row.stage for row in reports.conversion]
    header = ["Entered stage", "Deals", *[f"Reached {s.title}" for s in stages[1:]]]
    rows, cells = [], {}
    for index, row in enumerate(reports.conversion):
        line = [Cell(row.stage.title, row.stage.title), _count(row.entered)]
        line += [Cell(None, "") for _ in stages[1 : index + 1]]
        for cell in row.later:
            text = f"{cell.count} ({_percent(cell.percent).text})"
            line.append(Cell(cell.count, text))
            if row.entered:
                share = float(cell.percent or 0) / 100
                cells[(row.stage.title, cell.stage.title)] = (share, text)
        rows.append(line)
    chart = grid_chart(
        [s.title for s in stages[:-1]],
        [s.title for s in stages[1:]],
        cells,
        title="Stage conversion: of the deals entering a stage (left), how many reached each "
        "later stage (top)",
    )
    return ReportTable("conversion", "Stage conversion", header, rows, chart)


def velocity_table(reports: Reports) -> ReportTable:
    rows, bars = [], []
    for line in reports.velocity:
        rows.append(
            [Cell(line.stage.title, line.stage.title), _count(line.stays), _days(line.average_days)]
        )
        if line.stays:
            bars.append(
                Bar(line.stage.title, line.average_days or 0, _days(line.average_days).text)
            )
    w = reports.win_rate
    rows.append(
        [Cell("Creation to close", "Creation to close"), _count(w.closed_count), _days(w.cycle_all)]
    )
    if w.cycle_all is not None:
        bars.append(Bar("Creation to close", w.cycle_all, _days(w.cycle_all).text, HATCHED))
    header = ["Stage", "Stays ended in range", "Average days"]
    chart = hbar_chart(bars, title="Velocity: average days in each stage")
    return ReportTable("velocity", "Velocity", header, rows, chart)


def lost_reasons_table(reports: Reports) -> ReportTable:
    base = reports.base_currency
    rows, bars = [], []
    for line in reports.lost_reasons:
        rows.append(
            [
                Cell(line.title, line.title),
                _count(line.money.count),
                _percent(line.percent),
                _amount(line.money, base),
            ]
        )
        text = (
            f"{line.money.count} ({_percent(line.percent).text}) · {money(line.money.amount, base)}"
        )
        bars.append(Bar(line.title, line.money.count, text, HATCHED))
    header = ["Lost reason", "Deals", "Share", f"Amount ({base.abbreviation})"]
    chart = hbar_chart(bars, title="Lost reasons: deals lost in the range")
    note = _unconverted_note([line.money for line in reports.lost_reasons])
    return ReportTable("lost-reasons", "Lost reasons", header, rows, chart, note)


def monthly_table(reports: Reports) -> ReportTable:
    base = reports.base_currency
    rows, groups = [], []
    for line in reports.monthly:
        label = formats.date_format(line.month, "M Y")
        rows.append(
            [
                Cell(line.month.strftime("%Y-%m"), label),
                _count(line.new.count),
                _amount(line.new, base),
                _count(line.won.count),
                _amount(line.won, base),
                _count(line.lost.count),
                _amount(line.lost, base),
            ]
        )
        groups.append(
            Group(
                label,
                [
                    Bar(f"New in {label}", line.new.count, str(line.new.count), SOLID),
                    Bar(f"Won in {label}", line.won.count, str(line.won.count), HATCHED),
                    Bar(f"Lost in {label}", line.lost.count, str(line.lost.count), DOTTED),
                ],
            )
        )
    code = base.abbreviation
    header = ["Month", "New", f"New ({code})", "Won", f"Won ({code})", "Lost", f"Lost ({code})"]
    chart = grouped_columns(
        groups,
        title="New, won and lost deals per month",
        legend=[(SOLID, "New"), (HATCHED, "Won"), (DOTTED, "Lost")],
    )
    moneys = [m for line in reports.monthly for m in (line.new, line.won, line.lost)]
    return ReportTable(
        "monthly", "New, won and lost per month", header, rows, chart, _unconverted_note(moneys)
    )


REPORT_TABLES = {
    "win-rate": win_rate_table,
    "conversion": conversion_table,
    "velocity": velocity_table,
    "lost-reasons": lost_reasons_table,
    "monthly": monthly_table,
}


def report_tables(reports: Reports) -> list[ReportTable]:
    return [build(reports) for build in REPORT_TABLES.values()]
