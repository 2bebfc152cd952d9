"""Sign-in limits, with django-axes keeping the counts in Django's cache (Redis when
REDIS_URL/CACHE_URL is set, so every worker process shares them).

Every way to present a password goes through `django.contrib.auth.authenticate()` (the token
route, `Authorization: Basic`, the sign-in page, the admin's sign-in page, the password change
form): axes' backend refuses a locked client first, and axes counts each failure.

Two counts, each with its own limit (settings.py documents them):
- one account from one client address (SIGN_IN_FAILURES_PER_ACCOUNT): stops guessing one
  account's password, without locking the real user out from their own address;
- one client address, whatever the accounts (AXES_FAILURE_LIMIT): stops trying a few passwords
  on many accounts.
A lock lasts AXES_COOLOFF_TIME after the last failure; a locked client fails with the right
password too (and that attempt counts)."""

import ipaddress
from logging import getLogger

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import (
    get_cache,
    get_client_cache_keys,
    get_cool_off,
    get_failure_limit,
    get_lockout_parameters,
)
from axes.signals import user_locked_out
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

log = getLogger(__name__)

LOCKED_MESSAGE = "Too many failed sign-ins from this address: try again in {minutes} minutes."


def client_ip(request: HttpRequest) -> str:
    """The address the request came from (AXES_CLIENT_IP_CALLABLE).

    Without a trusted proxy (TRUSTED_PROXY_COUNT = 0) the socket's address: X-Forwarded-For is
    whatever the client wrote. Behind N proxies that each append the address they received the
    request from, the client is the N-th address from the right of X-Forwarded-For; anything
    further left was written by the client and is ignored."""
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if not hops:
        return remote
    candidate = hops[-proxies] if len(hops) >= proxies else hops[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def sign_in_username(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: the user name as counted. axes joins the parameters of a count
    without a separator; ending the name with one ("|" is not allowed in user names) keeps
    `alice1` at 2.3.4.5 apart from `alice` at 12.3.4.5, and an empty name apart from the
    address's own count."""
    if credentials is not None:
        name = credentials.get("username")
    else:
        name = getattr(request, "POST", {}).get("username")
    return f"{name or ''}|"


def lockout_seconds(request=None) -> int:
    cool_off = get_cool_off(request)
    return int(cool_off.total_seconds()) if cool_off else 0


def locked_message(request=None) -> str:
    return LOCKED_MESSAGE.format(minutes=max(1, round(lockout_seconds(request) / 60)))


def is_locked_out(request) -> bool:
    """Whether the last authenticate() on this request was refused or locked by axes."""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE, for the HTML sign-in pages (the API answers in its envelope,
    accounts/api/authentication.py): a 429 page saying why and for how long."""
    response = render(
        request,
        "registration/locked_out.html",
        {"message": locked_message(request), "minutes": round(lockout_seconds(request) / 60)},
        status=429,
    )
    seconds = lockout_seconds(request)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def _limit_for(parameter, request, credentials) -> int:
    """A (username, address) pair has SIGN_IN_FAILURES_PER_ACCOUNT; anything else axes' limit."""
    if not isinstance(parameter, str) and "username" in parameter:
        return settings.SIGN_IN_FAILURES_PER_ACCOUNT
    return get_failure_limit(request, credentials)


class SignInLimitHandler(AxesCacheHandler):
    """axes' cache handler, with its own limit for each lockout parameter.

    AXES_FAILURE_LIMIT is the per-address limit, the larger one. axes counts every parameter
    and, on its own, locks when any count reaches AXES_FAILURE_LIMIT; here the per-account count
    locks at SIGN_IN_FAILURES_PER_ACCOUNT as well."""

    def __init__(self):
        pass  # no cache kept: `cache` follows the settings (tests point it at Redis)

    @property
    def cache(self):
        return get_cache()

    def _counts_over_limit(self, request, credentials) -> bool:
        parameters = get_lockout_parameters(request, credentials)
        keys = get_client_cache_keys(request, credentials)
        counts = self.cache.get_many(keys)
        return any(
            counts.get(key, 0) >= _limit_for(parameter, request, credentials)
            for parameter, key in zip(parameters, keys, strict=True)
        )

    def is_locked(self, request, credentials=None) -> bool:
        return settings.AXES_LOCK_OUT_AT_FAILURE and self._counts_over_limit(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if not self.is_allowed(request, credentials):
            log.warning("Sign-in locked for one account from one address after repeated failures.")
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=credentials.get("username"),
                ip_address=request.axes_ip_address,
            )
