"""The one table from domain names to RamBase names (contract §4–§6).

`OPPORTUNITY_FIELDS` lists the opportunity's filterable and sortable fields by RamBase path
(PascalCase, dotted), each with the ORM expression it reads, its type and its id offset.
`DOMAIN_FIELD_PATHS` names the services' domain fields (`bid_value`, `responsible`) as RamBase
does, for error messages, with the numbered error a refused value gets."""

from dataclasses import dataclass

from rambase import errors, ids

# value kinds
INTEGER = "integer"  # whole numbers
AMOUNT = "amount"  # money: compared as decimals, written as integers
STRING = "string"
DATE = "date"  # a calendar day in TIME_ZONE (stored as a DateTime or read from one)
DATETIME = "datetime"


@dataclass(frozen=True)
class Field:
    path: str  # RamBase path, PascalCase
    lookup: str  # ORM lookup or the name of an annotation (see rambase/opportunity_query.py)
    kind: str
    nullable: bool = False
    offset: int = 0  # RamBase id = stored key + offset


OPPORTUNITY_FIELDS = {
    field.path.lower(): field
    for field in (
        Field("SalesOpportunityId", "id", INTEGER, offset=ids.OPPORTUNITY),
        Field("Title", "title", STRING),
        Field("Status", "status_id", INTEGER, nullable=True),
        Field("Source", "source_id", INTEGER, nullable=True),
        Field("ExpectedCloseDate", "expected_close_date", DATE, nullable=True),
        Field("Probability", "success_probability", INTEGER),
        Field("CreatedAt", "created_at", DATETIME),
        Field("OpportunityStageChangedAt", "stage_entered_at", DATETIME),
        Field("OpportunityStatusChangedDate", "status_changed_at", DATE, nullable=True),
        Field("Currency", "bid_currency__abbreviation", STRING),
        Field("Value.UnweightedAmount", "bid_value", AMOUNT),
        Field("Value.WeightedAmount", "rb_weighted_amount", AMOUNT),
        Field("Value.OneTimeRevenueAmount", "one_time_revenue", AMOUNT),
        Field("Value.RecurringRevenueAmount", "recurring_revenue", AMOUNT),
        Field("Value.ContractMonths", "contract_months", INTEGER),
        Field("Contact.ContactId", "rb_contact_id", INTEGER, nullable=True, offset=ids.CONTACT),
        Field("Customer.CustomerId", "rb_customer_id", INTEGER, nullable=True, offset=ids.CONTACT),
        Field("Customer.Name", "rb_customer_name", STRING, nullable=True),
        Field("Owner.EmployeeId", "owner_id", INTEGER, nullable=True, offset=ids.EMPLOYEE),
        Field("Assignee.EmployeeId", "responsible_id", INTEGER, nullable=True, offset=ids.EMPLOYEE),
        Field("OpportunityStage.OpportunityStageId", "stage_id", INTEGER, offset=ids.STAGE),
        Field("OpportunityStage.Name", "stage__title", STRING),
    )
}
OPPORTUNITY_ID = OPPORTUNITY_FIELDS["salesopportunityid"]

STAGE_FIELDS = {
    field.path.lower(): field
    for field in (
        Field("OpportunityStageId", "id", INTEGER, offset=ids.STAGE),
        Field("Name", "title", STRING),
        Field("Probability", "success_probability", INTEGER),
        Field("DaysBeforeWarning", "days_before_warning", INTEGER, nullable=True),
        Field("SortIndex", "sort_order", INTEGER),
    )
}
STAGE_ID = STAGE_FIELDS["opportunitystageid"]

EMPLOYEE_FIELDS = {
    field.path.lower(): field
    for field in (
        Field("EmployeeId", "id", INTEGER, offset=ids.EMPLOYEE),
        Field("FirstName", "first_name", STRING),
        Field("LastName", "last_name", STRING),
    )
}
EMPLOYEE_ID = EMPLOYEE_FIELDS["employeeid"]


def resolve(fields: dict[str, Field], name: str) -> Field | None:
    """The field a filter or sort names: its path in any case, or a bare leaf name when only
    one path ends with it (`ContactId`, not `EmployeeId`)."""
    wanted = name.strip().lower()
    if wanted in fields:
        return fields[wanted]
    matches = [field for path, field in fields.items() if path.rsplit(".", 1)[-1] == wanted]
    return matches[0] if len(matches) == 1 else None


@dataclass(frozen=True)
class DomainName:
    path: str
    error_id: int = errors.INVALID_VALUE  # what a refused value of the field is


# The services' domain fields (opportunity and stage), as RamBase names them in errors.
DOMAIN_FIELD_PATHS = {
    "opportunity": {
        "title": DomainName("Title"),
        "bid_value": DomainName("Value.UnweightedAmount"),
        "one_time_revenue": DomainName("Value.OneTimeRevenueAmount"),
        "recurring_revenue": DomainName("Value.RecurringRevenueAmount"),
        "contract_months": DomainName("Value.ContractMonths"),
        "success_probability": DomainName("Probability"),
        "expected_close_date": DomainName("ExpectedCloseDate"),
        "bid_currency": DomainName("Currency", errors.UNKNOWN_REFERENCE),
        "stage": DomainName("OpportunityStage.OpportunityStageId"),
        "contact": DomainName("Contact.ContactId", errors.UNKNOWN_REFERENCE),
        "customer": DomainName("Customer.CustomerId", errors.UNKNOWN_REFERENCE),
        "owner": DomainName("Owner.EmployeeId", errors.UNKNOWN_REFERENCE),
        # the services refuse a missing responsible: RamBase's "Responsible cannot be empty."
        "responsible": DomainName("Assignee.EmployeeId", errors.RESPONSIBLE_EMPTY),
        "source": DomainName("Source", errors.SOURCE_NOT_FOUND),
        "status": DomainName("Status", errors.UNKNOWN_REFERENCE),
        "members": DomainName("Contact.ContactId", errors.UNKNOWN_REFERENCE),
        "custom_fields": DomainName("CustomFields", errors.UNKNOWN_REFERENCE),
    },
    "stage": {
        "title": DomainName("Name"),
        "success_probability": DomainName("Probability"),
        "days_before_warning": DomainName("DaysBeforeWarning"),
        "sort_order": DomainName("SortIndex"),
    },
}


def domain_name(entity: str | None, field: str | None) -> DomainName | None:
    if field is None:
        return None
    return DOMAIN_FIELD_PATHS.get(entity or "opportunity", {}).get(field)
