"""The Kanban board: columns with their totals in the base currency and their first cards, in a
constant number of queries (the totals cached with the filter counts: docs/performance.md)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone

from contacts.models import Contact
from contacts.selectors import contact_search
from core.counts_cache import counts_cached
from core.models import Currency
from core.selectors import currency_base, currency_rates_to_base
from opportunities.models import (
    Opportunity,
    Stage,
    StageType,
    opportunity_has_no_next_step,
    opportunity_next_task_is_overdue,
    overdue_cutoff,
)
from opportunities.selectors import (
    opportunity_board_cards,
    opportunity_can_edit,
    opportunity_column_cards,
    opportunity_filter,
    opportunity_list_visible_to,
    opportunity_stage_totals,
    stage_list,
)
from opportunities.templatetags.pipeline import initials

CARDS_PER_COLUMN = 25
# The contact filter offers the first matches of what is typed; typing more narrows them.
CONTACT_MATCHES = 20
CENTS = Decimal("0.01")


@dataclass
class BoardFilters:
    """The filters above the board and the opportunity list (parsed by BoardFilterForm)."""

    text: str = ""
    responsible: object = None
    contact: object = None
    tag: object = None
    private_only: bool = False
    needs_attention: bool = False
    # a view option, not a filter: won and lost columns shown in full (`closed=show`)
    show_closed: bool = False

    @property
    def active(self) -> bool:
        return bool(
            self.text
            or self.responsible
            or self.contact
            or self.tag
            or self.private_only
            or self.needs_attention
        )


@dataclass
class ColumnTotals:
    count: int = 0
    total: Decimal = Decimal("0.00")
    weighted: Decimal = Decimal("0.00")
    # opportunities in a currency without a stored rate: counted, not summed
    unconverted: int = 0


@dataclass
class BoardColumn:
    stage: Stage
    totals: ColumnTotals
    cards: list[Opportunity] = field(default_factory=list)
    # a won or lost column shown narrow, with its count and sums only (still a drop target)
    collapsed: bool = False

    @property
    def remaining(self) -> int:
        return max(self.totals.count - len(self.cards), 0)


@dataclass
class Board:
    columns: list[BoardColumn]
    base_currency: Currency
    filters: BoardFilters

    def _sum(self, stage_type: int) -> ColumnTotals:
        sums = ColumnTotals()
        for column in self.columns:
            if column.stage.stage_type == stage_type:
                sums.count += column.totals.count
                sums.total += column.totals.total
                sums.weighted += column.totals.weighted
                sums.unconverted += column.totals.unconverted
        return sums

    @property
    def open(self) -> ColumnTotals:
        """The summary line's count, total and weighted: open deals only (issue 11.6)."""
        return self._sum(StageType.OPEN)

    @property
    def won(self) -> ColumnTotals:
        return self._sum(StageType.CLOSED_AND_WON)

    @property
    def lost(self) -> ColumnTotals:
        return self._sum(StageType.CLOSED_AND_LOST)

    @property
    def has_closed(self) -> bool:
        return any(column.stage.is_closed for column in self.columns)


def board_queryset(*, user, filters: BoardFilters, stages=None) -> QuerySet[Opportunity]:
    """The opportunities on `user`'s board under `filters`: visibility first, then filters."""
    return opportunity_filter(
        opportunity_list_visible_to(user=user),
        user=user,
        text=filters.text,
        responsible=filters.responsible,
        contact=filters.contact,
        tag=filters.tag,
        private_only=filters.private_only,
        needs_attention=filters.needs_attention,
        stages=stages,
    )


def stage_totals_in_base(
    queryset: QuerySet[Opportunity], *, base: Currency, rows: list[dict] | None = None
) -> dict[int, ColumnTotals]:
    """Count, amount and weighted amount per stage, converted to the base currency with the
    stored rates (one aggregate query, grouped by stage and currency, plus the rates). `rows`:
    that aggregate, when already at hand."""
    rates = currency_rates_to_base(base)
    totals: dict[int, ColumnTotals] = {}
    if rows is None:
        rows = opportunity_stage_totals(queryset)
    for row in rows:
        column = totals.setdefault(row["stage_id"], ColumnTotals())
        column.count += row["count"]
        rate = rates.get(row["bid_currency_id"])
        if rate is None:
            column.unconverted += row["count"]
            continue
        column.total += Decimal(row["total"] or 0) * rate
        column.weighted += Decimal(row["weighted"] or 0) * rate
    for column in totals.values():
        column.total = column.total.quantize(CENTS)
        column.weighted = column.weighted.quantize(CENTS)
    return totals


_URL_SENTINEL = 2147483647


def _url_maker(name: str):
    """`reverse(name, args=[pk])` for many pks: reversed once, then filled in per card."""
    before, after = reverse(name, args=[_URL_SENTINEL]).split(str(_URL_SENTINEL))
    return lambda pk: f"{before}{pk}{after}"


def board_prepare_cards(cards: list[Opportunity], *, user) -> list[Opportunity]:
    """What the card template needs beyond the row, computed once per card in Python: the
    edit right, the links (a `{% url %}` per card was a tenth of the template time), the
    warnings (each property reads the clock), and the texts that template filters made
    slowly: the expected close date (the `date` filter converted and formatted each one, a
    third of the card's time; here the translated month name is looked up once per month)
    and the responsible's name and initials (about fifty people for 225 cards: formatted once
    each). The next step: the next open task's date (`next_task_due`, kept by the task
    services), late or not, or "no next step" on an open deal without an open task."""
    detail_url, move_url = _url_maker("opportunity_detail"), _url_maker("opportunity_move")
    months: dict[int, str] = {}  # "M", in the active language
    people: dict = {}
    now = timezone.now()
    cutoff = overdue_cutoff(now)

    def day_text(moment) -> str:
        day = timezone.localtime(moment).date()
        if day.month not in months:
            months[day.month] = formats.date_format(day, "M")
        return f"{months[day.month]} {day.day}, {day.year}"  # "M j, Y"

    for card in cards:
        card.user_can_edit = opportunity_can_edit(user=user, opportunity=card)
        card.detail_url = detail_url(card.pk)
        card.move_url = move_url(card.pk)
        card.overdue = card.is_overdue
        card.rotting = card.is_rotting
        card.close_text = ""
        if card.expected_close_date is not None:
            card.close_text = day_text(card.expected_close_date)
        stage_type, due = card.stage.stage_type, card.next_task_due
        card.no_next_step = opportunity_has_no_next_step(stage_type=stage_type, next_task_due=due)
        card.next_task_overdue = opportunity_next_task_is_overdue(
            stage_type=stage_type, next_task_due=due, now=now, cutoff=cutoff
        )
        shown = due is not None and stage_type == StageType.OPEN  # a closed deal: no next step
        card.next_task_text = day_text(due) if shown else ""
        if card.responsible_id not in people:
            person = card.responsible
            name = person.get_display_name() if person is not None else ""
            people[card.responsible_id] = (name, initials(person))
        card.responsible_name, card.responsible_initials = people[card.responsible_id]
    return cards


def _stage_totals_rows(
    queryset: QuerySet[Opportunity], *, user, filters: BoardFilters
) -> list[dict]:
    """`opportunity_stage_totals(queryset)`, from the count cache when it is still right.

    Not cached with a search text (it also matches contact names, which contact edits
    change) nor with "needs attention" (it moves with the clock). The key holds the user and
    every filter, empty ones included."""
    if filters.text or filters.needs_attention:
        return opportunity_stage_totals(queryset)
    criteria = (
        user.pk,
        user.is_crm_admin,
        getattr(filters.responsible, "pk", None),
        getattr(filters.contact, "pk", None),
        getattr(filters.tag, "pk", None),
        filters.private_only,
    )
    return counts_cached("board", criteria, lambda: opportunity_stage_totals(queryset))


def board_build(*, user, filters: BoardFilters, per_column: int = CARDS_PER_COLUMN) -> Board:
    stages = list(stage_list())
    base = currency_base()
    queryset = board_queryset(user=user, filters=filters, stages=stages)
    rows = _stage_totals_rows(queryset, user=user, filters=filters)
    totals = stage_totals_in_base(queryset, base=base, rows=rows)
    collapsed = {s.pk for s in stages if s.is_closed and not filters.show_closed}
    cards = opportunity_board_cards(
        queryset,
        user=user,
        stage_ids=[stage.pk for stage in stages if stage.pk not in collapsed],
        per_column=per_column,
        searching=bool(filters.text),
    )
    board_prepare_cards(cards, user=user)
    by_stage: dict[int, list[Opportunity]] = {}
    for card in cards:
        by_stage.setdefault(card.stage_id, []).append(card)
    columns = [
        BoardColumn(
            stage=stage,
            totals=totals.get(stage.pk, ColumnTotals()),
            cards=by_stage.get(stage.pk, []),
            collapsed=stage.pk in collapsed,
        )
        for stage in stages
    ]
    return Board(columns=columns, base_currency=base, filters=filters)


def board_column_page(
    *, user, filters: BoardFilters, stage: Stage, offset: int, limit: int = CARDS_PER_COLUMN
) -> tuple[list[Opportunity], int]:
    """The next cards of one column ("load more") and how many remain after them."""
    queryset = board_queryset(user=user, filters=filters)
    cards = opportunity_column_cards(
        queryset, user=user, stage_id=stage.pk, offset=offset, limit=limit
    )
    board_prepare_cards(cards, user=user)
    remaining = max(queryset.filter(stage=stage).count() - offset - len(cards), 0)
    return cards, remaining


def board_columns_totals(
    *, user, filters: BoardFilters, stages: list[Stage]
) -> list[tuple[Stage, ColumnTotals, Currency]]:
    """The totals of a few columns, e.g. both ends of a move."""
    base = currency_base()
    totals = stage_totals_in_base(
        board_queryset(user=user, filters=filters).filter(stage__in=stages), base=base
    )
    return [(stage, totals.get(stage.pk, ColumnTotals()), base) for stage in stages]


def board_contact_matches(*, user, text: str) -> list[Contact]:
    """The contact filter's choices: the first contacts `user` may read matching `text`."""
    return list(
        contact_search(user=user, text=text)
        .order_by("company_name", "last_name", "first_name", "id")
        .only("is_company", "company_name", "first_name", "last_name")[:CONTACT_MATCHES]
    )
