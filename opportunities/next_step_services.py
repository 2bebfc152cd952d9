"""An opportunity's next step: the earliest deadline of its open tasks (`next_task_due`), as the
task services compute it. Opportunities know nothing of tasks; the task services (activities)
call this in every task write, with the row of the opportunity already locked."""

from datetime import datetime

from django.db import transaction

from core.counts_cache import counts_invalidate
from opportunities.models import Opportunity


@transaction.atomic
def opportunity_record_next_task_due(*, opportunity_id: int, due: datetime | None) -> None:
    """Store `due` (None: no open task) as the opportunity's next task date. Written only when
    it changed; the version is not raised (an edit form opened before stays valid: the date is
    no field a person edits). Trashed opportunities are kept right too (a restore shows it)."""
    changed = (
        Opportunity.all_objects.filter(pk=opportunity_id)
        .exclude(next_task_due=due)
        .update(next_task_due=due)
        if due is not None
        else Opportunity.all_objects.filter(pk=opportunity_id, next_task_due__isnull=False).update(
            next_task_due=None
        )
    )
    if changed:
        counts_invalidate()
