"""The trash: deleting an opportunity moves it here (`deleted_at`), where the default manager no
longer sees it; its creator or an admin restores it for `settings.TRASH_DAYS`, and
`manage.py purge_trash` deletes older ones for good."""

import uuid
from collections.abc import Sequence

from django.utils import timezone

from accounts.models import User
from core.counts_cache import counts_invalidate
from opportunities.models import Opportunity


def opportunities_move_to_trash(
    opportunities: Sequence[Opportunity], *, deleted_by: User
) -> uuid.UUID:
    """Move locked rows to the trash as one batch (one id, restored in one action); members,
    tags, custom values, the access list, history and tasks stay with them."""
    batch = uuid.uuid4()
    now = timezone.now()
    ids = [o.pk for o in opportunities]
    Opportunity.all_objects.filter(pk__in=ids).update(
        deleted_at=now, deleted_by=deleted_by, deletion_batch=batch
    )
    for opportunity in opportunities:
        opportunity.deleted_at, opportunity.deleted_by, opportunity.deletion_batch = (
            now,
            deleted_by,
            batch,
        )
    counts_invalidate()
    return batch
