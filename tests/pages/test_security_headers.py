"""Content-Security-Policy on every page and X-Forwarded-Proto trusted only behind a declared
proxy (issue 8, point 11). The browser check that pages work under the policy is in
tests/browser/test_content_security_policy.py."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import OpportunityFactory

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize("url", ["/", "/opportunities/", "/contacts/", "/accounts/me/"])
def test_pages_carry_a_policy_without_inline_script_when_signed_in(signed_in, url):
    response = signed_in.get(url)

    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy.get("style-src", [])
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_sign_in_page_carries_the_policy_when_signed_out(client, db):
    response = client.get("/accounts/login/")

    assert "'unsafe-inline'" not in directives(response)["script-src"]


def test_pages_have_no_inline_style_or_handler_when_rendered(signed_in, user):
    opportunity = OpportunityFactory(created_by=user)

    for url in ("/", "/opportunities/", f"/opportunities/{opportunity.pk}/"):
        html = signed_in.get(url).content.decode()
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url
        for script in re.findall(r"<script[^>]*>", html):
            assert "src=" in script, (url, script)


def test_api_docs_inline_code_carries_the_nonce_of_its_policy(signed_in):
    response = signed_in.get("/api/docs/")

    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    for tag in re.findall(r"<(?:script|style)[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce}"' in tag, tag


def test_admin_carries_the_policy(admin_user, client):
    client.force_login(admin_user)

    response = client.get("/admin/")

    assert "'unsafe-inline'" not in directives(response)["script-src"]


PRODUCTION_REQUEST = """
import django
django.setup()
from django.test import Client
response = Client().get("/api/2.0/people/@self", HTTP_X_FORWARDED_PROTO="https")
print(response.status_code, response.get("Location", ""))
"""


def production_answer(**extra_env: str) -> str:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_TRUSTED_PROXY_COUNT"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "crm_project.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "ERROR",
        **extra_env,
    }
    done = subprocess.run(
        [sys.executable, "-c", PRODUCTION_REQUEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_forwarded_proto_ignored_when_no_proxy_is_trusted():
    # Plain HTTP claiming to be HTTPS is still redirected to HTTPS.
    assert production_answer() == "301 https://testserver/api/2.0/people/@self"


def test_forwarded_proto_trusted_when_a_proxy_is_declared():
    status = production_answer(DJANGO_TRUSTED_PROXY_COUNT="1").split()[0]

    assert status == "401"  # served (and refused for want of credentials), not redirected
