"""Cached opportunity counts: `opportunity/filter`'s per-stage counts (its `total`) and the
board's column totals.

Counting the visible matches reads every one of them (about 40 ms at 100000 opportunities),
so the counts are kept in Django's cache for at most 30 s (ONLYOFFICE's time) under a key made
of a *generation*, the caller (visibility) and every criterion. The generation is a random
token stored in the cache; each service that writes something a count depends on
(opportunities, their stage, tags, members, access lists; stages; contacts, whose visibility
filters by contact follow) calls `counts_invalidate()`, which replaces the token when its
transaction commits, so every count cached before that write becomes unreachable. Nothing in
the database is locked for it: writers never wait for each other because of the cache.

- A reader takes the generation *before* it counts, so a count taken while a write commits is
  stored under the old generation and never served after the bump.
- A new token is never a previous one, so an evicted generation (or a lost race between two
  bumps) cannot bring back old counts; the `add` that restores an evicted one keeps the first
  process's token when several race.
- The cache must be shared by every process that serves requests (Redis when configured, see
  the README): with the per-process local-memory default a bump in one gunicorn worker would
  not reach the others, so counts are then not cached at all (`counts_cache_enabled`).
- Writes that bypass the services (a shell, bulk SQL) are not seen; the 30 s timeout bounds
  how long a count can lag behind them.
- A cache that fails (Redis down) makes readers count without it, and a failed bump after a
  commit is logged rather than failing the request whose data is already committed."""

import hashlib
import logging
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models import QuerySet

from opportunities.models import Opportunity
from opportunities.selectors import opportunity_counts_by_stage

TIMEOUT = 30  # seconds, ONLYOFFICE's; the generation, not the timeout, keeps counts right
GENERATION_KEY = "opportunity-counts:generation"
GENERATION_TIMEOUT = 24 * 3600  # an expired generation is a new one: nothing stale comes back
T = TypeVar("T")
logger = logging.getLogger(__name__)


def _cache():
    return caches[DEFAULT_CACHE_ALIAS]


def counts_cache_enabled() -> bool:
    """Counts are cached only in a cache every process shares (not the per-process default)."""
    return not isinstance(_cache(), LocMemCache | DummyCache)


def _new_token() -> str:
    return secrets.token_hex(12)


def _generation() -> str | None:
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:  # first use, or evicted: a fresh token, the first adder's wins
        cache.add(GENERATION_KEY, _new_token(), timeout=GENERATION_TIMEOUT)
        generation = cache.get(GENERATION_KEY)
    return generation


def _bump() -> None:
    try:
        _cache().set(GENERATION_KEY, _new_token(), timeout=GENERATION_TIMEOUT)
    except Exception:  # the data is committed; the 30 s timeout bounds the staleness
        logger.exception("could not invalidate the cached opportunity counts")


def counts_invalidate() -> None:
    """Call inside a service that changes what a count depends on: when its transaction
    commits (at once outside one), every cached count is dropped."""
    if counts_cache_enabled():
        transaction.on_commit(_bump)


def counts_cached(kind: str, key: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, cached under the current generation, `kind` and `key` (which must hold
    everything the result depends on besides the data: the caller and every criterion)."""
    if not counts_cache_enabled():
        return compute()
    cache = _cache()
    try:
        generation = _generation()
    except Exception:
        logger.exception("the count cache is unavailable")
        return compute()
    if generation is None:
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    cache_key = f"opportunity-counts:{kind}:{generation}:{digest}"
    try:
        value = cache.get(cache_key)
    except Exception:
        logger.exception("the count cache is unavailable")
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(cache_key, value, TIMEOUT)
        except Exception:
            logger.exception("the count cache is unavailable")
    return value


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
