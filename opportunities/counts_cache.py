"""Counts of `opportunity/filter`, cached under the data version.

ONLYOFFICE caches the filter's `total` for 30 s; a stale total after a write is not
acceptable here, so the cache key holds `DataVersion.token`, which database triggers change
with every write to the tables the count depends on (migration 0005). Reading the token is
one primary-key lookup; counting the visible matches is a scan of every one of them (40 ms
at 100000 opportunities). The key also holds the caller (visibility) and the criteria. The
cache is Django's (per process by default): correct across processes because the token is
read from the database on every request."""

import hashlib

from django.core.cache import cache
from django.db.models import QuerySet

from opportunities.models import DataVersion, Opportunity
from opportunities.selectors import opportunity_counts_by_stage

TIMEOUT = 30  # seconds, ONLYOFFICE's; the token, not the timeout, keeps the counts right


def data_version() -> str | None:
    return DataVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def opportunity_counts_by_stage_cached(
    matches: QuerySet[Opportunity], *, user, criteria: tuple
) -> list[tuple[int, int, int]]:
    """`opportunity_counts_by_stage(matches)`, where `matches` is what `user` sees under
    `criteria`. Without a token (an emptied table) nothing is cached."""
    token = data_version()
    if token is None:
        return opportunity_counts_by_stage(matches)
    digest = hashlib.sha256(repr((user.pk, user.is_crm_admin, criteria)).encode()).hexdigest()
    key = f"opportunity-counts:{token}:{digest}"
    counts = cache.get(key)
    if counts is None:
        counts = opportunity_counts_by_stage(matches)
        cache.set(key, counts, TIMEOUT)
    return counts
