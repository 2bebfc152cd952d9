"""Locks on opportunity rows (through core's one lock helper, core/locks.py) and the version
that a locked row carries."""

from collections.abc import Iterable

from django.db.models import F

from accounts.models import User
from core.locks import lock_rows
from opportunities.errors import OpportunityChanged, OpportunityNotFound
from opportunities.models import Opportunity
from opportunities.selectors import opportunity_list_visible_to


def opportunity_lock(opportunity: Opportunity, *, editable_by: User | None = None) -> Opportunity:
    """The opportunity's row, locked until the transaction ends; with `editable_by`, only if
    that user may edit it, which is who may read it (OpportunityNotFound otherwise, as for a
    row deleted meanwhile): the lock and the check are one query."""
    rows = (
        Opportunity.objects
        if editable_by is None
        else opportunity_list_visible_to(user=editable_by)
    )
    # No joins in the locking query: when a concurrent writer changed the row, PostgreSQL
    # re-checks the new version against the join conditions with the old joined rows, so a
    # join on a changed foreign key (a concurrent move's stage) would drop the row.
    locked = lock_rows(rows.filter(pk=opportunity.pk)).first()
    if locked is None:
        raise OpportunityNotFound()
    return locked


def opportunities_lock(opportunity_ids: Iterable[int]) -> None:
    """Lock every row a multi-row service will write, before its first write."""
    list(lock_rows(Opportunity.objects.filter(pk__in=list(opportunity_ids))).values_list("pk"))


def bump_version(opportunity: Opportunity) -> None:
    """Raise the version of a locked row whose relations (members, tags, custom values)
    changed: every service write raises it, so an edit form read before is refused
    (`opportunity_update(expected_version=...)`). Writes that save the row itself raise
    `opportunity.version` in the same statement instead."""
    Opportunity.objects.filter(pk=opportunity.pk).update(version=F("version") + 1)
    opportunity.version += 1


def check_version(opportunity: Opportunity, expected_version: int | None) -> None:
    """OpportunityChanged when the locked row is no longer at the version the caller read
    (an edit form's hidden field); None skips the check (the API, which has no version)."""
    if expected_version is not None and opportunity.version != expected_version:
        raise OpportunityChanged(current=opportunity)
