"""Cached counts (opportunity/filter's per-stage totals, the board's column totals), dropped
on commit by every service that writes what a count depends on (`counts_invalidate`).

Keys hold a generation token replaced when a writing transaction commits, so nothing in the
database is locked for it (docs/performance.md, "Cached counts without a global row")."""

import hashlib
import logging
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

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
