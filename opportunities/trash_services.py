"""The trash: deleting an opportunity moves it here (`deleted_at`), where the default manager no
longer sees it; its creator, who deleted it or an admin restores it for `settings.TRASH_DAYS`
(opportunities/trash_selectors.py), and `manage.py purge_trash` deletes older ones for good.

Nothing hanging off a deal is touched by the trash: its members, tags, custom values, access
list, stage history, audit rows, history events and tasks stay in their tables, hidden with it
(every read reaches them through a live opportunity), and come back with it. Its stage cannot be
deleted meanwhile (`stage_delete` moves trashed deals out first); a contact deleted meanwhile
is simply no longer linked (its foreign keys are SET_NULL, its memberships CASCADE)."""

import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core.counts_cache import counts_invalidate
from core.errors import InvalidInput
from core.locks import lock_rows
from core.services import require_admin
from opportunities.audit import audit_record, audit_record_many
from opportunities.errors import OpportunityNotFound
from opportunities.models import AuditAction, Opportunity
from opportunities.trash_selectors import opportunity_trash_visible_to, trash_cutoff

PURGE_CHUNK = 500  # rows deleted per transaction by trash_purge


def opportunities_move_to_trash(
    opportunities: Sequence[Opportunity], *, deleted_by: User
) -> uuid.UUID:
    """Move locked rows to the trash as one batch (one id, restored in one action); members,
    tags, custom values, the access list, history and tasks stay with them. One audit row
    "deleted" per deal."""
    batch = uuid.uuid4()
    now = timezone.now()
    ids = [o.pk for o in opportunities]
    Opportunity.all_objects.filter(pk__in=ids).update(
        deleted_at=now, deleted_by=deleted_by, deletion_batch=batch, version=F("version") + 1
    )
    for opportunity in opportunities:
        opportunity.deleted_at, opportunity.deleted_by, opportunity.deletion_batch = (
            now,
            deleted_by,
            batch,
        )
        opportunity.version += 1
    _audit(opportunities, action=AuditAction.DELETED, by=deleted_by, at=now)
    counts_invalidate()
    return batch


def _audit(opportunities: Sequence[Opportunity], *, action: str, by: User, at) -> None:
    """One audit row per deal ("deleted" or "restored"), in one insert whatever the batch."""
    if len(opportunities) == 1:
        audit_record(opportunities[0], action=action, changed_by=by, at=at)
    elif opportunities:
        audit_record_many(opportunities, action=action, changed_by=by, at=at)


def _bring_back(rows: Sequence[Opportunity], *, restored_by: User) -> None:
    """Restore locked trashed rows: live again, at a new version (an edit form opened before
    the delete is refused, as after any write), with an audit row "restored" each."""
    now = timezone.now()
    Opportunity.all_objects.filter(pk__in=[o.pk for o in rows]).update(
        deleted_at=None, deleted_by=None, deletion_batch=None, version=F("version") + 1
    )
    for opportunity in rows:
        opportunity.deleted_at = opportunity.deleted_by = opportunity.deletion_batch = None
        opportunity.version += 1
    _audit(rows, action=AuditAction.RESTORED, by=restored_by, at=now)
    counts_invalidate()


@transaction.atomic
def opportunity_restore(*, opportunity_id: int, restored_by: User) -> Opportunity:
    """Bring one deal back from the trash with everything it held. OpportunityNotFound when it
    is not in the trash, is past `TRASH_DAYS`, or `restored_by` may not restore it
    (`opportunity_trash_visible_to`): a stranger cannot tell these apart."""
    opportunity_id = _clean_id(opportunity_id)
    rows = lock_rows(opportunity_trash_visible_to(user=restored_by).filter(pk=opportunity_id))
    opportunity = rows.first()
    if opportunity is None:
        raise OpportunityNotFound()
    _bring_back([opportunity], restored_by=restored_by)
    return opportunity


@transaction.atomic
def opportunity_restore_batch(*, batch, restored_by: User) -> int:
    """Bring back, in one action, the deals one delete request moved to the trash (a group or
    filter-wide delete) that `restored_by` may restore; how many. OpportunityNotFound when
    there is none (unknown batch, all restored, past `TRASH_DAYS`, or none theirs)."""
    batch = _clean_batch(batch)
    rows = list(
        lock_rows(opportunity_trash_visible_to(user=restored_by).filter(deletion_batch=batch))
    )
    if not rows:
        raise OpportunityNotFound("Nothing of this delete is in the trash to restore.")
    _bring_back(rows, restored_by=restored_by)
    return len(rows)


@transaction.atomic
def opportunity_restore_many(*, opportunity_ids: Iterable[int], restored_by: User) -> int:
    """Bring back the given trashed deals `restored_by` may restore (others are skipped,
    as the trash admin's action does); how many."""
    ids = [_clean_id(i) for i in opportunity_ids]
    rows = list(lock_rows(opportunity_trash_visible_to(user=restored_by).filter(pk__in=ids)))
    if rows:
        _bring_back(rows, restored_by=restored_by)
    return len(rows)


def trash_purge(*, older_than_days: int | None = None) -> int:
    """Delete for good the deals in the trash for `older_than_days` days or more (default
    `TRASH_DAYS`; 0 empties the trash), with everything hanging off them (members, values,
    access list, stage history, audit rows, history events, tasks); how many deals. Runs in
    transactions of `PURGE_CHUNK` deals, so a big trash never holds long locks."""
    if older_than_days is None:
        cutoff = trash_cutoff()
    else:
        cutoff = timezone.now() - timedelta(days=_clean_days(older_than_days))
    purged = 0
    while True:
        with transaction.atomic():
            expired = Opportunity.all_objects.in_trash().filter(deleted_at__lte=cutoff)
            ids = list(lock_rows(expired).values_list("pk", flat=True)[:PURGE_CHUNK])
            if not ids:
                return purged
            Opportunity.all_objects.filter(pk__in=ids).delete()
            purged += len(ids)


@transaction.atomic
def opportunity_purge_many(*, opportunity_ids: Iterable[int], purged_by: User) -> int:
    """Admins only: delete these trashed deals for good now (the trash admin's "delete for
    good"); ids not in the trash are left alone. How many were deleted."""
    require_admin(purged_by)
    ids = [_clean_id(i) for i in opportunity_ids]
    rows = list(
        lock_rows(Opportunity.all_objects.in_trash().filter(pk__in=ids)).values_list(
            "pk", flat=True
        )
    )
    if rows:
        Opportunity.all_objects.filter(pk__in=rows).delete()
    return len(rows)


def _clean_id(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise OpportunityNotFound() from None
    if number <= 0 or number > 2**63 - 1:
        raise OpportunityNotFound()
    return number


def _clean_batch(value) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise InvalidInput("Not a deletion batch.", field="batch", entity="trash") from None


MAX_DAYS = 36500


def _clean_days(value) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError, OverflowError):
        days = -1
    if not 0 <= days <= MAX_DAYS:
        raise InvalidInput(
            "{field} must be a whole number of days from 0 to {high}.",
            field="older_than_days",
            entity="trash",
            high=MAX_DAYS,
        )
    return days
