"""Who may see an opportunity: its sharing, set by its creator and administrators."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.counts_cache import counts_invalidate
from core.errors import AccessDenied
from core.services import access_list_apply
from opportunities.audit_snapshots import AuditSnapshot
from opportunities.lock_objects import check_version, opportunities_lock, opportunity_lock
from opportunities.models import Opportunity, OpportunityUserObjectPermission
from opportunities.selectors import opportunity_can_change_access
from opportunities.validation import clean_access_list


def apply_access(
    opportunity: Opportunity, *, is_private: bool, access_list, set_by: User, notify: bool
) -> None:
    """The locked opportunity made private for `access_list` or public (core's rule)."""
    notification = (
        f"You have been given access to the opportunity “{opportunity.title}”",
        f"{set_by.get_display_name()} gave you access to the private opportunity "
        f"“{opportunity.title}” (#{opportunity.pk}).",
    )
    access_list_apply(
        record=opportunity,
        perm_model=OpportunityUserObjectPermission,
        is_private=is_private,
        access_list=access_list,
        set_by=set_by,
        notification=notification if notify else None,
    )


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
    opportunity = opportunity_lock(opportunity, editable_by=set_by)
    counts_invalidate()
    if not opportunity_can_change_access(user=set_by, opportunity=opportunity):
        raise AccessDenied()
    check_version(opportunity, expected_version)
    users = clean_access_list(access_list) if access_list is not None else None
    audit = AuditSnapshot(opportunity, fields=(), access=True)
    apply_access(
        opportunity, is_private=bool(is_private), access_list=users, set_by=set_by, notify=notify
    )
    opportunity.updated_at = timezone.now()
    opportunity.version += 1
    opportunity.save(update_fields=["updated_at", "version"])
    audit.record(opportunity, changed_by=set_by)
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
    opportunities_lock(changed)
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
