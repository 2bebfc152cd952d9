"""Reads on the trash: which deleted opportunities a user may restore, and until when.

A deal in the trash exists for nothing but the trash (`Opportunity.objects` leaves it out), so
every read here starts from `Opportunity.all_objects`."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from accounts.selectors import user_has_crm_access
from core.access import AccessRule
from opportunities.models import Opportunity

# Who may restore a deal from the trash: admins, its creator, and whoever deleted it (so the
# "Undo" after a delete always works for the one who clicked it). Guests never.
TRASH_RESTORERS = AccessRule(may_use=user_has_crm_access, owners=("created_by", "deleted_by"))


def trash_days() -> int:
    return max(int(settings.TRASH_DAYS), 0)


def trash_cutoff(*, now: datetime | None = None) -> datetime:
    """A deal deleted at or before this instant is past restoring (and purged)."""
    return (now or timezone.now()) - timedelta(days=trash_days())


def trash_expires_at(deleted_at: datetime) -> datetime:
    """The instant a deal deleted at `deleted_at` can no longer be restored."""
    return deleted_at + timedelta(days=trash_days())


def trash_days_left(deleted_at: datetime, *, now: datetime | None = None) -> int:
    """Days left to restore, counting the day under way: `TRASH_DAYS` just after the delete,
    1 on its last day, 0 once past."""
    left = trash_expires_at(deleted_at) - (now or timezone.now())
    if left <= timedelta(0):
        return 0
    return math.ceil(left / timedelta(days=1))


def opportunity_trash_visible_to(*, user) -> QuerySet[Opportunity]:
    """The deleted opportunities `user` may restore: deleted less than `TRASH_DAYS` ago, and
    `TRASH_RESTORERS` (an admin, the creator, or who deleted it)."""
    rows = Opportunity.all_objects.in_trash().filter(deleted_at__gt=trash_cutoff())
    return TRASH_RESTORERS.filter(rows, user)


def trash_list(*, user) -> QuerySet[Opportunity]:
    """`opportunity_trash_visible_to`, newest deletion first, with what the Trash page shows."""
    return (
        opportunity_trash_visible_to(user=user)
        .select_related("stage", "bid_currency", "deleted_by", "created_by")
        .order_by("-deleted_at", "-id")
    )


@dataclass(frozen=True)
class TrashBatch:
    """One delete request that moved several deals (a group or filter-wide delete)."""

    batch: str
    count: int
    deleted_at: datetime


def trash_batches(*, user, batch_ids) -> dict[str, TrashBatch]:
    """For the given deletion batches: how many of their deals `user` may restore, one
    aggregate query; only batches with more than one such deal."""
    batch_ids = [b for b in set(batch_ids) if b is not None]
    if not batch_ids:
        return {}
    rows = (
        opportunity_trash_visible_to(user=user)
        .filter(deletion_batch__in=batch_ids)
        .order_by()
        .values("deletion_batch")
        .annotate(count=Count("pk"), deleted_at=Max("deleted_at"))
    )
    return {
        str(row["deletion_batch"]): TrashBatch(
            batch=str(row["deletion_batch"]), count=row["count"], deleted_at=row["deleted_at"]
        )
        for row in rows
        if row["count"] > 1
    }
