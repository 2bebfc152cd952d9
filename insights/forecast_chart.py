"""Server-rendered SVG bar charts for the insights pages: the geometry is computed here, the
template draws it. Every bar carries its value as text (readable without colour), and each
series has its own pattern besides its colour."""

from dataclasses import dataclass
from decimal import Decimal

HEIGHT = 220  # the plot's height in SVG units
TOP = 24  # room above the highest bar for its value
BOTTOM = 40  # room below the axis for the group labels
BAR = 26
GAP = 4  # between the bars of a group
GROUP_GAP = 22


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    value_text: str
    title: str


@dataclass
class GroupLabel:
    x: float
    text: str


@dataclass
class BarChart:
    width: float
    height: float
    axis_y: float
    bars: list[Bar]
    labels: list[GroupLabel]
    series: list[str]
    title: str


def money_text(value: Decimal) -> str:
    return f"{value:,.0f}"


def bar_chart(title: str, series: list[str], groups: list[tuple[str, list[Decimal]]]) -> BarChart:
    """`groups`: (label, one value per series) each; the bars scale to the largest value."""
    top = max((v for _, values in groups for v in values), default=Decimal(0)) or Decimal(1)
    group_width = len(series) * BAR + (len(series) - 1) * GAP
    bars, labels = [], []
    x = GROUP_GAP / 2
    axis_y = TOP + HEIGHT
    for label, values in groups:
        for index, value in enumerate(values):
            height = float(value / top) * HEIGHT if value > 0 else 0.0
            left = x + index * (BAR + GAP)
            bars.append(
                Bar(
                    x=left,
                    y=axis_y - height,
                    width=BAR,
                    height=height,
                    series=index,
                    value_text=money_text(value),
                    title=f"{label}, {series[index]}: {money_text(value)}",
                )
            )
        labels.append(GroupLabel(x=x + group_width / 2, text=label))
        x += group_width + GROUP_GAP
    return BarChart(
        width=x - GROUP_GAP / 2 + GROUP_GAP / 2,
        height=axis_y + BOTTOM,
        axis_y=axis_y,
        bars=bars,
        labels=labels,
        series=series,
        title=title,
    )
