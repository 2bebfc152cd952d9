"""Importing opportunities (and the contacts they name) from a parsed file: the preview of
each row (its errors named) and the import itself, in one transaction, through the same
services as one deal at a time (docs/import_export.md, "Import").

A row with an external id that an opportunity already carries updates it (a second import of
the same file updates instead of duplicating); an empty cell leaves that field as it is. A
row whose external id belongs to a deal in the trash, or to one the user may not see, is a
row error: nothing is restored or changed behind their back. Contacts are matched among
those the user may read (a person by "First Last" or e-mail, a company by name, either by
its RamBase number); one not found by name is created. A row saying "Private" makes the
deal private for the importer alone, as the pages do; an update never widens who sees a deal.
Each imported deal gets an AuditAction.IMPORTED row naming the file."""

from dataclasses import dataclass, field
from datetime import datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone

from accounts.models import User
from accounts.selectors import user_has_crm_access
from contacts.models import Contact
from contacts.selectors import contact_list_visible_to
from contacts.services import contact_create_company, contact_create_person
from core.errors import AccessDenied, DomainError
from core.models import Currency
from opportunities.audit import audit_record_many
from opportunities.import_fields import (
    CONTACT_OFFSET,
    EMPLOYEE_OFFSET,
    IMPORT_FIELDS,
    STAGE_OFFSET,
    CellError,
    check_text,
    parse_bid_type,
    parse_date,
    parse_money,
    parse_whole,
    parse_yes_no,
)
from opportunities.import_parsing import ParsedFile
from opportunities.lost_reasons import LOST_COMMENT_LIMIT, UNSET, lost_values
from opportunities.models import (
    AuditAction,
    BidType,
    ImportMapping,
    LeadSource,
    LostReason,
    Opportunity,
    OpportunityStatus,
    Stage,
)
from opportunities.selectors import (
    OPPORTUNITY_READERS,
    opportunity_can_change_access,
    stage_first_open,
)
from opportunities.services import opportunity_create, opportunity_update

MONEY = ("bid_value", "one_time_revenue", "recurring_revenue")


def import_require_access(user) -> None:
    """Admins and sales users import; guests have no CRM."""
    if not user_has_crm_access(user):
        raise AccessDenied("Guests cannot import opportunities.")


def import_mapping_remembered(*, user, header_key: str) -> list[str] | None:
    row = ImportMapping.objects.filter(user=user, header_key=header_key).first()
    return list(row.columns.get("fields", [])) if row else None


def import_mapping_save(*, user, header_key: str, fields: list[str]) -> None:
    ImportMapping.objects.update_or_create(
        user=user,
        header_key=header_key,
        defaults={"columns": {"fields": list(fields)}, "updated_at": timezone.now()},
    )


@dataclass
class RowResult:
    number: int  # the line in the file (the header is line 1)
    cells: dict[str, str]
    errors: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    target: Opportunity | None = None
    new_contacts: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        return "update" if self.target is not None else "create"


@dataclass
class ImportOutcome:
    created: list[Opportunity] = field(default_factory=list)
    updated: list[Opportunity] = field(default_factory=list)
    failed: list[RowResult] = field(default_factory=list)
    rolled_back: bool = False


def _cells(parsed: ParsedFile, mapping: list[str]) -> list[tuple[int, dict[str, str]]]:
    rows = []
    for index, row in enumerate(parsed.rows):
        cells = {}
        for name, text in zip(mapping, row, strict=False):
            if name in IMPORT_FIELDS and text and name not in cells:
                cells[name] = text
        rows.append((index + 2, cells))
    return rows


class _References:
    """Everything the rows name, read with one query per kind (never one per row)."""

    def __init__(self, user, rows: list[dict[str, str]]):
        self.user = user
        self.stages = list(Stage.objects.all())
        self.currencies = {c.pk.upper(): c for c in Currency.objects.all()}
        self.sources = {s.title.casefold(): s for s in LeadSource.objects.all()}
        people = {r[k].strip().casefold() for r in rows for k in ("responsible", "owner") if k in r}
        ids = {int(t) - EMPLOYEE_OFFSET for t in people if t.isdigit() and len(t) < 12}
        self.users = list(
            User.objects.filter(is_active=True).filter(
                Q(pk__in=ids) | Q(email__in=people) | Q(username__in=people)
            )
        )
        names = {r[k].strip().casefold() for r in rows for k in ("contact", "customer") if k in r}
        emails = {r["contact_email"].strip().casefold() for r in rows if "contact_email" in r}
        numbers = {int(t) - CONTACT_OFFSET for t in names if t.isdigit() and len(t) < 12}
        self.contacts = list(
            contact_list_visible_to(user=user)
            .annotate(
                import_full=Lower(Concat("first_name", Value(" "), "last_name")),
                import_mail=Lower("email"),
                import_company=Lower("company_name"),
            )
            .filter(
                Q(pk__in=numbers)
                | Q(import_full__in=names)
                | Q(import_company__in=names)
                | Q(import_mail__in=emails)
            )
        )
        # The lists a row may name, read only when a column names them.
        self.statuses = (
            {s.title.casefold(): s for s in OpportunityStatus.objects.all()}
            if any("status" in r for r in rows)
            else {}
        )
        self.lost_reasons = (
            {r.title.casefold(): r for r in LostReason.objects.all()}
            if any("lost_reason" in r for r in rows)
            else {}
        )
        self._first_open_stage = None
        external = {r["external_id"].strip() for r in rows if "external_id" in r}
        # The stage and the lost reason come along: the lost-reason rule reads them per row.
        found = Opportunity.all_objects.filter(external_id__in=external).select_related(
            "stage", "lost_reason", "status"
        )
        self.deals = {o.external_id: o for o in found}
        self.readable = set(
            OPPORTUNITY_READERS.filter(found, user).values_list("external_id", flat=True)
        )

    def stage(self, text: str) -> Stage:
        key = text.strip()
        for stage in self.stages:
            if stage.title.casefold() == key.casefold():
                return stage
        if key.isdigit() and len(key) < 12:
            for stage in self.stages:
                if stage.pk == int(key) - STAGE_OFFSET:
                    return stage
        raise CellError(f"Unknown stage “{text[:60]}”.")

    def currency(self, text: str) -> Currency:
        currency = self.currencies.get(text.strip().upper())
        if currency is None:
            raise CellError(f"Unknown currency “{text[:20]}”.")
        return currency

    def person(self, text: str, label: str) -> User:
        key = text.strip().casefold()
        for user in self.users:
            if key in {user.email.casefold(), user.username.casefold()} or (
                key.isdigit() and len(key) < 12 and user.pk == int(key) - EMPLOYEE_OFFSET
            ):
                return user
        raise CellError(f"{label}: unknown user “{text[:60]}”.")

    def source(self, text: str, *, current_id: int | None) -> LeadSource:
        """An active source by title, or the deal's current one (kept though retired)."""
        source = self.sources.get(text.strip().casefold())
        if source is None:
            raise CellError(f"Unknown source “{text[:60]}”.")
        if not source.is_active and source.pk != current_id:
            raise CellError(f"Source “{text[:60]}” is no longer offered: choose another.")
        return source

    def status(self, text: str, *, current_id: int | None) -> OpportunityStatus:
        """An active status by title, or the deal's current one (kept though retired)."""
        status = self.statuses.get(text.strip().casefold())
        if status is None or not (status.is_active or status.pk == current_id):
            raise CellError(f"Unknown status “{text[:60]}”.")
        return status

    def lost_reason(self, text: str) -> LostReason:
        """A lost reason by title; whether it may still be chosen is the service's rule."""
        reason = self.lost_reasons.get(text.strip().casefold())
        if reason is None:
            raise CellError(f"Unknown lost reason “{text[:60]}”.")
        return reason

    def first_open_stage(self) -> Stage:
        """The stage a new deal without one gets (the service's default), read once."""
        if self._first_open_stage is None:
            self._first_open_stage = stage_first_open()
        return self._first_open_stage

    def contact(self, text: str, email: str, *, company: bool, label: str):
        """A readable contact, or a string key of one to create; CellError if ambiguous or a
        RamBase number that is not there."""
        key = text.strip().casefold()
        if key.isdigit() and len(key) < 12:
            for contact in self.contacts:
                if contact.pk == int(key) - CONTACT_OFFSET and contact.is_company == company:
                    return contact
            raise CellError(f"{label}: unknown contact number {text}.")
        mail = email.strip().casefold()
        matches = [
            c
            for c in self.contacts
            if c.is_company == company
            and (
                (c.import_company if company else c.import_full) == key
                or (mail and not company and c.import_mail == mail)
            )
        ]
        if len({c.pk for c in matches}) > 1:
            raise CellError(f"{label}: several contacts are called “{text[:60]}”.")
        return matches[0] if matches else text.strip()


def _resolve(row: RowResult, refs: _References, seen: dict[str, int]) -> None:
    cells = row.cells
    values = row.values

    def take(name, convert):
        if name in cells:
            try:
                values[name] = convert(cells[name])
            except CellError as exc:
                row.errors.append(str(exc))

    external = cells.get("external_id", "").strip()
    if external:
        if len(external) > 100:
            row.errors.append("External ID has more than 100 characters.")
        elif external in seen:
            row.errors.append(f"External ID “{external}” is also on line {seen[external]}.")
        else:
            seen[external] = row.number
            deal = refs.deals.get(external)
            if deal is not None and deal.deleted_at is not None:
                row.errors.append(
                    f"External ID “{external}” belongs to a deal in the trash: restore it first."
                    if external in refs.readable
                    else f"External ID “{external}” is already used by a deal you cannot change."
                )
            elif deal is not None and external not in refs.readable:
                row.errors.append(
                    f"External ID “{external}” is already used by a deal you cannot change."
                )
            else:
                row.target = deal
        values["external_id"] = external
    take("title", lambda t: check_text(t, "Title", limit=255))
    if row.target is None and not cells.get("title", "").strip():
        row.errors.append("Title is required.")
    take("description", lambda t: check_text(t, "Description", limit=10_000))
    take("stage", refs.stage)
    take("bid_currency", refs.currency)
    for name in MONEY:
        take(name, lambda t, n=name: parse_money(t, IMPORT_FIELDS[n]))
    take("success_probability", lambda t: parse_whole(t, "Probability", high=100))
    take("contract_months", lambda t: parse_whole(t, "Contract months"))
    take("expected_close_date", lambda t: parse_date(t, "Expected close date"))
    take("responsible", lambda t: refs.person(t, "Responsible"))
    take("owner", lambda t: refs.person(t, "Owner"))
    take("source", lambda t: refs.source(t, current_id=getattr(row.target, "source_id", None)))
    take(
        "tags",
        lambda t: [
            tag.strip() for tag in check_text(t, "Tags", limit=2000).split(",") if tag.strip()
        ][:50],
    )
    take("bid_type", parse_bid_type)
    take("per_period_value", lambda t: parse_whole(t, "Periods"))
    take("status", lambda t: refs.status(t, current_id=getattr(row.target, "status_id", None)))
    take("lost_reason", refs.lost_reason)
    take("lost_comment", lambda t: check_text(t, "Lost comment", limit=LOST_COMMENT_LIMIT))
    take("is_private", lambda t: parse_yes_no(t, "Private"))
    _ignore_fixed_bid_periods(row)
    _check_lost_reason(row, refs)
    _check_privacy(row, refs.user)
    email = cells.get("contact_email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.errors.append(f"Contact e-mail: “{email[:60]}” is not an e-mail address.")
            email = ""
    if "contact" in cells or email:
        name = cells.get("contact", "")
        take(
            "contact",
            lambda t: refs.contact(
                check_text(t, "Contact", limit=255), email, company=False, label="Contact"
            ),
        )
        if "contact" not in cells:
            values["contact"] = refs.contact("", email, company=False, label="Contact")
        values["contact_email"] = email
        if isinstance(values.get("contact"), str):
            row.new_contacts.append(name or email)
    take(
        "customer",
        lambda t: refs.contact(
            check_text(t, "Customer", limit=255), "", company=True, label="Customer"
        ),
    )
    if isinstance(values.get("customer"), str):
        row.new_contacts.append(cells["customer"])


def _ignore_fixed_bid_periods(row: RowResult) -> None:
    """A fixed bid's periods mean nothing (its bid value is the amount; the export leaves
    them empty): they are ignored, the deal's stored number is left as it is."""
    current = row.target.bid_type if row.target is not None else BidType.FIXED_BID
    if row.values.get("bid_type", current) == BidType.FIXED_BID:
        row.values.pop("per_period_value", None)


def _check_lost_reason(row: RowResult, refs: _References) -> None:
    """The services' lost-reason rule (opportunities/lost_reasons.py) run on the row, so the
    preview names what the import would refuse: a reason or comment only on a lost stage,
    a retired reason only where the deal has it already, and, when
    settings.LOST_REASON_REQUIRED_IN_API is set, a reason for a deal entering a lost stage."""
    names = {"stage", "lost_reason", "lost_comment"}
    if not names & set(row.values) or any(n in row.cells and n not in row.values for n in names):
        return  # nothing to check, or a cell already named as wrong
    target = row.target
    try:
        from_stage = target.stage if target is not None else None
        lost_values(
            current=target,
            from_stage=from_stage,
            to_stage=row.values.get("stage") or from_stage or refs.first_open_stage(),
            lost_reason=row.values.get("lost_reason", UNSET),
            lost_comment=row.values.get("lost_comment", UNSET),
            require=settings.LOST_REASON_REQUIRED_IN_API,
        )
    except DomainError as exc:
        row.errors.append(exc.message_naming(IMPORT_FIELDS.get(exc.field or "", exc.field)))


def _check_privacy(row: RowResult, user) -> None:
    """The "Private" cell of an update never widens who sees the deal: no file makes a
    private deal public, and only those who may change its access make a public one private.
    The same value as the deal's changes nothing (its access list is left alone)."""
    target = row.target
    if target is None or "is_private" not in row.values:
        return
    wanted = row.values["is_private"]
    if wanted == target.is_private:
        del row.values["is_private"]
    elif not wanted:
        row.errors.append(
            "Private: an import does not make a private deal public (share it from its page)."
        )
    elif not opportunity_can_change_access(user=user, opportunity=target):
        row.errors.append("Private: only the deal's creator or an admin can make it private.")


def import_preview(*, user, parsed: ParsedFile, mapping: list[str]) -> list[RowResult]:
    """Each row with what it would do (create or update) and its errors."""
    import_require_access(user)
    rows = [RowResult(number=n, cells=c) for n, c in _cells(parsed, mapping)]
    refs = _References(user, [r.cells for r in rows])
    seen: dict[str, int] = {}
    for row in rows:
        _resolve(row, refs, seen)
    return rows


class _RollBack(Exception):
    pass


def _contact_for(name: str, email: str, *, company: bool, user, made: dict) -> Contact:
    """The contact a row names that no readable contact matched: created once per import
    (the same name on two rows is one new contact)."""
    key = (company, name.casefold() or email.casefold())
    if key in made:
        return made[key]
    if company:
        contact = contact_create_company(created_by=user, company_name=name)
    else:
        # A person: the last word is the last name ("Ada King Lovelace": Ada King, Lovelace);
        # a contact named by its e-mail only is called by it.
        first, _, last = (name or email).rpartition(" ")
        if not first:
            first, last = last, ""
        contact = contact_create_person(
            created_by=user, first_name=first, last_name=last, email=email
        )
    made[key] = contact
    return contact


def _write(row: RowResult, *, user, made: dict) -> tuple[Opportunity, bool]:
    values = dict(row.values)
    external = values.pop("external_id", "")
    email = values.pop("contact_email", "")
    for name, company in (("contact", False), ("customer", True)):
        if isinstance(values.get(name), str):
            values[name] = _contact_for(values[name], email, company=company, user=user, made=made)
    if "expected_close_date" in values:
        values["expected_close_date"] = timezone.make_aware(
            datetime.combine(values["expected_close_date"], time.min)
        )
    if values.get("is_private"):
        # As a private deal made on the pages with nobody chosen: the importer alone on its
        # access list (its creator and responsible read it too, as always).
        values["access_list"] = []
    require = settings.LOST_REASON_REQUIRED_IN_API
    if row.target is not None:
        return (
            opportunity_update(
                opportunity=row.target, updated_by=user, require_lost_reason=require, **values
            ),
            False,
        )
    opportunity = opportunity_create(created_by=user, require_lost_reason=require, **values)
    if external:
        Opportunity.objects.filter(pk=opportunity.pk).update(external_id=external)
        opportunity.external_id = external
    return opportunity, True


@transaction.atomic
def opportunities_import(
    *, user, parsed: ParsedFile, mapping: list[str], all_or_nothing: bool, filename: str
) -> ImportOutcome:
    """Import the file's rows in one transaction: every valid row (the others reported), or,
    with `all_or_nothing`, every row or none when one has an error."""
    rows = import_preview(user=user, parsed=parsed, mapping=mapping)
    outcome = ImportOutcome(failed=[row for row in rows if row.errors])
    if all_or_nothing and outcome.failed:
        outcome.rolled_back = True
        return outcome
    made: dict = {}
    try:
        for row in rows:
            if row.errors:
                continue
            kept = dict(made)
            try:
                with transaction.atomic():
                    opportunity, created = _write(row, user=user, made=made)
            except (DomainError, IntegrityError) as exc:
                made.clear()
                made.update(kept)  # contacts made in the rolled-back savepoint are gone
                message = getattr(exc, "message", "") or "External ID is already used."
                row.errors.append(message)
                outcome.failed.append(row)
                if all_or_nothing:
                    raise _RollBack() from exc
                continue
            (outcome.created if created else outcome.updated).append(opportunity)
    except _RollBack:
        transaction.set_rollback(True)
        outcome.created, outcome.updated, outcome.rolled_back = [], [], True
        return outcome
    audit_record_many(
        [*outcome.created, *outcome.updated],
        action=AuditAction.IMPORTED,
        changed_by=user,
        new_value=filename[:200],
    )
    outcome.failed.sort(key=lambda row: row.number)
    return outcome
