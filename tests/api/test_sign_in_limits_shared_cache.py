"""The sign-in counts live in the shared cache (issue 8, point 2): with REDIS_URL set, failures
recorded by one process lock the account in another, as with several gunicorn workers."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.factories import DEFAULT_PASSWORD

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[2]

# Another process: the product's own settings from the environment, and the signal Django's
# authenticate() sends for a wrong password, which django-axes counts.
OTHER_PROCESS = """
import sys
import django
django.setup()
from django.contrib.auth.signals import user_login_failed
from django.test import RequestFactory
from axes.handlers.proxy import AxesProxyHandler

action, user_name, address = sys.argv[1:4]
request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)
if action == "fail":
    for _ in range(int(sys.argv[4])):
        user_login_failed.send(
            sender="other-process", credentials={"username": user_name}, request=request
        )
    print("recorded")
else:
    locked = AxesProxyHandler.is_locked(request, {"username": user_name})
    print("locked" if locked else "open")
"""


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


pytestmark = pytest.mark.skipif(
    not redis_reachable(), reason=f"Redis is not reachable at {REDIS_URL}"
)


@pytest.fixture
def shared_cache(settings):
    """This process and the other one on the same Redis, under a key prefix of their own."""
    prefix = f"test-sign-in-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SIGN_IN_FAILURES_PER_ACCOUNT = 3
    settings.AXES_FAILURE_LIMIT = 8
    settings.TRUSTED_PROXY_COUNT = 0
    yield prefix
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def other_process(prefix: str, *args: str) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm_project.settings",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "SIGN_IN_FAILURES_PER_ACCOUNT": "3",
        "SIGN_IN_FAILURES_PER_ADDRESS": "8",
        "DJANGO_TRUSTED_PROXY_COUNT": "0",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("CACHE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_account_locked_here_when_another_process_counted_the_failures(shared_cache, user):
    assert other_process(shared_cache, "fail", "alice", "203.0.113.7", "3") == "recorded"

    here = APIClient(REMOTE_ADDR="203.0.113.7")
    response = here.post(
        "/api/2.0/authentication", {"userName": "alice", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 429
    elsewhere = APIClient(REMOTE_ADDR="192.0.2.44")
    signed_in = elsewhere.post(
        "/api/2.0/authentication", {"userName": "alice", "password": DEFAULT_PASSWORD}
    )
    assert signed_in.status_code == 201


def test_other_process_sees_the_lock_when_failures_were_counted_here(shared_cache, other_user):
    client = APIClient(REMOTE_ADDR="203.0.113.8")
    assert other_process(shared_cache, "check", "bob", "203.0.113.8") == "open"
    for _ in range(3):
        client.post("/api/2.0/authentication", {"userName": "bob", "password": "wrong"})

    assert other_process(shared_cache, "check", "bob", "203.0.113.8") == "locked"
    assert other_process(shared_cache, "check", "bob", "192.0.2.44") == "open"
