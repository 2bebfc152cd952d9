"""Server-rendered SVG charts for the reports. Readable without colour: every bar carries its
value as text, and series differ by pattern (solid, hatched, dotted) as well as by colour.
No script, no inline style (the page's Content-Security-Policy): presentation attributes and
the classes of static/css/reports.css only."""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# series: (css class, pattern id, legend words)
SOLID, HATCHED, DOTTED = "solid", "hatched", "dotted"
LABEL_WIDTH = 170
BAR_HEIGHT = 22
GAP = 10
WIDTH = 640


@dataclass
class Bar:
    label: str
    value: float
    text: str  # the value as people read it, written beside the bar
    series: str = SOLID


def _defs() -> str:
    return (
        "<defs>"
        '<pattern id="pat-hatched" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)">'
        '<rect width="6" height="6" class="pat-bg"/>'
        '<line x1="0" y1="0" x2="0" y2="6" class="pat-line" stroke-width="3"/></pattern>'
        '<pattern id="pat-dotted" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" class="pat-bg-dotted"/>'
        '<circle cx="3" cy="3" r="1.6" class="pat-dot"/></pattern>'
        "</defs>"
    )


def _fill(series: str) -> str:
    if series == SOLID:
        return 'class="bar bar-solid"'
    return f'class="bar bar-{series}" fill="url(#pat-{series})"'


def _svg(height: int, title: str, body: str, width: int = WIDTH) -> SafeString:
    return mark_safe(  # noqa: S308 -- every text in `body` went through escape()
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{_defs()}{body}</svg>"
    )


def hbar_chart(bars: list[Bar], *, title: str) -> SafeString:
    """Horizontal bars, one per line, the label on the left and the value text at the end."""
    if not bars:
        return _svg(
            40, title, '<text x="0" y="24" class="chart-empty">Nothing in this range</text>'
        )
    top = max((bar.value for bar in bars), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 150
    parts = []
    for index, bar in enumerate(bars):
        y = index * (BAR_HEIGHT + GAP)
        length = max(room * bar.value / top, 0)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" class="chart-label">'
            f"{escape(bar.label)}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f"{_fill(bar.series)}/>"
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 16}" class="chart-value">'
            f"{escape(bar.text)}</text>"
        )
    height = len(bars) * (BAR_HEIGHT + GAP)
    return _svg(height, title, "".join(parts))


@dataclass
class Group:
    label: str
    bars: list[Bar]


def grouped_columns(groups: list[Group], *, title: str, legend: list[tuple[str, str]]):
    """Vertical bars in groups (one group per month), each bar's value written above it, and a
    legend naming each series with its pattern."""
    chart_height, bottom, top_room = 180, 40, 20
    per_group = max((len(g.bars) for g in groups), default=1) or 1
    column = 18
    group_width = per_group * column + 16
    width = max(WIDTH, 40 + len(groups) * group_width)
    top = max((bar.value for g in groups for bar in g.bars), default=0) or 1
    parts = []
    for index, (series, words) in enumerate(legend):
        x = 10 + index * 130
        parts.append(
            f'<rect x="{x}" y="0" width="14" height="14" {_fill(series)}/>'
            f'<text x="{x + 20}" y="12" class="chart-label">{escape(words)}</text>'
        )
    base_y = top_room + 24 + chart_height
    for gi, group in enumerate(groups):
        gx = 40 + gi * group_width
        for bi, bar in enumerate(group.bars):
            height = chart_height * bar.value / top
            x, y = gx + bi * column, base_y - height
            parts.append(
                f'<rect x="{x}" y="{y:.1f}" width="{column - 3}" height="{height:.1f}" '
                f"{_fill(bar.series)}><title>{escape(bar.label)}: {escape(bar.text)}</title>"
                "</rect>"
                f'<text x="{x + (column - 3) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                f'class="chart-value chart-small">{escape(bar.text)}</text>'
            )
        parts.append(
            f'<text x="{gx + (per_group * column) / 2:.1f}" y="{base_y + 16}" '
            f'text-anchor="middle" class="chart-label">{escape(group.label)}</text>'
        )
    parts.append(f'<line x1="30" y1="{base_y}" x2="{width}" y2="{base_y}" class="chart-axis"/>')
    return _svg(base_y + bottom, title, "".join(parts), width=width)


def grid_chart(rows: list[str], columns: list[str], cells: dict, *, title: str) -> SafeString:
    """A table-like grid: `cells[(row, column)] = (share 0..1, text)`. Each cell's shade grows
    with its share and carries its text, so no reading depends on the shade."""
    cell_w, cell_h, left, head = 110, 30, LABEL_WIDTH, 30
    width = max(WIDTH, left + cell_w * len(columns) + 10)
    parts = []
    for ci, name in enumerate(columns):
        parts.append(
            f'<text x="{left + ci * cell_w + cell_w / 2}" y="20" text-anchor="middle" '
            f'class="chart-label">{escape(name)}</text>'
        )
    for ri, name in enumerate(rows):
        y = head + ri * cell_h
        parts.append(
            f'<text x="{left - 8}" y="{y + 20}" text-anchor="end" class="chart-label">'
            f"{escape(name)}</text>"
        )
        for ci, column_name in enumerate(columns):
            cell = cells.get((name, column_name))
            if cell is None:
                continue
            share, text = cell
            x = left + ci * cell_w
            parts.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'class="cell" fill-opacity="{0.1 + 0.8 * share:.2f}"/>'
                f'<text x="{x + cell_w / 2}" y="{y + 20}" text-anchor="middle" '
                f'class="chart-value cell-text">{escape(text)}</text>'
            )
    return _svg(head + len(rows) * cell_h + 6, title, "".join(parts), width=width)
