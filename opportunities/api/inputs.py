"""Bound ONLYOFFICE parameters turned into the domain objects the opportunity services take.

Each helper names the wire parameter in its 400 (the API layer speaks wire names); an id the
caller may not read is refused like an unknown one."""

from accounts.models import User
from accounts.selectors import users_by_uuids
from contacts.models import Contact
from contacts.selectors import contact_list_visible_to
from core.errors import InvalidInput, NotFound
from core.models import Currency
from core.selectors import currency_get
from opportunities.errors import StageNotFound
from opportunities.models import BidType, LeadSource, OpportunityStatus, Stage
from opportunities.selectors import lost_reason_find, stage_get


def users_from_guids(guids, field: str) -> list[User]:
    """Active users by GUID, in the order given; an unknown one is a 400 naming the field."""
    wanted = list(dict.fromkeys(guids or []))
    found, missing = users_by_uuids(wanted)
    if missing:
        first = next(guid for guid in wanted if str(guid).lower() in missing)
        raise InvalidInput(f"Unknown user in {field}: {first}.", field=field)
    users = {user.uuid: user for user in found}
    return [users[guid] for guid in wanted]


def user_from_guid(guid, field: str) -> User | None:
    if guid is None or guid.int == 0:  # ONLYOFFICE's Guid.Empty: none
        return None
    return users_from_guids([guid], field)[0]


def access_list_from(params, name: str = "accessList") -> list[User] | None:
    """The access list a request names, or None when it names none (keep the current one)."""
    guids = params.guid_list(name)
    return None if guids is None else users_from_guids(guids, name)


def contacts_from_ids(ids, field: str, *, user) -> list[Contact]:
    """Contacts `user` may read, by id; one that is missing or hidden from `user` is the same
    400 naming the field (a caller cannot tell the two apart)."""
    wanted = list(dict.fromkeys(ids or []))
    contacts = contact_list_visible_to(user=user).in_bulk(wanted) if wanted else {}
    missing = [contact_id for contact_id in wanted if contact_id not in contacts]
    if missing:
        raise InvalidInput(f"Unknown contact in {field}: {missing[0]}.", field=field)
    return [contacts[contact_id] for contact_id in wanted]


def contact_from_id(contact_id: int | None, field: str, *, user) -> Contact | None:
    if not contact_id:  # 0: none
        return None
    return contacts_from_ids([contact_id], field, user=user)[0]


def currency_from_code(abbreviation: str | None, field: str) -> Currency | None:
    code = (abbreviation or "").strip().upper()
    if not code:
        return None
    try:
        return currency_get(abbreviation=code)
    except NotFound as exc:  # a parameter naming no currency is a 400
        raise InvalidInput(f"Unknown currency '{code}'.", field=field) from exc


def stage_from_id(stage_id: int | None, field: str) -> Stage | None:
    if not stage_id:
        return None
    try:
        return stage_get(stage_id=stage_id)
    except StageNotFound as exc:  # a parameter naming no stage is a 400, not a 404
        raise InvalidInput(exc.message, field=field) from exc


def list_item_from_reference(model, value: str | None, field: str):
    """A lead source or status by id or title (any case); empty means none. A reference no row
    could have (an id beyond 64 bits, a title longer than the column) is unknown without a
    query: SQLite refuses such a LIKE ("pattern too complex")."""
    text = (value or "").strip()
    if not text:
        return None
    item = None
    if text.isdigit():
        if len(text) <= 18:
            item = model.objects.filter(pk=int(text)).first()
    elif len(text) <= model._meta.get_field("title").max_length:
        item = model.objects.filter(title__iexact=text).first()
    if item is None:
        raise InvalidInput(f"Unknown {field} '{text[:100]}'.", field=field)
    return item


def lost_reason_from_reference(value: str | None, field: str = "lostReason"):
    """A lost reason by id or title (any case); empty means none; unknown is a 400."""
    text = (value or "").strip()
    if not text:
        return None
    reason = lost_reason_find(reference=text)
    if reason is None:
        raise InvalidInput(f"Unknown {field} '{text[:100]}'.", field=field)
    return reason


def lost_arguments(params) -> dict:
    """`lostReason` and `lostComment` of a stage move, as `opportunity_move_to_stage` takes them."""
    return {
        "lost_reason": lost_reason_from_reference(params.reference("lostReason")),
        "lost_comment": params.string("lostComment") or "",
    }


def probability_clamped(value: int | None) -> int | None:
    """Clamped to 0..100, as ONLYOFFICE does."""
    return None if value is None else max(0, min(100, value))


def _tags(values) -> list[str]:
    return [tag for tag in (str(value).strip() for value in values or []) if tag]


# Wire name -> (service argument, converter(params, wire name)).
WRITE_FIELDS = {
    "title": ("title", lambda p, n: p.string(n)),
    "description": ("description", lambda p, n: p.string(n)),
    # contact ids; `opportunity_changes` turns them into the contacts the caller may read
    "contactid": ("contact", lambda p, n: p.integer(n)),
    "customerid": ("customer", lambda p, n: p.integer(n)),
    "members": ("members", lambda p, n: p.int_list(n)),
    "responsibleid": ("responsible", lambda p, n: user_from_guid(p.guid(n), n)),
    "ownerid": ("owner", lambda p, n: user_from_guid(p.guid(n), n)),
    "bidType": ("bid_type", lambda p, n: p.enum(n, BidType)),
    "bidValue": ("bid_value", lambda p, n: p.decimal(n)),
    "bidCurrencyAbbr": ("bid_currency", lambda p, n: currency_from_code(p.string(n), n)),
    "perPeriodValue": ("per_period_value", lambda p, n: p.integer(n)),
    "stageid": ("stage", lambda p, n: stage_from_id(p.integer(n), n)),
    "successProbability": ("success_probability", lambda p, n: probability_clamped(p.integer(n))),
    "actualCloseDate": ("actual_close_date", lambda p, n: p.date(n)),
    "expectedCloseDate": ("expected_close_date", lambda p, n: p.date(n)),
    "customFieldList": ("custom_fields", lambda p, n: p.key_value_list(n)),
    "isPrivate": ("is_private", lambda p, n: p.boolean(n)),
    "accessList": ("access_list", lambda p, n: users_from_guids(p.guid_list(n), n)),
    "isNotify": ("notify", lambda p, n: bool(p.boolean(n))),
    "source": ("source", lambda p, n: list_item_from_reference(LeadSource, p.reference(n), n)),
    "status": (
        "status",
        lambda p, n: list_item_from_reference(OpportunityStatus, p.reference(n), n),
    ),
    "oneTimeRevenue": ("one_time_revenue", lambda p, n: p.decimal(n)),
    "recurringRevenue": ("recurring_revenue", lambda p, n: p.decimal(n)),
    "contractMonths": ("contract_months", lambda p, n: p.integer(n)),
    "tags": ("tags", lambda p, n: _tags(p.sequence(n))),
    "lostReason": ("lost_reason", lambda p, n: lost_reason_from_reference(p.reference(n), n)),
    "lostComment": ("lost_comment", lambda p, n: p.string(n)),
}

CONTACT_FIELDS = {"contactid": "contact", "customerid": "customer"}


def opportunity_changes(params, *, user) -> dict:
    """The service arguments for the fields the request names (decision 1: omitted fields are
    left out; an explicit null or "" is passed on and clears). Contacts are looked up among
    those `user` may read."""
    changes = {
        argument: convert(params, wire)
        for wire, (argument, convert) in WRITE_FIELDS.items()
        if params.has(wire)
    }
    for wire, argument in CONTACT_FIELDS.items():
        if argument in changes:
            changes[argument] = contact_from_id(changes[argument], wire, user=user)
    if "members" in changes:
        changes["members"] = contacts_from_ids(changes["members"], "members", user=user)
    return changes


def opportunity_create_arguments(params, *, user) -> dict:
    """`opportunity_changes` with the defaults a create needs where the request names none."""
    changes = opportunity_changes(params, user=user)
    for name in ("members", "access_list", "tags", "owner"):  # no owner: the caller
        if changes.get(name) is None:
            changes.pop(name, None)
    changes["custom_fields"] = changes.get("custom_fields") or {}
    changes["is_private"] = bool(changes.get("is_private"))
    changes["title"] = changes.get("title") or ""
    changes["lost_comment"] = changes.get("lost_comment") or ""
    return changes
