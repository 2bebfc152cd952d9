"""Every write on an opportunity, used by the API, the board, the pages and the admin.

Each service validates its input, raises a typed domain error, and runs in one transaction, so a
refused operation writes nothing."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Prefetch
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User
from contacts.lock_objects import contacts_lock_for_link
from contacts.models import Contact
from contacts.selectors import contact_list_visible_to
from core.access import clear_access_list, replace_access_list
from core.custom_fields import normalize_value
from core.errors import AccessDenied, InvalidInput, NotFound
from core.limits import check_length
from core.models import Currency, CustomFieldDefinition, EntityType, Tag
from core.notifications import notify_access_granted_on_commit
from core.selectors import currency_base
from core.services import require_admin, tags_get_or_create
from opportunities.counts_cache import counts_invalidate
from opportunities.errors import (
    OpportunityChanged,
    OpportunityNotFound,
    ResponsibleChangeDenied,
    StageInUse,
)
from opportunities.lock_objects import (
    opportunity_qs_select_for_update,
    stage_qs_select_for_update,
)
from opportunities.models import (
    BidType,
    LeadSource,
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityMember,
    OpportunityStatus,
    OpportunityUserObjectPermission,
    Stage,
    StageChange,
    StageType,
)
from opportunities.selectors import (
    opportunity_access_user_ids,
    opportunity_can_change_access,
    opportunity_can_edit,
    opportunity_list_visible_to,
    stage_first_open,
)

# Plain values an update may name; relations and lists are handled on their own below.
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
UPDATABLE_FIELDS = SCALAR_FIELDS | RELATION_FIELDS | LIST_FIELDS | ACCESS_FIELDS
MONEY_LIMIT = Decimal("9999999999999999.99")


# -- validation --------------------------------------------------------------------------------


def _money(value, field: str) -> Decimal:
    if value is None or value == "":
        return Decimal("0")
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(f"{field} must be a number.", field=field) from exc
    if not amount.is_finite():
        raise InvalidInput(f"{field} must be a number.", field=field)
    if amount < 0:
        raise InvalidInput(f"{field} cannot be negative.", field=field)
    if amount > MONEY_LIMIT:
        raise InvalidInput(f"{field} is too large.", field=field)
    return amount.quantize(Decimal("0.01"))


def _whole(value, field: str, *, low: int = 0, high: int = 2_147_483_647) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise InvalidInput(f"{field} must be a whole number.", field=field)
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{field} must be a whole number.", field=field) from exc
    if number != value and str(number) != str(value).strip():
        raise InvalidInput(f"{field} must be a whole number.", field=field)
    if not low <= number <= high:
        raise InvalidInput(f"{field} must be between {low} and {high}.", field=field)
    return number


def _clean_scalar(name: str, value):
    if name == "title":
        title = (value or "").strip()
        if not title:
            raise InvalidInput("The title is required.", field="title")
        if len(title) > 255:
            raise InvalidInput("The title has at most 255 characters.", field="title")
        return title
    if name == "description":
        return (value or "").strip()
    if name == "bid_type":
        return _whole(value, "bidType", high=max(BidType.values))
    if name in {"bid_value", "one_time_revenue", "recurring_revenue"}:
        return _money(value, _wire_name(name))
    if name == "success_probability":
        return _whole(value, "successProbability", high=100)
    if name in {"per_period_value", "contract_months"}:
        return _whole(value, _wire_name(name))
    if name in {"expected_close_date", "actual_close_date"}:
        if value is not None and not isinstance(value, datetime):
            raise InvalidInput(f"{_wire_name(name)} must be a date.", field=_wire_name(name))
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value
    raise InvalidInput(f"Unknown field {name}")


def _wire_name(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _check_relation(name: str, value, *, acting_user) -> object:
    """Relations come as model instances (or None to clear); check they may be used."""
    if name == "stage":
        if not isinstance(value, Stage):
            raise InvalidInput("Deal milestone is not found", field="stageid")
        return value
    if name == "bid_currency":
        if not isinstance(value, Currency):
            raise InvalidInput("Unknown currency.", field="bidCurrencyAbbr")
        return value
    if value is None:
        if name == "responsible":
            raise InvalidInput("The responsible user is required.", field="responsibleid")
        return None
    if name in {"contact", "customer"}:
        if not isinstance(value, Contact) or not _contacts_visible(acting_user, [value]):
            raise InvalidInput(
                "Contact not found", field="contactid" if name == "contact" else "customerid"
            )
        return value
    if name in {"responsible", "owner"}:
        if not isinstance(value, User) or not value.is_active:
            raise InvalidInput("User not found", field=f"{name}id")
        return value
    if name == "source" and not isinstance(value, LeadSource):
        raise InvalidInput("Unknown lead source.", field="source")
    if name == "status" and not isinstance(value, OpportunityStatus):
        raise InvalidInput("Unknown opportunity status.", field="status")
    return value


def _contacts_visible(user, contacts: list[Contact]) -> bool:
    ids = {contact.pk for contact in contacts}
    # The contacts a write links are locked now (after the opportunity's row), so a
    # concurrent delete of one either waits for this write or has won: "not found", not an
    # integrity error at commit.
    contacts_lock_for_link(ids)
    return contact_list_visible_to(user=user).filter(pk__in=ids).count() == len(ids)


def _clean_members(members: Iterable[Contact], *, acting_user) -> list[Contact]:
    members = list({contact.pk: contact for contact in members}.values())
    if members and not _contacts_visible(acting_user, members):
        raise InvalidInput("Unknown contact in members.", field="members")
    return members


def _keep_hidden_contacts(
    opportunity: Opportunity, cleaned: dict, members: list[Contact] | None, *, user: User
) -> None:
    """What `user` cannot see does not exist for them, so their update leaves it alone: the
    contact or customer they see as none is not cleared, and replacing the members they see
    keeps those they cannot see (the page's edit form and PUT alike)."""
    for name in ("contact", "customer"):
        current = getattr(opportunity, f"{name}_id")
        if (
            name in cleaned
            and cleaned[name] is None
            and current is not None
            and not contact_list_visible_to(user=user).filter(pk=current).exists()
        ):
            del cleaned[name]
    if members is not None:
        members.extend(
            Contact.objects.filter(opportunities=opportunity).exclude(
                pk__in=contact_list_visible_to(user=user).values("pk")
            )
        )


def _clean_custom_fields(values: dict) -> dict[CustomFieldDefinition, str]:
    """{definition id: raw value} -> {definition: stored text}; "" means delete."""
    if not values:
        return {}
    ids = {}
    for key in values:
        try:
            ids[key] = int(key)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"Unknown custom field {key}.", field="customFieldList") from exc
    definitions = CustomFieldDefinition.objects.filter(entity_type=EntityType.OPPORTUNITY).in_bulk(
        list(ids.values())
    )
    cleaned = {}
    for key, raw in values.items():
        definition = definitions.get(ids[key])
        if definition is None:
            raise InvalidInput(f"Unknown custom field {key}.", field="customFieldList")
        cleaned[definition] = normalize_value(definition, raw)
    return cleaned


def _clean_access_list(users: Iterable[User]) -> list[User]:
    users = list(users or [])
    if any(not isinstance(user, User) or not user.is_active for user in users):
        raise InvalidInput("Unknown user in accessList.", field="accessList")
    return users


# -- writes --------------------------------------------------------------------------------------


def _apply_close_date_rule(opportunity: Opportunity, stage: Stage, *, explicit_close: bool) -> None:
    """Decision 6: entering a closed stage sets the actual close date unless one was given;
    going back to an open stage clears it."""
    if explicit_close:
        return
    opportunity.actual_close_date = None if stage.stage_type == StageType.OPEN else timezone.now()


def _record_stage_change(opportunity, *, from_stage_id, to_stage, changed_by, at) -> None:
    StageChange.objects.create(
        opportunity=opportunity,
        from_stage_id=from_stage_id,
        to_stage=to_stage,
        changed_by=changed_by,
        changed_at=at,
    )


def _set_members(opportunity: Opportunity, members: list[Contact]) -> None:
    wanted = {contact.pk for contact in members}
    OpportunityMember.objects.filter(opportunity=opportunity).exclude(
        contact_id__in=wanted
    ).delete()
    current = set(
        OpportunityMember.objects.filter(opportunity=opportunity).values_list(
            "contact_id", flat=True
        )
    )
    OpportunityMember.objects.bulk_create(
        OpportunityMember(opportunity=opportunity, contact_id=contact_id)
        for contact_id in wanted - current
    )


def _set_custom_values(opportunity: Opportunity, values: dict[CustomFieldDefinition, str]) -> None:
    for definition, text in values.items():
        if text:
            OpportunityCustomFieldValue.objects.update_or_create(
                opportunity=opportunity, field=definition, defaults={"value": text}
            )
        else:
            OpportunityCustomFieldValue.objects.filter(
                opportunity=opportunity, field=definition
            ).delete()


def _apply_access(
    opportunity: Opportunity, *, is_private: bool, access_list, set_by: User, notify: bool
) -> None:
    """Decision 2: private means private, and the caller is always on the list."""
    if is_private:
        if access_list is None:  # keep the current list
            access_list = User.objects.filter(pk__in=opportunity_access_user_ids(opportunity))
        added = replace_access_list(
            OpportunityUserObjectPermission, opportunity, [*access_list, set_by]
        )
        if notify:
            notify_access_granted_on_commit(
                users=[user for user in added if user.pk != set_by.pk],
                subject=f"You have been given access to the opportunity “{opportunity.title}”",
                body=(
                    f"{set_by.get_display_name()} gave you access to the private opportunity "
                    f"“{opportunity.title}” (#{opportunity.pk})."
                ),
            )
    else:
        clear_access_list(OpportunityUserObjectPermission, opportunity)
    if opportunity.is_private != is_private:
        opportunity.is_private = is_private
        opportunity.save(update_fields=["is_private"])


@transaction.atomic
def opportunity_create(
    *,
    created_by: User,
    title: str,
    stage: Stage | None = None,
    bid_currency: Currency | None = None,
    responsible: User | None = None,
    owner: User | None = None,
    contact: Contact | None = None,
    customer: Contact | None = None,
    members: Iterable[Contact] = (),
    tags: Iterable[str] = (),
    custom_fields: dict | None = None,
    is_private: bool = False,
    access_list: Iterable[User] = (),
    notify: bool = False,
    source: LeadSource | None = None,
    status: OpportunityStatus | None = None,
    **scalars,
) -> Opportunity:
    """Create an opportunity. Lenient defaults (decision 4): the caller is responsible, the base
    currency is used and the first open stage is taken when none is given; the probability
    defaults to the stage's."""
    unknown = set(scalars) - SCALAR_FIELDS
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    now = timezone.now()
    values = {name: _clean_scalar(name, value) for name, value in scalars.items()}
    values["title"] = _clean_scalar("title", title)
    relations = {
        "stage": stage or stage_first_open(),
        "bid_currency": bid_currency or currency_base(),
        "responsible": responsible or created_by,
        "owner": owner or created_by,
        "contact": contact,
        "customer": customer,
        "source": source,
        "status": status,
    }
    for name, value in relations.items():
        values[name] = _check_relation(name, value, acting_user=created_by)
    members = _clean_members([*members, *([contact] if contact else [])], acting_user=created_by)
    custom_values = _clean_custom_fields(custom_fields or {})
    access_users = _clean_access_list(access_list)

    opportunity = Opportunity(
        **values,
        created_by=created_by,
        created_at=now,
        updated_at=now,
        stage_entered_at=now,
        status_changed_at=now if status else None,
    )
    if "success_probability" not in scalars or scalars["success_probability"] in (None, ""):
        opportunity.success_probability = opportunity.stage.success_probability
    _apply_close_date_rule(
        opportunity, opportunity.stage, explicit_close=values.get("actual_close_date") is not None
    )
    counts_invalidate()
    opportunity.save()
    _record_stage_change(
        opportunity, from_stage_id=None, to_stage=opportunity.stage, changed_by=created_by, at=now
    )
    _set_members(opportunity, members)
    if tags:
        opportunity.tags.set(tags_get_or_create(entity_type=EntityType.OPPORTUNITY, titles=tags))
    _set_custom_values(opportunity, custom_values)
    if is_private:
        _apply_access(
            opportunity, is_private=True, access_list=access_users, set_by=created_by, notify=notify
        )
    return opportunity


def _lock(opportunity: Opportunity, *, visible_to: User | None = None) -> Opportunity:
    """The opportunity's row, locked until the transaction ends. Only that row: PostgreSQL
    refuses FOR UPDATE on the nullable side of the outer joins to `responsible`/`created_by`.
    With `visible_to`, only if that user may see it: the lock and the visibility check are
    then one query (OpportunityNotFound, a NotFound, otherwise)."""
    rows = (
        Opportunity.objects if visible_to is None else opportunity_list_visible_to(user=visible_to)
    )
    # No joins in the locking query: when a concurrent writer changed the row, PostgreSQL
    # re-checks the new version against the join conditions with the old joined rows, so a
    # join on a changed foreign key (a concurrent move's stage) would drop the row.
    locked = rows.select_for_update().filter(pk=opportunity.pk).order_by("pk").first()
    if locked is None:  # deleted meanwhile
        raise OpportunityNotFound()
    return locked


def _lock_all(opportunity_ids: Iterable[int]) -> None:
    """Lock every row a multi-row service will write, in primary-key order
    (`opportunity_qs_select_for_update`), before its first write: a transaction holding one
    of them waits for the others instead of deadlocking with this one."""
    list(
        opportunity_qs_select_for_update()
        .filter(pk__in=list(opportunity_ids))
        .values_list("pk", flat=True)
    )


def _bump_version(opportunity: Opportunity) -> None:
    """Raise the version of a locked row whose relations (members, tags, custom values)
    changed: every service write raises it, so an edit form read before is refused
    (`opportunity_update(expected_version=...)`). Writes that save the row itself raise
    `opportunity.version` in the same statement instead."""
    Opportunity.objects.filter(pk=opportunity.pk).update(version=F("version") + 1)
    opportunity.version += 1


def _check_version(opportunity: Opportunity, expected_version: int | None) -> None:
    """OpportunityChanged when the locked row is no longer at the version the caller read
    (an edit form's hidden field); None skips the check (the API, which has no version)."""
    if expected_version is not None and opportunity.version != expected_version:
        raise OpportunityChanged(current=opportunity)


def _check_responsible_change(opportunity: Opportunity, responsible: User, *, user: User) -> None:
    """Point 4 of the hardening issue: the responsible person always reads and edits the
    opportunity, so on a private one choosing them is an access change: only those who may
    change its access may do it (others could otherwise widen the list, or keep their own
    access after the creator removed them)."""
    if (
        opportunity.is_private
        and responsible.pk != opportunity.responsible_id
        and not opportunity_can_change_access(user=user, opportunity=opportunity)
    ):
        raise ResponsibleChangeDenied()


def _lock_editable(opportunity: Opportunity, *, user: User) -> Opportunity:
    """The row locked, if `user` may see it (else OpportunityNotFound) and edit it (else
    AccessDenied): the lock and the visibility check are one query."""
    opportunity = _lock(opportunity, visible_to=user)
    if not opportunity_can_edit(user=user, opportunity=opportunity):
        raise AccessDenied()
    return opportunity


@transaction.atomic
def opportunity_update(
    *,
    opportunity: Opportunity,
    updated_by: User,
    expected_version: int | None = None,
    **changes,
) -> Opportunity:
    """Change exactly the named fields (decision 1: nothing is lost by omission).

    A named field set to None or "" is cleared. A stage change goes through the same rules as
    `opportunity_move_to_stage`. Access changes apply only for admins and the creator; for
    others they are skipped, as ONLYOFFICE does. Changing who is responsible for a private
    opportunity is an access change: others get ResponsibleChangeDenied (403). With
    `expected_version` (edit forms), a row written since that version is refused with
    OpportunityChanged and nothing is written."""
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    opportunity = _lock_editable(opportunity, user=updated_by)
    counts_invalidate()
    _check_version(opportunity, expected_version)
    now = timezone.now()

    cleaned = {
        name: _clean_scalar(name, value) for name, value in changes.items() if name in SCALAR_FIELDS
    }
    for name in RELATION_FIELDS & set(changes):
        cleaned[name] = _check_relation(name, changes[name], acting_user=updated_by)
    if "responsible" in cleaned:
        _check_responsible_change(opportunity, cleaned["responsible"], user=updated_by)
    members = (
        _clean_members(changes["members"] or [], acting_user=updated_by)
        if "members" in changes
        else None
    )
    _keep_hidden_contacts(opportunity, cleaned, members, user=updated_by)
    custom_values = _clean_custom_fields(changes.get("custom_fields") or {})
    access_users = (
        _clean_access_list(changes["access_list"])
        if changes.get("access_list") is not None
        else None
    )

    previous_stage_id = opportunity.stage_id
    previous_status_id = opportunity.status_id
    for name, value in cleaned.items():
        setattr(opportunity, name, value)
    if "status" in cleaned and opportunity.status_id != previous_status_id:
        opportunity.status_changed_at = now
    stage_changed = "stage" in cleaned and cleaned["stage"].pk != previous_stage_id
    if stage_changed:
        opportunity.stage_entered_at = now
        if changes.get("success_probability") in (None, ""):
            opportunity.success_probability = opportunity.stage.success_probability
        _apply_close_date_rule(
            opportunity,
            opportunity.stage,
            explicit_close=cleaned.get("actual_close_date") is not None,
        )
    opportunity.updated_at = now
    opportunity.version += 1
    opportunity.save()

    if stage_changed:
        _record_stage_change(
            opportunity,
            from_stage_id=previous_stage_id,
            to_stage=opportunity.stage,
            changed_by=updated_by,
            at=now,
        )
    if members is not None or (cleaned.get("contact") is not None):
        current = members if members is not None else list(opportunity.members.all())
        if cleaned.get("contact") is not None:
            current = [*current, cleaned["contact"]]
        _set_members(opportunity, current)
    if "tags" in changes:
        opportunity.tags.set(
            tags_get_or_create(entity_type=EntityType.OPPORTUNITY, titles=changes["tags"] or [])
        )
    _set_custom_values(opportunity, custom_values)
    if ACCESS_FIELDS & set(changes) and opportunity_can_change_access(
        user=updated_by, opportunity=opportunity
    ):
        is_private = changes.get("is_private")
        if is_private is None:
            is_private = opportunity.is_private or bool(access_users)
        _apply_access(
            opportunity,
            is_private=is_private,
            access_list=access_users,
            set_by=updated_by,
            notify=bool(changes.get("notify")),
        )
    return opportunity


@transaction.atomic
def opportunity_move_to_stage(
    *, opportunity: Opportunity, stage: Stage, moved_by: User
) -> Opportunity:
    """Move to `stage`: probability from the stage, actual close date set on entering a closed
    stage and cleared on leaving it, and a history row. Moving to the current stage is a no-op."""
    opportunity = _lock_editable(opportunity, user=moved_by)
    counts_invalidate()
    if not isinstance(stage, Stage):
        raise InvalidInput("Deal milestone is not found", field="stageid")
    if stage.pk == opportunity.stage_id:
        return opportunity
    now = timezone.now()
    previous_stage_id = opportunity.stage_id
    opportunity.stage = stage
    opportunity.stage_entered_at = now
    opportunity.success_probability = stage.success_probability
    _apply_close_date_rule(opportunity, stage, explicit_close=False)
    opportunity.updated_at = now
    opportunity.version += 1
    opportunity.save(
        update_fields=[
            "stage",
            "stage_entered_at",
            "success_probability",
            "actual_close_date",
            "updated_at",
            "version",
        ]
    )
    _record_stage_change(
        opportunity, from_stage_id=previous_stage_id, to_stage=stage, changed_by=moved_by, at=now
    )
    return opportunity


@transaction.atomic
def opportunity_set_access(
    *,
    opportunity: Opportunity,
    is_private: bool,
    access_list: Iterable[User] | None,
    set_by: User,
    notify: bool = False,
    expected_version: int | None = None,
) -> Opportunity:
    """Make the opportunity public (its access list emptied) or private with `access_list`
    (None keeps the current list); `set_by` is always on it. With `expected_version` (the
    sharing form), OpportunityChanged when it was written since."""
    opportunity = _lock(opportunity, visible_to=set_by)
    counts_invalidate()
    if not opportunity_can_change_access(user=set_by, opportunity=opportunity):
        raise AccessDenied()
    _check_version(opportunity, expected_version)
    users = _clean_access_list(access_list) if access_list is not None else None
    _apply_access(
        opportunity, is_private=bool(is_private), access_list=users, set_by=set_by, notify=notify
    )
    opportunity.updated_at = timezone.now()
    opportunity.version += 1
    opportunity.save(update_fields=["updated_at", "version"])
    return opportunity


@transaction.atomic
def opportunity_set_access_many(
    *,
    opportunities: Iterable[Opportunity],
    is_private: bool,
    access_list: Iterable[User] | None,
    set_by: User,
    notify: bool = False,
) -> list[int]:
    """Set access on every opportunity `set_by` may change, skipping the others (ONLYOFFICE's
    batch access routes); returns the ids changed."""
    changed = [
        opportunity.pk
        for opportunity in opportunities
        if opportunity_can_change_access(user=set_by, opportunity=opportunity)
    ]
    _lock_all(changed)
    users = None if access_list is None else list(access_list)
    for opportunity_id in changed:
        opportunity_set_access(
            opportunity=Opportunity(pk=opportunity_id),
            is_private=is_private,
            access_list=users,
            set_by=set_by,
            notify=notify,
        )
    return changed


@transaction.atomic
def opportunity_add_member(
    *, opportunity: Opportunity, contact: Contact, added_by: User
) -> Contact:
    opportunity = _lock_editable(opportunity, user=added_by)
    counts_invalidate()
    if not _contacts_visible(added_by, [contact]):
        raise NotFound("Contact not found")
    _, created = OpportunityMember.objects.get_or_create(opportunity=opportunity, contact=contact)
    if created:
        _bump_version(opportunity)
    return contact


@transaction.atomic
def opportunity_remove_member(
    *, opportunity: Opportunity, contact: Contact, removed_by: User, keep_primary: bool = False
) -> Contact:
    """Unlink a contact. `keep_primary` refuses to unlink the primary contact (the contact-side
    route does; the opportunity-side route allows it and clears the primary contact)."""
    opportunity = _lock_editable(opportunity, user=removed_by)
    counts_invalidate()
    if not _contacts_visible(removed_by, [contact]):
        raise NotFound("Contact not found")
    was_primary = opportunity.contact_id == contact.pk
    if was_primary:
        if keep_primary:
            raise AccessDenied("Can't unlink base contact")
        opportunity.contact = None
        opportunity.version += 1
        opportunity.save(update_fields=["contact", "version"])
    deleted, _ = OpportunityMember.objects.filter(opportunity=opportunity, contact=contact).delete()
    if deleted and not was_primary:
        _bump_version(opportunity)
    return contact


@transaction.atomic
def opportunity_set_custom_field(
    *, opportunity: Opportunity, field_id: int, value, set_by: User
) -> OpportunityCustomFieldValue | None:
    opportunity = _lock_editable(opportunity, user=set_by)
    cleaned = _clean_custom_fields({field_id: value})
    _set_custom_values(opportunity, cleaned)
    _bump_version(opportunity)
    return OpportunityCustomFieldValue.objects.filter(
        opportunity=opportunity, field_id=field_id
    ).first()


@transaction.atomic
def opportunity_add_tag(*, opportunity: Opportunity, tag_name: str, added_by: User):
    opportunity = _lock_editable(opportunity, user=added_by)
    counts_invalidate()
    (tag,) = tags_get_or_create(entity_type=EntityType.OPPORTUNITY, titles=[tag_name])
    opportunity.tags.add(tag)
    _bump_version(opportunity)
    return tag


@transaction.atomic
def opportunity_remove_tag(*, opportunity: Opportunity, tag_name: str, removed_by: User) -> None:
    opportunity = _lock_editable(opportunity, user=removed_by)
    counts_invalidate()
    tags = list(opportunity.tags.filter(title__iexact=(tag_name or "").strip()))
    if tags:
        opportunity.tags.remove(*tags)
        _bump_version(opportunity)


@transaction.atomic
def opportunity_delete(*, opportunity: Opportunity, deleted_by: User) -> Opportunity:
    """Delete one opportunity with its members, values, history and access list."""
    opportunity = _lock_editable(opportunity, user=deleted_by)
    counts_invalidate()
    opportunity_id = opportunity.pk
    opportunity.delete()
    opportunity.pk = opportunity_id  # the caller renders what was deleted
    return opportunity


@transaction.atomic
def opportunity_delete_many(
    *, opportunity_ids: Iterable[int], deleted_by: User, skip_unavailable: bool = False
) -> list[Opportunity]:
    """Delete all the given opportunities or none: one missing, hidden or undeletable id
    refuses the whole batch. With `skip_unavailable` (ONLYOFFICE's group delete) such ids are
    skipped instead, decided after the rows are locked, so a row another request deletes
    meanwhile is skipped too rather than failing the batch."""
    ids = list(dict.fromkeys(int(i) for i in opportunity_ids))
    if not ids:
        raise InvalidInput("The list of opportunity ids is empty.", field="opportunityids")
    locked = list(opportunity_qs_select_for_update().filter(pk__in=ids))
    visible = set(
        opportunity_list_visible_to(user=deleted_by).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if skip_unavailable:
        locked = [
            o
            for o in locked
            if o.pk in visible and opportunity_can_edit(user=deleted_by, opportunity=o)
        ]
    else:
        found = {opportunity.pk for opportunity in locked}
        missing = [i for i in ids if i not in found or i not in visible]
        if missing:
            raise NotFound(f"Opportunity not found: {missing[0]}")
        for opportunity in locked:
            if not opportunity_can_edit(user=deleted_by, opportunity=opportunity):
                raise AccessDenied(f"Access Denied: opportunity {opportunity.pk}")
    counts_invalidate()
    deleted = [
        Opportunity(**{f.attname: getattr(o, f.attname) for f in o._meta.concrete_fields})
        for o in locked
    ]
    Opportunity.objects.filter(pk__in=[o.pk for o in locked]).delete()
    return deleted


@transaction.atomic
def opportunity_set_timestamps(
    *,
    opportunity: Opportunity,
    set_by: User,
    created_at: datetime | None = None,
    updated_at: datetime | None = None,
) -> Opportunity:
    """ONLYOFFICE's hidden test methods (`…/creationdate`, `…/lastmodifeddate`): admins only."""
    require_admin(set_by)
    opportunity = _lock(opportunity)
    fields = []
    for name, value in (("created_at", created_at), ("updated_at", updated_at)):
        if value is not None:
            setattr(opportunity, name, value)
            fields.append(name)
    if fields:
        opportunity.version += 1
        opportunity.save(update_fields=[*fields, "version"])
    return opportunity


# -- stages (admin) ------------------------------------------------------------------------------


def _clean_stage_values(
    *, title, description, color, success_probability, stage_type, days_before_warning
):
    title = (title or "").strip()
    if not title:
        raise InvalidInput("The title is required.", field="title")
    check_length(Stage, "title", title, field="title")
    color = (color or "").strip()
    check_length(Stage, "color", color, field="color")
    probability = _whole(success_probability, "successProbability", high=100)
    kind = _whole(stage_type, "stageType", high=max(StageType.values))
    days = (
        None
        if days_before_warning in (None, "")
        else _whole(days_before_warning, "daysBeforeWarning")
    )
    return {
        "title": title,
        "description": (description or "").strip(),
        "color": color,
        "success_probability": probability,
        "stage_type": kind,
        "days_before_warning": days,
    }


@transaction.atomic
def stage_create(
    *,
    created_by: User,
    title: str,
    description: str = "",
    color: str = "",
    success_probability=0,
    stage_type=StageType.OPEN,
    days_before_warning=None,
) -> Stage:
    require_admin(created_by)
    values = _clean_stage_values(
        title=title,
        description=description,
        color=color,
        success_probability=success_probability,
        stage_type=stage_type,
        days_before_warning=days_before_warning,
    )
    counts_invalidate()
    last = Stage.objects.order_by("-sort_order").values_list("sort_order", flat=True).first()
    return Stage.objects.create(**values, sort_order=(last or 0) + 1)


@transaction.atomic
def stage_update(*, stage: Stage, updated_by: User, **changes) -> Stage:
    require_admin(updated_by)
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    counts_invalidate()
    current = {
        "title": stage.title,
        "description": stage.description,
        "color": stage.color,
        "success_probability": stage.success_probability,
        "stage_type": stage.stage_type,
        "days_before_warning": stage.days_before_warning,
    }
    unknown = set(changes) - set(current)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    values = _clean_stage_values(**{**current, **changes})
    for name, value in values.items():
        setattr(stage, name, value)
    stage.save()
    return stage


@transaction.atomic
def stage_reorder(*, stage_ids: list[int] | None, reordered_by: User) -> list[Stage]:
    """The named stages first, in that order, then the others in their order. An empty or
    missing list (what ONLYOFFICE clients send when nothing moved) changes nothing."""
    require_admin(reordered_by)
    ids = [int(i) for i in stage_ids or []]
    if not ids:
        return list(Stage.objects.order_by("sort_order", "id"))
    stages = {stage.pk: stage for stage in stage_qs_select_for_update()}
    missing = [i for i in ids if i not in stages]
    if missing:
        raise NotFound(f"Deal milestone is not found: {missing[0]}")
    counts_invalidate()
    others = list(Stage.objects.exclude(pk__in=ids).order_by("sort_order", "id"))
    ordered = [stages[i] for i in dict.fromkeys(ids)] + others
    for position, stage in enumerate(ordered):
        stage.sort_order = position
    Stage.objects.bulk_update(ordered, ["sort_order"])
    return ordered


@transaction.atomic
def stage_delete(*, stage: Stage, deleted_by: User) -> Stage:
    require_admin(deleted_by)
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    if stage.opportunities.exists():
        raise StageInUse()
    counts_invalidate()
    stage_id = stage.pk
    stage.delete()
    stage.pk = stage_id
    return stage


# -- opportunity tags (bulk and admin) -----------------------------------------------------------


@transaction.atomic
def opportunity_tag_add_many(
    *, opportunity_ids: Iterable[int], tag_name: str, added_by: User
) -> tuple[Tag, list[int]]:
    """Put the tag on every listed opportunity `added_by` may see and edit; the others are
    skipped, as ONLYOFFICE's batch routes do. Returns the tag and the ids it was added to."""
    ids = list(dict.fromkeys(int(i) for i in opportunity_ids))
    # The rows are locked before the tag may be created: no write before the last row lock.
    candidates = list(
        opportunity_qs_select_for_update(
            opportunity_list_visible_to(user=added_by).filter(pk__in=ids)
        ).prefetch_related(
            Prefetch(
                "opportunityuserobjectpermission_set",
                queryset=OpportunityUserObjectPermission.objects.only("user_id", "content_object"),
                to_attr="access_permissions",
            )
        )
    )
    editable = [o.pk for o in candidates if opportunity_can_edit(user=added_by, opportunity=o)]
    counts_invalidate()
    (tag,) = tags_get_or_create(entity_type=EntityType.OPPORTUNITY, titles=[tag_name])
    Opportunity.tags.through.objects.bulk_create(
        [Opportunity.tags.through(opportunity_id=pk, tag_id=tag.pk) for pk in editable],
        ignore_conflicts=True,
    )
    Opportunity.objects.filter(pk__in=editable).update(version=F("version") + 1)
    return tag, editable


@transaction.atomic
def opportunity_tag_delete(*, tag_name: str, deleted_by: User) -> Tag:
    """Delete an opportunity tag everywhere (admin only: it touches others' opportunities)."""
    require_admin(deleted_by)
    title = (tag_name or "").strip()
    if not title:
        raise InvalidInput("The tag name is required.", field="tagName")
    tag = (
        Tag.objects.select_for_update()
        .filter(entity_type=EntityType.OPPORTUNITY, title__iexact=title)
        .first()
    )
    if tag is None:
        raise NotFound("Tag not found")
    carrying = list(tag.opportunities.values_list("pk", flat=True))
    _lock_all(carrying)
    Opportunity.objects.filter(pk__in=carrying).update(version=F("version") + 1)
    counts_invalidate()
    tag_id = tag.pk
    tag.delete()
    tag.pk = tag_id
    return tag


@transaction.atomic
def opportunity_tags_delete_unused(*, deleted_by: User) -> list[str]:
    """Delete the opportunity tags no opportunity carries; returns their titles."""
    require_admin(deleted_by)
    unused = Tag.objects.filter(entity_type=EntityType.OPPORTUNITY, opportunities__isnull=True)
    rows = list(unused.order_by(Lower("title"), "id").values_list("pk", "title"))
    counts_invalidate()
    # re-checked at delete time: a tag put on an opportunity meanwhile stays
    Tag.objects.filter(pk__in=[pk for pk, _ in rows], opportunities__isnull=True).delete()
    return [title for _, title in rows]
