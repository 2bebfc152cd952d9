"""A SalesOpportunity body (lower-cased keys, rambase/body.py) turned into the arguments of
`opportunities.services.opportunity_create` / `opportunity_update` (contract §4).

References are looked up among what the caller may see (an unknown or hidden one is 400
990002, below its minimum 400 990001); values go to the services as they came, and the
services' refusals (range, length, required title) come back as their domain errors, which
rambase/exception_handler.py names in RamBase's words. Read-only keys are ignored, so a GET
answer can be sent back; other unknown keys are 400 990003."""

from accounts.selectors import user_list_active
from contacts.selectors import contact_list_visible_to
from core.errors import NotFound
from core.selectors import currency_get
from opportunities.errors import StageNotFound
from opportunities.models import LeadSource, OpportunityStatus
from opportunities.selectors import stage_get
from rambase import errors, ids
from rambase.custom_field_names import custom_field_names, opportunity_custom_fields
from rambase.errors import RamBaseError, invalid_value, malformed, unknown_reference
from rambase.values import number_text, parse_date, text_value, whole_number

READ_ONLY = {
    "salesopportunityid",
    "opportunitystagechangedat",
    "opportunitystatuschangeddate",
    "createdat",
    "statusdescription",
    "sourcedescription",
    "currencydescription",
}
SCALARS = {  # key -> (service argument, converter)
    "title": ("title", lambda v, p: text_value(v, p) or ""),
    "probability": ("success_probability", whole_number),
    "expectedclosedate": ("expected_close_date", parse_date),
}
VALUE_FIELDS = {
    "unweightedamount": "bid_value",
    "onetimerevenueamount": "one_time_revenue",
    "recurringrevenueamount": "recurring_revenue",
    "contractmonths": "contract_months",
}
REFERENCES = {  # key -> (id key, service argument, RamBase path, id offset)
    "contact": ("contactid", "contact", "Contact.ContactId", ids.CONTACT),
    "customer": ("customerid", "customer", "Customer.CustomerId", ids.CONTACT),
    "owner": ("employeeid", "owner", "Owner.EmployeeId", ids.EMPLOYEE),
    "assignee": ("employeeid", "responsible", "Assignee.EmployeeId", ids.EMPLOYEE),
    "opportunitystage": (
        "opportunitystageid",
        "stage",
        "OpportunityStage.OpportunityStageId",
        ids.STAGE,
    ),
}
REFERENCE_READ_ONLY = {
    "contact": {"firstname", "lastname", "contactlink"},
    "customer": {
        "name",
        "firstname",
        "salesdistrict",
        "marketsegment",
        "salesdistrictdescription",
        "marketsegmentdescription",
        "customerlink",
    },
    "owner": {"lastname", "firstname", "employeelink"},
    "assignee": {"lastname", "firstname", "employeelink"},
    "opportunitystage": {"name", "probability", "daysbeforewarning", "opportunitystagelink"},
}


def _nested(value, path: str) -> dict | None:
    """A nested object; null or an empty element is None."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid_value(f"{path} must be an object.", path)
    return value


def _check_keys(data: dict, allowed: set[str], prefix: str) -> None:
    for key in data:
        if key not in allowed:
            raise malformed(f"Unknown field '{prefix}{key}'.", f"{prefix}{key}")


def _reference_id(value, offset: int, path: str) -> int | None:
    number = whole_number(value, path)
    if number is None:
        return None
    if number < offset:
        raise invalid_value(f"{path} must be at least {offset}.", path)
    if number - offset > ids.MAX_KEY:
        raise unknown_reference(f"{path} {number} does not exist.", path)
    return number - offset


def _contact(pk: int, path: str, user):
    contact = contact_list_visible_to(user=user).filter(pk=pk).first()
    if contact is None:
        raise unknown_reference(f"{path} {pk + ids.CONTACT} does not exist.", path)
    return contact


def _employee(pk: int, path: str):
    employee = user_list_active().filter(pk=pk).first()
    if employee is None:
        raise unknown_reference(f"{path} {pk + ids.EMPLOYEE} does not exist.", path)
    return employee


def _stage(pk: int, path: str):
    try:
        return stage_get(stage_id=pk)
    except StageNotFound as exc:
        raise unknown_reference(f"{path} {pk + ids.STAGE} does not exist.", path) from exc


def _reference(key: str, value, user, *, creating: bool):
    """(service argument, model instance or None), or None when the body changes nothing."""
    id_key, argument, path, offset = REFERENCES[key]
    data = _nested(value, path.split(".")[0])
    if data is not None:
        _check_keys(data, {id_key, *REFERENCE_READ_ONLY[key]}, f"{path.split('.')[0]}.")
        if id_key not in data:
            return None  # only read-only keys: nothing to change
        value = data[id_key]
    pk = _reference_id(value, offset, path)
    if pk is None:
        if key == "opportunitystage":
            raise invalid_value(f"{path} cannot be empty.", path)
        if key == "assignee" and creating:
            raise RamBaseError(errors.RESPONSIBLE_EMPTY, parameter=path)
        return argument, None  # clears it (the services refuse to clear the assignee)
    if key in ("contact", "customer"):
        return argument, _contact(pk, path, user)
    if key == "opportunitystage":
        return argument, _stage(pk, path)
    return argument, _employee(pk, path)


def _list_item(model, value, path: str, error_id: int):
    number = whole_number(value, path)
    if number is None:
        return None
    item = model.objects.filter(pk=number).first()
    if item is None:
        raise RamBaseError(error_id, f"{path} {number} does not exist.", parameter=path)
    return item


def _currency(value):
    code = (text_value(value, "Currency") or "").strip()
    if not code:
        raise invalid_value("Currency cannot be empty.", "Currency")
    try:
        return currency_get(abbreviation=code)
    except NotFound as exc:
        raise unknown_reference(f"Currency '{code[:20]}' does not exist.", "Currency") from exc


def _custom_fields(value) -> dict:
    data = _nested(value, "CustomFields")
    if not data:
        return {}
    definitions = opportunity_custom_fields()
    by_name = {name.lower(): d.pk for d, name in zip_names(definitions)}
    values = {}
    for name, raw in data.items():
        if name not in by_name:
            raise unknown_reference(f"Unknown custom field '{name}'.", f"CustomFields.{name}")
        if isinstance(raw, dict | list):
            raise invalid_value(f"CustomFields.{name} must be a value.", f"CustomFields.{name}")
        values[by_name[name]] = raw
    return values


def zip_names(definitions):
    names = custom_field_names(definitions)
    return [(definition, names[definition.pk]) for definition in definitions]


def opportunity_arguments(data: dict, *, user, creating: bool) -> dict:
    """The service arguments for the fields `data` names (omitted fields are left out)."""
    allowed = {*READ_ONLY, *SCALARS, *REFERENCES, "value", "status", "source", "currency"}
    _check_keys(data, {*allowed, "customfields"}, "")
    arguments: dict = {}
    for key, (argument, convert) in SCALARS.items():
        if key in data:
            path = {"expectedclosedate": "ExpectedCloseDate"}.get(key, key.capitalize())
            arguments[argument] = convert(data[key], path)
    value = _nested(data.get("value"), "Value")
    if value is not None:
        _check_keys(value, {*VALUE_FIELDS, "weightedamount"}, "Value.")
        for key, argument in VALUE_FIELDS.items():
            if key in value:
                path = (
                    "Value."
                    + {
                        "unweightedamount": "UnweightedAmount",
                        "onetimerevenueamount": "OneTimeRevenueAmount",
                        "recurringrevenueamount": "RecurringRevenueAmount",
                        "contractmonths": "ContractMonths",
                    }[key]
                )
                arguments[argument] = number_text(value[key], path)
    if "status" in data:
        arguments["status"] = _list_item(
            OpportunityStatus, data["status"], "Status", errors.UNKNOWN_REFERENCE
        )
    if "source" in data:
        arguments["source"] = _list_item(
            LeadSource, data["source"], "Source", errors.SOURCE_NOT_FOUND
        )
    if "currency" in data:
        arguments["bid_currency"] = _currency(data["currency"])
    for key in REFERENCES:
        if key in data:
            found = _reference(key, data[key], user, creating=creating)
            if found is not None:
                arguments[found[0]] = found[1]
    if "customfields" in data:
        arguments["custom_fields"] = _custom_fields(data["customfields"])
    if creating and "status" not in arguments:
        # POST's default (contract §4): the first active status
        arguments["status"] = OpportunityStatus.objects.filter(is_active=True).first()
    return arguments
