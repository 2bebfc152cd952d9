"""The rows of an opportunities export (the board's and the table's): one row per deal, the
columns of docs/import_export.md ("Export"), streamed.

The deals come from the caller's queryset (visibility and filters already applied). One query
reads them as `values()` rows through a server-side cursor (`iterator(chunk_size=...)`), the
names of the stage, people, currency, source, status and lost reason joined in; the tags are
read once per chunk of rows (one query for CHUNK_SIZE deals), never once per deal. The
amount in the base currency is the board's conversion (`base_amount_sql`: the stored rates,
in SQL); a contact or customer the user may not read is an empty cell, as on the pages."""

from collections.abc import Iterator
from decimal import Decimal
from itertools import islice

from django.db.models import QuerySet
from django.utils import timezone

from contacts.selectors import contact_shown
from core.models import Currency
from opportunities.list_selectors import base_amount_sql
from opportunities.models import (
    BID_TYPE_LABELS,
    STAGE_TYPE_LABELS,
    BidType,
    Opportunity,
    whole_amount_sql,
)

CHUNK_SIZE = 2000
CENTS = Decimal("0.01")
STATE_NAMES = dict(STAGE_TYPE_LABELS)
BID_TYPE_NAMES = dict(BID_TYPE_LABELS)

EXPORT_HEADER = (
    "ID",
    "Title",
    "Stage",
    "State",
    "Status",
    "Responsible",
    "Responsible email",
    "Owner",
    "Owner email",
    "Contact",
    "Customer",
    "Amount",
    "Currency",
    "Bid type",
    "Bid value",
    "Periods",
    "Amount (base)",
    "Base currency",
    "Probability",
    "Weighted amount (base)",
    "One-time revenue",
    "Monthly recurring revenue",
    "Contract months",
    "Expected close date",
    "Actual close date",
    "Created",
    "Updated",
    "Tags",
    "Lost reason",
    "Lost comment",
    "Source",
    "Private",
    "External ID",
    "Description",
)

_PEOPLE = ("display_name", "first_name", "last_name", "username", "email")
_CONTACT = ("is_company", "company_name", "first_name", "last_name")
VALUES = (
    *("id", "title", "stage__title", "stage__stage_type", "status__title"),
    *(f"{role}__{name}" for role in ("responsible", "owner") for name in _PEOPLE),
    *(f"{role}__{name}" for role in ("contact", "customer") for name in _CONTACT),
    *("contact_shown", "customer_shown", "whole_amount", "bid_currency_id", "base_amount"),
    *("bid_type", "bid_value", "per_period_value"),
    *("one_time_revenue", "recurring_revenue", "contract_months"),
    *("success_probability", "expected_close_date", "actual_close_date"),
    *("created_at", "updated_at", "lost_reason__title", "lost_comment", "source__title"),
    *("is_private", "external_id", "description"),
)


def _person(row: dict, role: str) -> tuple[str, str]:
    """(name, email) of the responsible or the owner, as `User.get_display_name`."""
    username = row[f"{role}__username"]
    if username is None:
        return "", ""
    full_name = f"{row[f'{role}__first_name']} {row[f'{role}__last_name']}".strip()
    return row[f"{role}__display_name"] or full_name or username, row[f"{role}__email"] or ""


def _contact(row: dict, role: str) -> str:
    """The contact's or the customer's name, as `Contact.display_name`; "" where hidden."""
    if not row[f"{role}_shown"]:
        return ""
    if row[f"{role}__is_company"]:
        return row[f"{role}__company_name"]
    return " ".join(p for p in (row[f"{role}__first_name"], row[f"{role}__last_name"]) if p)


def _day(moment):
    return None if moment is None else timezone.localtime(moment).date()


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENTS)


def _tags_by_opportunity(ids: list[int]) -> dict[int, list[str]]:
    """The tag titles of each of `ids`, in one query (alphabetical per deal)."""
    tags: dict[int, list[str]] = {}
    pairs = (
        Opportunity.tags.through.objects.filter(opportunity_id__in=ids)
        .order_by("tag__title", "tag_id")
        .values_list("opportunity_id", "tag__title")
    )
    for opportunity_id, title in pairs:
        tags.setdefault(opportunity_id, []).append(title)
    return tags


def _row(row: dict, *, tags: dict[int, list[str]], base: Currency) -> list:
    responsible, responsible_email = _person(row, "responsible")
    owner, owner_email = _person(row, "owner")
    base_amount = _money(row["base_amount"])
    weighted = None
    if base_amount is not None:
        weighted = (base_amount * row["success_probability"] / 100).quantize(CENTS)
    # A fixed bid's periods mean nothing (its bid value is the amount): an empty cell.
    periods = None if row["bid_type"] == BidType.FIXED_BID else row["per_period_value"]
    return [
        row["id"],
        row["title"],
        row["stage__title"],
        STATE_NAMES.get(row["stage__stage_type"], ""),
        row["status__title"],
        responsible,
        responsible_email,
        owner,
        owner_email,
        _contact(row, "contact"),
        _contact(row, "customer"),
        _money(row["whole_amount"]),
        row["bid_currency_id"],
        BID_TYPE_NAMES.get(row["bid_type"], ""),
        _money(row["bid_value"]),
        periods,
        base_amount,
        base.pk,
        row["success_probability"],
        weighted,
        _money(row["one_time_revenue"]),
        _money(row["recurring_revenue"]),
        row["contract_months"],
        _day(row["expected_close_date"]),
        _day(row["actual_close_date"]),
        row["created_at"],
        row["updated_at"],
        ", ".join(tags.get(row["id"], ())),
        row["lost_reason__title"],
        row["lost_comment"],
        row["source__title"],
        row["is_private"],
        row["external_id"],
        row["description"],
    ]


def opportunity_export_rows(
    queryset: QuerySet[Opportunity], *, user, base: Currency, chunk_size: int = CHUNK_SIZE
) -> Iterator[list]:
    """The rows of `queryset` (already visible to `user`, filtered and ordered) under
    EXPORT_HEADER, read lazily: at most `chunk_size` deals are held at a time. Its
    `base_amount` (`opportunity_with_base_amount`) is used when it has one."""
    if "base_amount" not in queryset.query.annotations:  # the table's rows have it (sorting)
        queryset = queryset.annotate(base_amount=base_amount_sql(base=base))
    rows = (
        queryset.annotate(
            contact_shown=contact_shown(user=user, through="contact"),
            customer_shown=contact_shown(user=user, through="customer"),
            whole_amount=whole_amount_sql(),
        )
        .values(*VALUES)
        .iterator(chunk_size=chunk_size)
    )
    while chunk := list(islice(rows, chunk_size)):
        tags = _tags_by_opportunity([row["id"] for row in chunk])
        for row in chunk:
            yield _row(row, tags=tags, base=base)
