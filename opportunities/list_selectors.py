"""Reads of the opportunities table: the amount in the base currency (the board's conversion,
in SQL, so it sorts), the open/closed/stage filter, and the default order (open deals first, by
expected close date)."""

from django.db.models import Case, DecimalField, F, QuerySet, Value, When

from core.models import Currency
from core.selectors import currency_rates_to_base
from opportunities.board import board_queryset
from opportunities.models import MONEY, Opportunity, StageType, whole_amount_sql
from opportunities.selectors import opportunity_with_contacts_shown

STATES = {
    "open": (StageType.OPEN,),
    "closed": (StageType.CLOSED_AND_WON, StageType.CLOSED_AND_LOST),
    "won": (StageType.CLOSED_AND_WON,),
    "lost": (StageType.CLOSED_AND_LOST,),
}


def base_amount_sql(*, base: Currency, rates: dict | None = None):
    """The whole amount in the base currency, in SQL: `whole_amount_sql()` times the stored
    rate of the deal's currency (`currency_rates_to_base`, as the board's totals); NULL for a
    currency without a rate (shown as not converted, sorted last)."""
    rates = currency_rates_to_base(base) if rates is None else rates
    output = DecimalField(**MONEY)
    whens = [
        When(bid_currency_id=currency_id, then=whole_amount_sql() * Value(rate, output))
        for currency_id, rate in sorted(rates.items())
    ]
    if not whens:
        return Value(None, output_field=output)
    return Case(*whens, default=Value(None, output_field=output), output_field=output)


def opportunity_with_base_amount(
    queryset: QuerySet[Opportunity], *, base: Currency
) -> QuerySet[Opportunity]:
    return queryset.annotate(base_amount=base_amount_sql(base=base))


def opportunity_filter_state(
    queryset: QuerySet[Opportunity], *, state: str = "", stage=None
) -> QuerySet[Opportunity]:
    """Only open, closed, won or lost deals (`state`), or those in `stage`."""
    if state in STATES:
        queryset = queryset.filter(stage__stage_type__in=STATES[state])
    if stage is not None:
        queryset = queryset.filter(stage=stage)
    return queryset


def is_open_sql():
    return Case(
        When(stage__stage_type=StageType.OPEN, then=Value(0)),
        default=Value(1),
    )


# The table's default order: open deals first, soonest expected close first (no date last),
# then the closed ones in the same order.
DEFAULT_ORDER = (
    is_open_sql().asc(),
    F("expected_close_date").asc(nulls_last=True),
    F("id").asc(),
)


LIST_SORTS = {
    "title": ("title", "id"),
    "value": ("base_amount", "id"),  # in the base currency: $3,000 < €5,000 < $8,000
    "stage": ("stage__sort_order", "stage_id", "id"),
    "close": ("expected_close_date", "id"),
    "responsible": ("responsible__first_name", "responsible__last_name", "id"),
    "updated": ("updated_at", "id"),
    "created": ("created_at", "id"),
}


def _ordering(sort: str) -> list:
    key = sort.lstrip("-")
    if key not in LIST_SORTS:
        return list(DEFAULT_ORDER)
    descending = sort.startswith("-")
    return [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name in LIST_SORTS[key]
    ]


def opportunity_list_queryset(*, user, filters, state: dict) -> QuerySet[Opportunity]:
    """The table's rows under the board's filters and the open/closed/stage filter, unordered
    (what "every row of the filter" of a bulk edit names)."""
    return opportunity_filter_state(
        board_queryset(user=user, filters=filters),
        state=state.get("state", ""),
        stage=state.get("stage"),
    )


def opportunity_list_rows(
    *, user, filters, state: dict, base: Currency, sort: str = ""
) -> QuerySet[Opportunity]:
    """The table's rows, with what a row shows and its amount in the base currency, in the
    chosen order (`sort`, `-` for descending; the default order otherwise)."""
    queryset = opportunity_list_queryset(user=user, filters=filters, state=state)
    return (
        opportunity_with_base_amount(
            opportunity_with_contacts_shown(queryset, user=user), base=base
        )
        .select_related("stage", "bid_currency", "contact", "customer", "responsible")
        .prefetch_related("tags")
        .order_by(*_ordering(sort))
    )
