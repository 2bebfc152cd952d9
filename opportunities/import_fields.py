"""What an import file's columns may map to (domain field names), the presets, and the
conversion of one cell's text to a value (docs/import_export.md, "Import").

Conversions raise `CellError` with a sentence for the preview; references (stages, users,
contacts, currencies) are resolved in opportunities/import_services.py against the database."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from opportunities.models import BID_TYPE_LABELS, BidType
from opportunities.validation import MONEY_LIMIT

# domain field -> label on the mapping page, in the order the page lists them.
IMPORT_FIELDS = {
    "external_id": "External ID",
    "title": "Title",
    "description": "Description",
    "stage": "Stage",
    "bid_type": "Bid type",
    "bid_value": "Bid value",
    "per_period_value": "Periods",
    "bid_currency": "Currency",
    "success_probability": "Probability (%)",
    "expected_close_date": "Expected close date",
    "responsible": "Responsible (assignee)",
    "owner": "Owner",
    "contact": "Contact (person)",
    "contact_email": "Contact e-mail",
    "customer": "Customer (company)",
    "one_time_revenue": "One-time revenue",
    "recurring_revenue": "Monthly recurring revenue",
    "contract_months": "Contract months",
    "source": "Source",
    "tags": "Tags (comma-separated)",
    "status": "Status",
    "lost_reason": "Lost reason",
    "lost_comment": "Lost comment",
    "is_private": "Private",
}

# RamBase's import file layout: its column -> the domain field.
RAMBASE_PRESET = {
    "OWNER": "owner",
    "TITLE": "title",
    "ASSIGNEE": "responsible",
    "CNTNO": "contact",
    "CUSNO": "customer",
    "OPSNAME": "stage",
    "OPSNO": "stage",
    "VALUE": "bid_value",
    "PROBABILITY": "success_probability",
    "EXPECTEDCLOSEDATE": "expected_close_date",
    "ONETIMEREVENUE": "one_time_revenue",
    "RECURRINGREVENUE": "recurring_revenue",
    "CONTRACTLENGTH": "contract_months",
    "SOURCE": "source",
}
# The RamBase ids' fixed offsets (docs/rambase.md): employee = User.id + 100, contact and
# customer = Contact.id + 10000, stage = Stage.id + 100000. A number in a user, contact or
# stage column is read as such an id.
EMPLOYEE_OFFSET = 100
CONTACT_OFFSET = 10_000
STAGE_OFFSET = 100_000

# Column names (case and spaces ignored) guessed when nothing is remembered: the field names,
# their labels and the opportunities export's header (opportunities/export_selectors.py).
_ALIASES = {
    "externalid": "external_id",
    "amount": "bid_value",
    "value": "bid_value",
    "currency": "bid_currency",
    "probability": "success_probability",
    "expectedclosedate": "expected_close_date",
    "closedate": "expected_close_date",
    "responsibleemail": "responsible",
    "assignee": "responsible",
    "owneremail": "owner",
    "contactname": "contact",
    "contactemail": "contact_email",
    "email": "contact_email",
    "company": "customer",
}


# Columns that take their field before another column naming it: the e-mails before the
# names, and the export's per-period "Bid value" before its whole "Amount" (left unmapped).
_PREFERRED = {"responsibleemail", "owneremail", "bidvalue"}


def _squash(name: str) -> str:
    return re.sub(r"[\s_()%-]+", "", name.casefold())


_GUESSES = {
    **{_squash(field): field for field in IMPORT_FIELDS},
    **{_squash(label): field for field, label in IMPORT_FIELDS.items()},
    **_ALIASES,
}


def is_rambase_header(header) -> bool:
    """The RamBase preset applies: every column is one of RamBase's, and TITLE is there."""
    names = {name.strip().upper() for name in header if name.strip()}
    return "TITLE" in names and names <= set(RAMBASE_PRESET)


def guess_mapping(header) -> list[str]:
    """A field per column ("" to skip): the RamBase preset for its layout, else by name;
    a field is taken by its first column only."""
    if is_rambase_header(header):
        guesses = [RAMBASE_PRESET.get(name.strip().upper(), "") for name in header]
    else:
        guesses = [_GUESSES.get(_squash(name), "") for name in header]
    # Where two columns name a field ("Responsible" and "Responsible email", "Amount" and
    # "Bid value" in the export), the preferred column takes it; otherwise the first does.
    preferred = [_squash(name) in _PREFERRED for name in header]
    order = sorted(range(len(header)), key=lambda i: (not preferred[i], i))
    mapping = [""] * len(header)
    taken = set()
    for index in order:
        if guesses[index] and guesses[index] not in taken:
            mapping[index] = guesses[index]
            taken.add(guesses[index])
    return mapping


class CellError(Exception):
    """A cell's text is not a value of its field; the message names the field."""


def parse_money(text: str, label: str) -> Decimal:
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if len(cleaned) > 40:
        raise CellError(f"{label}: {text[:20]}… is too large.")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise CellError(f"{label}: “{text[:40]}” is not an amount.") from exc
    if not amount.is_finite():
        raise CellError(f"{label}: “{text[:40]}” is not an amount.")
    if amount < 0:
        raise CellError(f"{label} cannot be negative.")
    if amount > MONEY_LIMIT:
        raise CellError(f"{label} is too large.")
    return amount.quantize(Decimal("0.01"))


def parse_whole(text: str, label: str, *, high: int = 2_147_483_647) -> int:
    cleaned = text.strip()
    if re.fullmatch(r"\d{1,12}(\.0+)?", cleaned) is None:
        raise CellError(f"{label}: “{text[:40]}” is not a whole number.")
    number = int(Decimal(cleaned))
    if number > high:
        raise CellError(f"{label} must be between 0 and {high}.")
    return number


def parse_date(text: str, label: str) -> date:
    """YYYY-MM-DD, YYYYMMDD (RamBase's), or an ISO date and time (its date); years
    1900..2999."""
    cleaned = text.strip()
    try:
        if re.fullmatch(r"\d{8}", cleaned):
            value = datetime.strptime(cleaned, "%Y%m%d").date()
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
            value = date.fromisoformat(cleaned)
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ][\d:.+\-Z]{2,30}", cleaned):
            value = datetime.fromisoformat(cleaned.replace("Z", "+00:00")).date()
        else:
            raise ValueError(cleaned)
    except ValueError as exc:
        raise CellError(f"{label}: “{text[:40]}” is not a date (YYYY-MM-DD or YYYYMMDD).") from exc
    if not 1900 <= value.year <= 2999:
        raise CellError(f"{label}: {value.isoformat()} is out of range (years 1900 to 2999).")
    return value


# A bid type by the label the pages show ("Per month") or ONLYOFFICE's name ("PerMonth").
_BID_TYPES = {
    **{_squash(label): value for value, label in BID_TYPE_LABELS},
    **{_squash(name): value for value, name in BidType.choices},
}
_YES_NO = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


def parse_bid_type(text: str) -> int:
    bid_type = _BID_TYPES.get(_squash(text))
    if bid_type is None:
        labels = ", ".join(label for _, label in BID_TYPE_LABELS)
        raise CellError(f"Unknown bid type “{text[:40]}” (one of: {labels}).")
    return bid_type


def parse_yes_no(text: str, label: str) -> bool:
    answer = _YES_NO.get(text.strip().casefold())
    if answer is None:
        raise CellError(f"{label}: “{text[:40]}” is not yes or no (yes, no, true, false, 1, 0).")
    return answer


def check_text(text: str, label: str, *, limit: int) -> str:
    if text.startswith("="):
        raise CellError(f"{label}: formulas are not imported (“{text[:40]}”).")
    if len(text) > limit:
        raise CellError(f"{label} has more than {limit} characters.")
    return text
