"""opportunity/filter's per-stage counts, cached (core/counts_cache.py)."""

from django.db.models import QuerySet

from core.counts_cache import counts_cached
from opportunities.models import Opportunity
from opportunities.selectors import opportunity_counts_by_stage


def opportunity_counts_by_stage_cached(
    matches: QuerySet[Opportunity], *, user, criteria: tuple
) -> list[tuple[int, int, int]]:
    """`opportunity_counts_by_stage(matches)`, where `matches` is what `user` sees under
    `criteria` (every criterion of the request, falsy ones included)."""
    return counts_cached(
        "filter",
        (user.pk, user.is_crm_admin, criteria),
        lambda: opportunity_counts_by_stage(matches),
    )
