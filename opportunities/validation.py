"""The opportunity services' input checks: each turns a value into what is stored, or raises
InvalidInput naming the domain field (`bid_value`, `stage`), as the model names it."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from accounts.models import User
from contacts.models import Contact
from contacts.selectors import contact_list_visible_to
from core.custom_fields import normalize_value
from core.errors import InvalidInput
from core.locks import lock_rows_for_reference
from core.models import Currency, CustomFieldDefinition, EntityType
from opportunities.models import BidType, LeadSource, OpportunityStatus, Stage

# Plain values an update may name; relations and lists are handled on their own.
SCALAR_FIELDS = {
    "title",
    "description",
    "bid_type",
    "bid_value",
    "per_period_value",
    "success_probability",
    "expected_close_date",
    "actual_close_date",
    "one_time_revenue",
    "recurring_revenue",
    "contract_months",
}
RELATION_FIELDS = {
    "contact",
    "customer",
    "responsible",
    "owner",
    "bid_currency",
    "stage",
    "source",
    "status",
}
LIST_FIELDS = {"members", "tags", "custom_fields"}
ACCESS_FIELDS = {"is_private", "access_list", "notify"}
# Why a deal was lost: set only with a lost stage (opportunities/lost_reasons.py).
LOST_FIELDS = frozenset({"lost_reason", "lost_comment"})
UPDATABLE_FIELDS = SCALAR_FIELDS | RELATION_FIELDS | LIST_FIELDS | ACCESS_FIELDS | LOST_FIELDS
MONEY_LIMIT = Decimal("9999999999999999.99")


def invalid(message: str, field: str, *, entity: str = "opportunity", **values) -> InvalidInput:
    """InvalidInput about `field` of an opportunity (or of `entity`); `{field}` in `message`
    is the field as each surface names it."""
    return InvalidInput(message, field=field, entity=entity, **values)


def clean_money(value, field: str) -> Decimal:
    if value is None or value == "":
        return Decimal("0")
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise invalid("{field} must be a number.", field) from exc
    if not amount.is_finite():
        raise invalid("{field} must be a number.", field)
    if amount < 0:
        raise invalid("{field} cannot be negative.", field)
    if amount > MONEY_LIMIT:
        raise invalid("{field} is too large.", field)
    return amount.quantize(Decimal("0.01"))


def clean_whole(
    value, field: str, *, entity: str = "opportunity", low: int = 0, high: int = 2_147_483_647
) -> int:
    if value is None or value == "":
        return 0

    def not_whole() -> InvalidInput:
        return invalid("{field} must be a whole number.", field, entity=entity)

    if isinstance(value, bool):
        raise not_whole()
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise not_whole() from exc
    if number != value and str(number) != str(value).strip():
        raise not_whole()
    if not low <= number <= high:
        raise invalid(
            "{field} must be between {low} and {high}.", field, entity=entity, low=low, high=high
        )
    return number


def clean_scalar(name: str, value):
    if name == "title":
        title = (value or "").strip()
        if not title:
            raise invalid("The title is required.", "title")
        if len(title) > 255:
            raise invalid("The title has at most 255 characters.", "title")
        return title
    if name == "description":
        return (value or "").strip()
    if name == "bid_type":
        return clean_whole(value, name, high=max(BidType.values))
    if name in {"bid_value", "one_time_revenue", "recurring_revenue"}:
        return clean_money(value, name)
    if name == "success_probability":
        return clean_whole(value, name, high=100)
    if name in {"per_period_value", "contract_months"}:
        return clean_whole(value, name)
    if name in {"expected_close_date", "actual_close_date"}:
        if value is not None and not isinstance(value, datetime):
            raise invalid("{field} must be a date.", name)
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value
    raise InvalidInput(f"Unknown field {name}")


def check_relation(name: str, value, *, acting_user, current_id: int | None = None) -> object:
    """Relations come as model instances (or None to clear); check they may be used.

    `current_id` is the deal's present value of the field (None for a new deal): a retired
    lead source or status is refused unless it is that one, which an edit keeps."""
    if name == "stage":
        if not isinstance(value, Stage):
            raise invalid("Deal milestone is not found", name)
        return value
    if name == "bid_currency":
        if not isinstance(value, Currency):
            raise invalid("Unknown currency.", name)
        return value
    if value is None:
        if name == "responsible":
            raise invalid("The responsible user is required.", name)
        return None
    if name in {"contact", "customer"}:
        if not isinstance(value, Contact) or not contacts_visible(acting_user, [value]):
            raise invalid("Contact not found", name)
        return value
    if name in {"responsible", "owner"}:
        if not isinstance(value, User) or not value.is_active:
            raise invalid("User not found", name)
        return value
    if name == "source" and not isinstance(value, LeadSource):
        raise invalid("Unknown lead source.", name)
    if name == "status" and not isinstance(value, OpportunityStatus):
        raise invalid("Unknown opportunity status.", name)
    if name in {"source", "status"} and not value.is_active and value.pk != current_id:
        raise invalid("{field} is no longer offered: choose another.", name)
    return value


def contacts_visible(user, contacts: list[Contact]) -> bool:
    ids = {contact.pk for contact in contacts}
    # The contacts a write links are locked now (after the opportunity's row), so a
    # concurrent delete of one either waits for this write or has won: "not found", not an
    # integrity error at commit.
    lock_rows_for_reference(Contact, ids)
    return contact_list_visible_to(user=user).filter(pk__in=ids).count() == len(ids)


def clean_members(members: Iterable[Contact], *, acting_user) -> list[Contact]:
    members = list({contact.pk: contact for contact in members}.values())
    if members and not contacts_visible(acting_user, members):
        raise invalid("Unknown contact in {field}.", "members")
    return members


def clean_custom_fields(values: dict) -> dict[CustomFieldDefinition, str]:
    """{definition id: raw value} -> {definition: stored text}; "" means delete."""
    if not values:
        return {}
    ids = {}
    for key in values:
        try:
            ids[key] = int(key)
        except (TypeError, ValueError) as exc:
            raise invalid("Unknown custom field {key}.", "custom_fields", key=key) from exc
    definitions = CustomFieldDefinition.objects.filter(entity_type=EntityType.OPPORTUNITY).in_bulk(
        list(ids.values())
    )
    cleaned = {}
    for key, raw in values.items():
        definition = definitions.get(ids[key])
        if definition is None:
            raise invalid("Unknown custom field {key}.", "custom_fields", key=key)
        cleaned[definition] = normalize_value(definition, raw)
    _check_definitions_stay(list(definitions))
    return cleaned


def _check_definitions_stay(ids: list[int]) -> None:
    """Hold the definitions a write sets values of until it commits (FOR KEY SHARE, after the
    deal's own lock): writers of other deals take the same shared lock and do not wait for each
    other, while `custom_field_delete` waits for this write (and its cascade then removes the
    value). A delete that committed between the read above and the lock is a clear
    InvalidInput now, not the foreign key's IntegrityError at commit (a 500): the lock's own
    answer says which are still there. SQLite serializes writers: no lock there."""
    locked = lock_rows_for_reference(CustomFieldDefinition, ids)
    if locked is None:
        return
    gone = sorted(set(ids) - locked)
    if gone:
        raise invalid("Custom field {key} no longer exists.", "custom_fields", key=gone[0])


def clean_access_list(users: Iterable[User]) -> list[User]:
    users = list(users or [])
    if any(not isinstance(user, User) or not user.is_active for user in users):
        raise invalid("Unknown user in {field}.", "access_list")
    return users
