"""The audit rows of an opportunity (OpportunityAudit), written by the services themselves:
who changed what, when, and the old and the new value as people read them. A timeline reads
these rows; it never reconstructs them.

A row's `field` is the domain field name (`bid_value`, `responsible`, `expected_close_date`,
`lost_reason`, `tags`, `members`, `custom_field_<id>`, `access` for a sharing change);
`opportunities.audit_selectors.audit_field_label` gives its label. Values are stored as people
read them (`audit_text`): stages, sources, statuses and lost reasons by title, users and
contacts by display name, money with its currency ("12,500.00 EUR"), dates ISO (the close
dates as the local calendar date), booleans yes/no, bid types by their labels ("Per month").

Lists are recorded one item a row: a tag or a member added is a row with only a new value, one
removed a row with only an old value (`audit_list_changes`). A value that names contacts
carries their ids (`ContactText`): the row is linked to them, and someone who may not read one
of them does not see the row (`audit_selectors.opportunity_audit_rows`)."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from opportunities.models import (
    BID_TYPE_LABELS,
    AuditAction,
    Opportunity,
    OpportunityAudit,
    OpportunityAuditContact,
)

MONEY_FIELDS = ("bid_value", "one_time_revenue", "recurring_revenue")
CLOSE_DATE_FIELDS = ("expected_close_date", "actual_close_date")
TIMESTAMP_FIELDS = ("created_at", "updated_at")
USER_FIELDS = ("responsible", "owner")
CONTACT_FIELDS = ("contact", "customer")
TITLED_FIELDS = ("stage", "source", "status", "lost_reason")
# The fields of the row itself that an update may change and the audit records (the stage is
# recorded by StageChange, not here).
AUDITED_FIELDS = (
    "title",
    "description",
    "bid_type",
    "bid_value",
    "bid_currency",
    "per_period_value",
    "success_probability",
    "expected_close_date",
    "actual_close_date",
    "one_time_revenue",
    "recurring_revenue",
    "contract_months",
    "contact",
    "customer",
    "responsible",
    "owner",
    "source",
    "status",
    "lost_reason",
    "lost_comment",
)
_BID_TYPES = dict(BID_TYPE_LABELS)


class ContactText(str):
    """A value as people read it that names contacts (`contact_ids`): the audit row holding it
    is linked to them, so that it is shown only to those who may read them."""

    contact_ids: tuple[int, ...]

    def __new__(cls, text: str, contact_ids: Iterable[int]):
        value = super().__new__(cls, text)
        value.contact_ids = tuple(contact_ids)
        return value


def contact_text(contact) -> str:
    if contact is None:
        return ""
    return ContactText(contact.display_name or f"#{contact.pk}", [contact.pk])


def user_text(user: User | None) -> str:
    return user.get_display_name() if user is not None else ""


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def money_text(amount: Decimal | None, currency_code: str) -> str:
    return f"{Decimal(amount or 0):,.2f} {currency_code}".strip()


def date_text(value: datetime | None) -> str:
    return timezone.localdate(value).isoformat() if value is not None else ""


def datetime_text(value: datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value is not None else ""


def value_text(field: str, value, *, currency_code: str = "") -> str:
    """A value of the opportunity's `field` as people read it (a relation as its object;
    money in `currency_code`)."""
    if field in MONEY_FIELDS:
        return money_text(value, currency_code)
    if field == "bid_currency":
        return getattr(value, "pk", value) or ""
    if field in CLOSE_DATE_FIELDS:
        return date_text(value)
    if field in TIMESTAMP_FIELDS:
        return datetime_text(value)
    if field == "bid_type":
        return _BID_TYPES.get(value, str(value))
    if field == "success_probability":
        return f"{value}%"
    if field in USER_FIELDS:
        return user_text(value)
    if field in CONTACT_FIELDS:
        return contact_text(value)
    if field in TITLED_FIELDS:
        return value.title if value is not None else ""
    if isinstance(value, bool):
        return yes_no(value)
    return "" if value is None else str(value)


def audit_text(opportunity: Opportunity, field: str) -> str:
    """The value of the opportunity's `field` as people read it. Relations are read through
    the instance (load them with the row, or set them, to spend no query)."""
    if field == "bid_currency":
        return opportunity.bid_currency_id or ""
    return value_text(
        field, getattr(opportunity, field), currency_code=opportunity.bid_currency_id or ""
    )


def audit_snapshot(opportunity: Opportunity, fields: Iterable[str]) -> dict[str, str]:
    """{field: value as people read it} for the audited `fields` of the row."""
    return {field: audit_text(opportunity, field) for field in fields if field in AUDITED_FIELDS}


def audit_row(
    opportunity: Opportunity | int,
    *,
    action: str,
    changed_by: User | None,
    field: str = "",
    old_value: str = "",
    new_value: str = "",
    at: datetime | None = None,
) -> OpportunityAudit:
    """An unsaved audit row (for `audit_save`, which writes many at once)."""
    row = OpportunityAudit(
        opportunity_id=opportunity if isinstance(opportunity, int) else opportunity.pk,
        action=action,
        field=field,
        old_value=old_value or "",
        new_value=new_value or "",
        changed_at=at or timezone.now(),
        changed_by=changed_by,
    )
    row.named_contact_ids = {
        *getattr(old_value, "contact_ids", ()),
        *getattr(new_value, "contact_ids", ()),
    }
    return row


def audit_save(rows: Sequence[OpportunityAudit]) -> list[OpportunityAudit]:
    """Write audit rows built by `audit_row` (and their contact links): two queries at most,
    however many rows."""
    rows = list(rows)
    if not rows:
        return []
    OpportunityAudit.objects.bulk_create(rows)
    links = [
        OpportunityAuditContact(audit_id=row.pk, contact_id=contact_id)
        for row in rows
        for contact_id in getattr(row, "named_contact_ids", ())
    ]
    if links:
        OpportunityAuditContact.objects.bulk_create(links)
    return rows


def audit_record(
    opportunity: Opportunity | int,
    *,
    action: str,
    changed_by: User | None,
    field: str = "",
    old_value: str = "",
    new_value: str = "",
    at: datetime | None = None,
) -> OpportunityAudit:
    """Record one audit row (creation, a sharing change, a move to the trash, a restore)."""
    (row,) = audit_save(
        [
            audit_row(
                opportunity,
                action=action,
                changed_by=changed_by,
                field=field,
                old_value=old_value,
                new_value=new_value,
                at=at,
            )
        ]
    )
    return row


def audit_record_many(
    opportunities: Iterable[Opportunity | int],
    *,
    action: str,
    changed_by: User | None,
    field: str = "",
    old_value: str = "",
    new_value: str = "",
    at: datetime | None = None,
) -> list[OpportunityAudit]:
    """The same row on each of many opportunities (a delete or a restore of a batch), in one
    insert."""
    at = at or timezone.now()
    return audit_save(
        [
            audit_row(
                opportunity,
                action=action,
                changed_by=changed_by,
                field=field,
                old_value=old_value,
                new_value=new_value,
                at=at,
            )
            for opportunity in opportunities
        ]
    )


def audit_changes(
    opportunity: Opportunity | int,
    *,
    before: Mapping[str, str],
    after: Mapping[str, str],
    changed_by: User | None,
    action: str = AuditAction.CHANGED,
    at: datetime | None = None,
) -> list[OpportunityAudit]:
    """Unsaved rows, one per field whose value differs between `before` and `after`."""
    at = at or timezone.now()
    fields = [*after, *(name for name in before if name not in after)]
    return [
        audit_row(
            opportunity,
            action=action,
            changed_by=changed_by,
            field=field,
            old_value=before.get(field, ""),
            new_value=after.get(field, ""),
            at=at,
        )
        for field in fields
        if before.get(field, "") != after.get(field, "")
    ]


def audit_record_changes(
    opportunity: Opportunity | int,
    *,
    before: Mapping[str, str],
    after: Mapping[str, str],
    changed_by: User | None,
    action: str = AuditAction.CHANGED,
    at: datetime | None = None,
) -> list[OpportunityAudit]:
    """Record one row per domain field whose value (as people read it) changed; nothing when
    nothing changed."""
    return audit_save(
        audit_changes(
            opportunity, before=before, after=after, changed_by=changed_by, action=action, at=at
        )
    )


def audit_list_changes(
    opportunity: Opportunity | int,
    *,
    field: str,
    before: Mapping[object, str],
    after: Mapping[object, str],
    changed_by: User | None,
    at: datetime | None = None,
) -> list[OpportunityAudit]:
    """Unsaved rows for a list field (`tags`, `members`), given as {key: value as people
    read it}: one row per item removed (old value only), then one per item added (new value
    only), each in the order given."""
    at = at or timezone.now()
    removed = [
        audit_row(
            opportunity,
            action=AuditAction.CHANGED,
            changed_by=changed_by,
            field=field,
            old_value=text,
            at=at,
        )
        for key, text in before.items()
        if key not in after
    ]
    added = [
        audit_row(
            opportunity,
            action=AuditAction.CHANGED,
            changed_by=changed_by,
            field=field,
            new_value=text,
            at=at,
        )
        for key, text in after.items()
        if key not in before
    ]
    return removed + added


def audit_record_member_change(
    opportunity: Opportunity,
    *,
    contact,
    changed_by: User | None,
    added: bool = False,
    removed: bool = False,
    primary_cleared: bool = False,
) -> list[OpportunityAudit]:
    """A contact linked to the opportunity (`added`) or unlinked (`removed`, and
    `primary_cleared` when it was the primary contact): one insert."""
    name = contact_text(contact)
    at = timezone.now()
    rows = []
    if primary_cleared:
        rows.append(
            audit_row(
                opportunity,
                action=AuditAction.CHANGED,
                changed_by=changed_by,
                field="contact",
                old_value=name,
                at=at,
            )
        )
    if added or removed:
        values = {"new_value": name} if added else {"old_value": name}
        rows.append(
            audit_row(
                opportunity,
                action=AuditAction.CHANGED,
                changed_by=changed_by,
                field="members",
                at=at,
                **values,
            )
        )
    return audit_save(rows)
