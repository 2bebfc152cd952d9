"""The RamBase SalesOpportunity (contract §4), in the seed's order, from a row of
`opportunity_rows`: PascalCase fields (rambase/formats.py lowers them for JSON)."""

from dataclasses import dataclass, field

from core.models import FieldType
from rambase import ids
from rambase.values import amount, format_date, format_datetime

CONTACT_LINK = "/collaboration/contacts/{}"
CUSTOMER_LINK = "/sales/customers/{}"
EMPLOYEE_LINK = "/human-resources/employees/{}"
STAGE_LINK = "/sales/opportunity-stages/{}"


@dataclass
class ShapeContext:
    """What a response renders with: absolute links, and the optional parts."""

    base_url: str  # scheme and host, no trailing slash
    custom_fields: list = field(default_factory=list)  # [(definition, RamBase name)], or []
    show_custom_fields: bool = False
    show_descriptions: bool = False

    def link(self, template: str, rambase_id) -> str:
        return self.base_url + template.format(rambase_id)


def _text(value: str | None) -> str | None:
    return value or None


def employee_shape(user, ctx: ShapeContext) -> dict:
    if user is None:
        return {"EmployeeId": None, "LastName": None, "FirstName": None, "EmployeeLink": None}
    employee_id = user.pk + ids.EMPLOYEE
    last, first = user.last_name, user.first_name
    if not last and not first:
        last = user.get_display_name()
    return {
        "EmployeeId": employee_id,
        "LastName": _text(last),
        "FirstName": _text(first),
        "EmployeeLink": ctx.link(EMPLOYEE_LINK, employee_id),
    }


def contact_names(contact) -> tuple[str | None, str | None]:
    """(first name, last name): a company's name is its last name."""
    if contact.is_company:
        return None, _text(contact.company_name)
    return _text(contact.first_name), _text(contact.last_name)


def _contact(opportunity, ctx) -> dict:
    contact = opportunity.contact if opportunity.contact_shown else None
    if contact is None:
        return {"ContactId": None, "FirstName": None, "LastName": None, "ContactLink": None}
    contact_id = contact.pk + ids.CONTACT
    first, last = contact_names(contact)
    return {
        "ContactId": contact_id,
        "FirstName": first,
        "LastName": last,
        "ContactLink": ctx.link(CONTACT_LINK, contact_id),
    }


def _customer(opportunity, ctx) -> dict:
    customer = opportunity.customer if opportunity.customer_shown else None
    shape = {"CustomerId": None, "Name": None, "FirstName": None, "SalesDistrict": None}
    if ctx.show_descriptions:
        shape["SalesDistrictDescription"] = None
    shape["MarketSegment"] = None
    if ctx.show_descriptions:
        shape["MarketSegmentDescription"] = None
    shape["CustomerLink"] = None
    if customer is not None:
        customer_id = customer.pk + ids.CONTACT
        first, last = contact_names(customer)
        shape.update(
            CustomerId=customer_id,
            Name=last,
            FirstName=first,
            CustomerLink=ctx.link(CUSTOMER_LINK, customer_id),
        )
    return shape


def stage_reference(stage, ctx) -> dict:
    stage_id = stage.pk + ids.STAGE
    return {
        "OpportunityStageId": stage_id,
        "Name": stage.title,
        "Probability": stage.success_probability,
        "DaysBeforeWarning": stage.days_before_warning,
        "OpportunityStageLink": ctx.link(STAGE_LINK, stage_id),
    }


def custom_field_value(definition, text: str | None):
    if text is None or text == "":
        return None
    if definition.field_type == FieldType.CHECK_BOX:
        return text == "true"
    return text


def opportunity_shape(opportunity, ctx: ShapeContext) -> dict:
    o = opportunity
    shape: dict = {"SalesOpportunityId": o.pk + ids.OPPORTUNITY, "Status": o.status_id}
    if ctx.show_descriptions:
        shape["StatusDescription"] = o.status.title if o.status_id else None
    shape.update(Title=o.title, Source=o.source_id)
    if ctx.show_descriptions:
        shape["SourceDescription"] = o.source.title if o.source_id else None
    shape.update(
        ExpectedCloseDate=format_date(o.expected_close_date),
        Probability=o.success_probability,
        OpportunityStageChangedAt=format_datetime(o.stage_entered_at),
        OpportunityStatusChangedDate=format_date(o.status_changed_at),
        CreatedAt=format_datetime(o.created_at),
        Currency=o.bid_currency_id,
    )
    if ctx.show_descriptions:
        shape["CurrencyDescription"] = o.bid_currency.title
    shape["Value"] = {
        "UnweightedAmount": amount(o.bid_value),
        "WeightedAmount": amount(o.bid_value * o.success_probability / 100),
        "OneTimeRevenueAmount": amount(o.one_time_revenue),
        "RecurringRevenueAmount": amount(o.recurring_revenue),
        "ContractMonths": o.contract_months,
    }
    shape["Contact"] = _contact(o, ctx)
    shape["Customer"] = _customer(o, ctx)
    shape["Owner"] = employee_shape(o.owner, ctx)
    shape["Assignee"] = employee_shape(o.responsible, ctx)
    shape["OpportunityStage"] = stage_reference(o.stage, ctx)
    if ctx.show_custom_fields:
        values = {value.field_id: value.value for value in o.custom_values.all()}
        shape["CustomFields"] = {
            name: custom_field_value(definition, values.get(definition.pk))
            for definition, name in ctx.custom_fields
        }
    return shape


_REFERENCE = {
    "Contact": ("ContactId", "FirstName", "LastName", "ContactLink"),
    "Customer": (
        "CustomerId",
        "Name",
        "FirstName",
        "SalesDistrict",
        "SalesDistrictDescription",
        "MarketSegment",
        "MarketSegmentDescription",
        "CustomerLink",
    ),
    "Owner": ("EmployeeId", "LastName", "FirstName", "EmployeeLink"),
    "Assignee": ("EmployeeId", "LastName", "FirstName", "EmployeeLink"),
    "OpportunityStage": (
        "OpportunityStageId",
        "Name",
        "Probability",
        "DaysBeforeWarning",
        "OpportunityStageLink",
    ),
    "Value": (
        "UnweightedAmount",
        "WeightedAmount",
        "OneTimeRevenueAmount",
        "RecurringRevenueAmount",
        "ContractMonths",
    ),
}
_PLAIN = (
    "SalesOpportunityId",
    "Status",
    "StatusDescription",
    "Title",
    "Source",
    "SourceDescription",
    "ExpectedCloseDate",
    "Probability",
    "OpportunityStageChangedAt",
    "OpportunityStatusChangedDate",
    "CreatedAt",
    "Currency",
    "CurrencyDescription",
)
# What `$select` may name (lower-cased): the fields and the dotted paths of the nested ones.
SELECTABLE = {name.lower() for name in _PLAIN} | {
    path.lower()
    for group, names in _REFERENCE.items()
    for path in (group, *(f"{group}.{name}" for name in names))
}
