"""Every write on an opportunity, used by the API, the board, the pages and the admin.

Each service validates its input (opportunities/validation.py), raises a typed domain error
naming domain fields, and runs in one transaction, so a refused operation writes nothing.
Sharing, stages and tags have their own modules (access_services.py, stage_services.py,
tag_services.py), re-exported here: every surface imports the operations from this one."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from contacts.models import Contact
from contacts.selectors import contact_list_visible_to
from core.counts_cache import counts_invalidate
from core.errors import AccessDenied, InvalidInput, NotFound
from core.locks import lock_rows
from core.models import Currency, CustomFieldDefinition, EntityType
from core.selectors import currency_base
from core.services import require_admin, tags_get_or_create
from opportunities.access_services import (  # noqa: F401
    apply_access,
    opportunity_set_access,
    opportunity_set_access_many,
)
from opportunities.audit import audit_record, audit_record_member_change
from opportunities.audit_snapshots import AuditSnapshot
from opportunities.errors import ResponsibleChangeDenied
from opportunities.lock_objects import bump_version, check_version, opportunity_lock
from opportunities.lost_reasons import UNSET, apply_lost_values, lost_values
from opportunities.models import (
    AuditAction,
    LeadSource,
    LostReason,
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityMember,
    OpportunityStatus,
    Stage,
    StageChange,
    StageType,
)
from opportunities.selectors import (
    opportunity_can_change_access,
    opportunity_list_visible_to,
    stage_first_open,
)
from opportunities.stage_services import (  # noqa: F401
    stage_create,
    stage_delete,
    stage_reorder,
    stage_update,
)
from opportunities.tag_services import (  # noqa: F401
    opportunity_add_tag,
    opportunity_remove_tag,
    opportunity_tag_add_many,
    opportunity_tag_delete,
    opportunity_tags_delete_unused,
)
from opportunities.trash_services import opportunities_move_to_trash
from opportunities.validation import (
    ACCESS_FIELDS,
    RELATION_FIELDS,
    SCALAR_FIELDS,
    UPDATABLE_FIELDS,
    check_relation,
    clean_access_list,
    clean_custom_fields,
    clean_members,
    clean_scalar,
    contacts_visible,
    invalid,
)


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


@transaction.atomic
def opportunity_create(
    *,
    created_by: User,
    title: str,
    stage: Stage | None = None,
    bid_currency: Currency | None = None,
    responsible: User | None = None,
    owner: User | None = UNSET,
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
    lost_reason: LostReason | None = None,
    lost_comment: str = "",
    require_lost_reason: bool = False,
    **scalars,
) -> Opportunity:
    """Create an opportunity. Lenient defaults (decision 4): the caller is responsible, the base
    currency is used and the first open stage is taken when none is given; the probability
    defaults to the stage's. `owner` left out is the caller; None is no owner. In a lost stage
    it takes `lost_reason` and `lost_comment` (opportunities/lost_reasons.py;
    `require_lost_reason` refuses it without a reason)."""
    unknown = set(scalars) - SCALAR_FIELDS
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    now = timezone.now()
    values = {name: clean_scalar(name, value) for name, value in scalars.items()}
    values["title"] = clean_scalar("title", title)
    relations = {
        "stage": stage or stage_first_open(),
        "bid_currency": bid_currency or currency_base(),
        "responsible": responsible or created_by,
        "owner": created_by if owner is UNSET else owner,
        "contact": contact,
        "customer": customer,
        "source": source,
        "status": status,
    }
    for name, value in relations.items():
        values[name] = check_relation(name, value, acting_user=created_by)
    members = clean_members([*members, *([contact] if contact else [])], acting_user=created_by)
    custom_values = clean_custom_fields(custom_fields or {})
    access_users = clean_access_list(access_list)
    values.update(
        lost_values(
            current=None,
            from_stage=None,
            to_stage=values["stage"],
            lost_reason=lost_reason,
            lost_comment=lost_comment,
            require=require_lost_reason,
        )
    )

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
        apply_access(
            opportunity, is_private=True, access_list=access_users, set_by=created_by, notify=notify
        )
    audit_record(
        opportunity,
        action=AuditAction.CREATED,
        changed_by=created_by,
        new_value=opportunity.title,
        at=now,
    )
    return opportunity


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


@transaction.atomic
def opportunity_update(
    *,
    opportunity: Opportunity,
    updated_by: User,
    expected_version: int | None = None,
    require_lost_reason: bool = False,
    **changes,
) -> Opportunity:
    """Change exactly the named fields (decision 1: nothing is lost by omission).

    A named field set to None or "" is cleared. A stage change goes through the same rules as
    `opportunity_move_to_stage`. Access changes apply only for admins and the creator; for
    others they are skipped, as ONLYOFFICE does. Changing who is responsible for a private
    opportunity is an access change: others get ResponsibleChangeDenied (403). With
    `expected_version` (edit forms), a row written since that version is refused with
    OpportunityChanged and nothing is written. `lost_reason` and `lost_comment` follow
    opportunities/lost_reasons.py (a stage change out of the lost stages clears them)."""
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    opportunity = opportunity_lock(opportunity, editable_by=updated_by)
    counts_invalidate()
    check_version(opportunity, expected_version)
    now = timezone.now()

    cleaned = {
        name: clean_scalar(name, value) for name, value in changes.items() if name in SCALAR_FIELDS
    }
    for name in RELATION_FIELDS & set(changes):
        cleaned[name] = check_relation(
            name,
            changes[name],
            acting_user=updated_by,
            current_id=getattr(opportunity, f"{name}_id"),
        )
    if "responsible" in cleaned:
        _check_responsible_change(opportunity, cleaned["responsible"], user=updated_by)
    members = (
        clean_members(changes["members"] or [], acting_user=updated_by)
        if "members" in changes
        else None
    )
    _keep_hidden_contacts(opportunity, cleaned, members, user=updated_by)
    custom_values = clean_custom_fields(changes.get("custom_fields") or {})
    access_users = (
        clean_access_list(changes["access_list"])
        if changes.get("access_list") is not None
        else None
    )
    audit = AuditSnapshot(
        opportunity,
        members=members is not None or cleaned.get("contact") is not None,
        tags="tags" in changes,
        custom_field_ids=[definition.pk for definition in custom_values],
        access=bool(ACCESS_FIELDS & set(changes)),
    )

    previous_stage_id = opportunity.stage_id
    previous_status_id = opportunity.status_id
    previous_stage = opportunity.stage
    lost = lost_values(
        current=opportunity,
        from_stage=previous_stage,
        to_stage=cleaned.get("stage", previous_stage),
        lost_reason=changes.get("lost_reason", UNSET),
        lost_comment=changes.get("lost_comment", UNSET),
        require=require_lost_reason,
    )
    for name, value in cleaned.items():
        setattr(opportunity, name, value)
    apply_lost_values(opportunity, lost)
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
        apply_access(
            opportunity,
            is_private=is_private,
            access_list=access_users,
            set_by=updated_by,
            notify=bool(changes.get("notify")),
        )
    audit.record(opportunity, changed_by=updated_by, at=now)
    return opportunity


# What a move changes besides the stage (which StageChange records): the audit rows it writes.
MOVE_AUDITED_FIELDS = ("success_probability", "actual_close_date", "lost_reason", "lost_comment")


@transaction.atomic
def opportunity_move_to_stage(
    *,
    opportunity: Opportunity,
    stage: Stage,
    moved_by: User,
    lost_reason: LostReason | None = None,
    lost_comment: str = "",
    require_lost_reason: bool = False,
) -> Opportunity:
    """Move to `stage`: probability from the stage, actual close date set on entering a closed
    stage and cleared on leaving it, and a history row. A lost stage takes `lost_reason` and
    `lost_comment` (opportunities/lost_reasons.py: refused for another stage, required with
    `require_lost_reason`; leaving the lost stages clears them). Moving to the current stage
    changes nothing but a lost deal's reason and comment when given."""
    opportunity = opportunity_lock(opportunity, editable_by=moved_by)
    audit = AuditSnapshot(opportunity, fields=MOVE_AUDITED_FIELDS)
    counts_invalidate()
    if not isinstance(stage, Stage):
        raise invalid("Deal milestone is not found", "stage")
    lost = lost_values(
        current=opportunity,
        from_stage=opportunity.stage,
        to_stage=stage,
        lost_reason=UNSET if lost_reason is None else lost_reason,
        lost_comment=lost_comment or UNSET,
        require=require_lost_reason,
    )
    if stage.pk == opportunity.stage_id:
        changed = apply_lost_values(opportunity, lost)
        if changed:
            opportunity.updated_at = timezone.now()
            opportunity.version += 1
            opportunity.save(update_fields=[*changed, "updated_at", "version"])
        audit.record(opportunity, changed_by=moved_by)
        return opportunity
    lost_changed = apply_lost_values(opportunity, lost)
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
            *lost_changed,
            "updated_at",
            "version",
        ]
    )
    _record_stage_change(
        opportunity, from_stage_id=previous_stage_id, to_stage=stage, changed_by=moved_by, at=now
    )
    audit.record(opportunity, changed_by=moved_by, at=now)
    return opportunity


@transaction.atomic
def opportunity_reopen(
    *, opportunity: Opportunity, reopened_by: User, stage: Stage | None = None
) -> Opportunity:
    """Bring a won or lost deal back into the pipeline: to `stage` (an open one) or the first
    open stage. The close date and any lost reason are cleared by the move."""
    if stage is None:
        stage = stage_first_open()
    if not isinstance(stage, Stage) or stage.stage_type != StageType.OPEN:
        raise invalid("Reopen the deal in an open stage.", "stage")
    current = opportunity_lock(opportunity, editable_by=reopened_by)
    if current.stage.stage_type == StageType.OPEN:
        raise invalid("This deal is open already.", "stage")
    return opportunity_move_to_stage(opportunity=current, stage=stage, moved_by=reopened_by)


@transaction.atomic
def opportunity_add_member(
    *, opportunity: Opportunity, contact: Contact, added_by: User
) -> Contact:
    opportunity = opportunity_lock(opportunity, editable_by=added_by)
    counts_invalidate()
    if not contacts_visible(added_by, [contact]):
        raise NotFound("Contact not found")
    _, created = OpportunityMember.objects.get_or_create(opportunity=opportunity, contact=contact)
    if created:
        bump_version(opportunity)
        audit_record_member_change(opportunity, contact=contact, changed_by=added_by, added=True)
    return contact


@transaction.atomic
def opportunity_remove_member(
    *, opportunity: Opportunity, contact: Contact, removed_by: User, keep_primary: bool = False
) -> Contact:
    """Unlink a contact. `keep_primary` refuses to unlink the primary contact (the contact-side
    route does; the opportunity-side route allows it and clears the primary contact)."""
    opportunity = opportunity_lock(opportunity, editable_by=removed_by)
    counts_invalidate()
    if not contacts_visible(removed_by, [contact]):
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
        bump_version(opportunity)
    audit_record_member_change(
        opportunity,
        contact=contact,
        changed_by=removed_by,
        removed=bool(deleted),
        primary_cleared=was_primary,
    )
    return contact


@transaction.atomic
def opportunity_set_custom_field(
    *, opportunity: Opportunity, field_id: int, value, set_by: User
) -> OpportunityCustomFieldValue | None:
    opportunity = opportunity_lock(opportunity, editable_by=set_by)
    cleaned = clean_custom_fields({field_id: value})
    audit = AuditSnapshot(opportunity, fields=(), custom_field_ids=[d.pk for d in cleaned])
    _set_custom_values(opportunity, cleaned)
    bump_version(opportunity)
    audit.record(opportunity, changed_by=set_by)
    return OpportunityCustomFieldValue.objects.filter(
        opportunity=opportunity, field_id=field_id
    ).first()


@transaction.atomic
def opportunity_delete(*, opportunity: Opportunity, deleted_by: User) -> Opportunity:
    """Move one opportunity to the trash (opportunities/trash_services.py): gone from every
    list and count, restorable with everything it holds."""
    opportunity = opportunity_lock(opportunity, editable_by=deleted_by)
    opportunities_move_to_trash([opportunity], deleted_by=deleted_by)
    return opportunity


@transaction.atomic
def opportunity_delete_many(
    *, opportunity_ids: Iterable[int], deleted_by: User, skip_unavailable: bool = False
) -> list[Opportunity]:
    """Move to the trash (as one batch) all the given opportunities or none: one missing,
    hidden or undeletable id refuses the whole batch. With `skip_unavailable` (ONLYOFFICE's
    group delete) such ids are skipped instead, decided after the rows are locked, so a row
    another request deletes meanwhile is skipped too rather than failing the batch."""
    ids = list(dict.fromkeys(int(i) for i in opportunity_ids))
    if not ids:
        raise invalid("The list of opportunity ids is empty.", "opportunity_ids")
    locked = list(lock_rows(Opportunity.objects.filter(pk__in=ids)))
    # who may read an opportunity may delete it (opportunities/selectors.py)
    visible = set(
        opportunity_list_visible_to(user=deleted_by).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if skip_unavailable:
        locked = [o for o in locked if o.pk in visible]
    else:
        found = {opportunity.pk for opportunity in locked}
        missing = [i for i in ids if i not in found or i not in visible]
        if missing:
            raise NotFound(f"Opportunity not found: {missing[0]}")
    opportunities_move_to_trash(locked, deleted_by=deleted_by)
    return locked


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
    opportunity = opportunity_lock(opportunity)
    audit = AuditSnapshot(opportunity, fields=("created_at", "updated_at"))
    fields = []
    for name, value in (("created_at", created_at), ("updated_at", updated_at)):
        if value is not None:
            setattr(opportunity, name, value)
            fields.append(name)
    if fields:
        opportunity.version += 1
        opportunity.save(update_fields=[*fields, "version"])
        audit.record(opportunity, changed_by=set_by)
    return opportunity
