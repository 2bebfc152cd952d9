"""POST /api/2.0/authentication and the three ways a client authenticates (token, Basic,
session), as an ONLYOFFICE client and a browser use them."""

import base64
import time
from datetime import timedelta

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.api import authentication as token_module
from accounts.models import User
from tests.factories import DEFAULT_PASSWORD

LOGIN = "/api/2.0/authentication"
SELF = "/api/2.0/people/@self"


def _sign_in(client: APIClient, user_name: str, password: str, **kwargs):
    return client.post(LOGIN, {"userName": user_name, "password": password}, **kwargs)


def _assert_unauthorized(response):
    assert response.status_code == 401
    body = response.json()
    assert body["status"] == 1
    assert body["statusCode"] == 401
    assert body["error"]["message"]
    assert "response" not in body
    assert response["WWW-Authenticate"]


# -- getting a token ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [LOGIN, LOGIN + ".json"])
def test_token_issued_when_user_name_and_password_are_right(api_client, user, path):
    response = api_client.post(
        path, {"userName": "alice", "password": DEFAULT_PASSWORD}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == 0
    assert body["statusCode"] == 201
    assert set(body["response"]) == {"token", "expires"}
    assert body["response"]["expires"].endswith("Z")
    me = api_client.get(SELF, HTTP_AUTHORIZATION=body["response"]["token"])
    assert me.json()["response"]["id"] == str(user.uuid)


def test_token_issued_when_user_name_is_the_email_address(api_client, user):
    response = api_client.post(
        LOGIN, {"userName": "ALICE@example.com", "password": DEFAULT_PASSWORD}, format="json"
    )

    assert response.status_code == 201
    token = response.json()["response"]["token"]
    assert api_client.get(SELF, HTTP_AUTHORIZATION=token).json()["response"]["userName"] == (
        "alice"
    )


def test_token_issued_when_parameters_come_as_a_form_with_other_casing(api_client, user):
    response = api_client.post(LOGIN, {"username": "alice", "PASSWORD": DEFAULT_PASSWORD})

    assert response.status_code == 201
    assert response.json()["response"]["token"]


def test_token_issued_when_body_is_json_sent_as_text_plain(api_client, user):
    response = api_client.post(
        LOGIN,
        data=f'{{"userName": "alice", "password": "{DEFAULT_PASSWORD}"}}',
        content_type="text/plain",
    )

    assert response.status_code == 201


def test_login_refused_with_401_when_password_is_wrong(api_client, user):
    response = _sign_in(api_client, "alice", "wrong-password", format="json")

    _assert_unauthorized(response)
    assert response.json()["error"]["message"] == "User authentication failed"
    assert "token" not in response.content.decode()


def test_login_refused_with_401_when_user_is_unknown(api_client, db):
    _assert_unauthorized(_sign_in(api_client, "nobody", DEFAULT_PASSWORD, format="json"))


def test_login_refused_with_401_when_user_is_deactivated(api_client, user):
    user.is_active = False
    user.save(update_fields=["is_active"])

    _assert_unauthorized(_sign_in(api_client, "alice", DEFAULT_PASSWORD, format="json"))


@pytest.mark.parametrize(
    "body, field", [({"password": DEFAULT_PASSWORD}, "userName"), ({"userName": "a"}, "password")]
)
def test_login_refused_with_400_when_a_parameter_is_missing(api_client, user, body, field):
    response = api_client.post(LOGIN, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["data"] == {"field": field}


def test_login_refused_with_429_when_too_many_wrong_passwords(api_client, user, settings):
    # django-axes' limits replace the old 30/min throttle: tests/api/test_sign_in_limits.py
    settings.SIGN_IN_FAILURES_PER_ACCOUNT = 2

    codes = [_sign_in(api_client, "alice", "bad", format="json").status_code for _ in range(3)]

    assert codes == [401, 429, 429]
    locked = _sign_in(api_client, "alice", DEFAULT_PASSWORD, format="json")
    assert locked.status_code == 429
    assert locked.json()["statusCode"] == 429
    assert int(locked["Retry-After"]) > 0


# -- using a token -----------------------------------------------------------------------------


@pytest.fixture
def token(user):
    token, _ = token_module.token_issue(user)
    return token


@pytest.mark.parametrize("scheme", ["", "Bearer ", "bearer "])
def test_request_authenticated_when_token_is_sent_bare_or_as_bearer(
    api_client, user, token, scheme
):
    response = api_client.get(SELF, HTTP_AUTHORIZATION=f"{scheme}{token}")

    assert response.status_code == 200
    assert response.json()["response"]["id"] == str(user.uuid)


def test_request_authenticated_when_basic_credentials_are_right(api_client, user):
    credentials = base64.b64encode(f"alice:{DEFAULT_PASSWORD}".encode()).decode()

    response = api_client.get(SELF, HTTP_AUTHORIZATION=f"Basic {credentials}")

    assert response.status_code == 200
    assert response.json()["response"]["id"] == str(user.uuid)


def test_request_refused_with_401_when_basic_password_is_wrong(api_client, user):
    credentials = base64.b64encode(b"alice:nope").decode()

    response = api_client.get(SELF, HTTP_AUTHORIZATION=f"Basic {credentials}")

    _assert_unauthorized(response)


def test_request_refused_with_401_when_no_credentials_are_sent(api_client, db):
    response = api_client.get(SELF)

    _assert_unauthorized(response)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("header", ["not-a-token", "Bearer not-a-token", "Bearer "])
def test_request_refused_with_401_when_token_is_garbage(api_client, db, header):
    _assert_unauthorized(api_client.get(SELF, HTTP_AUTHORIZATION=header))


def test_token_refused_when_password_changed_after_issue(api_client, user, token):
    user.set_password("another-long-password")
    user.save(update_fields=["password"])

    _assert_unauthorized(api_client.get(SELF, HTTP_AUTHORIZATION=token))


def test_token_refused_when_user_deactivated_after_issue(api_client, user, token):
    user.is_active = False
    user.save(update_fields=["is_active"])

    _assert_unauthorized(api_client.get(SELF, HTTP_AUTHORIZATION=token))


def _token_issued_days_ago(user, days: float, monkeypatch) -> str:
    issued_at = (timezone.now() - timedelta(days=days)).timestamp()
    with monkeypatch.context() as patch:
        # Django's signing stamps tokens with time.time().
        patch.setattr(time, "time", lambda: issued_at)
        token, _ = token_module.token_issue(user)
    return token


def test_token_refused_when_older_than_the_configured_lifetime(
    api_client, user, settings, monkeypatch
):
    settings.API_TOKEN_TTL_DAYS = 2
    token = _token_issued_days_ago(user, 2.01, monkeypatch)

    _assert_unauthorized(api_client.get(SELF, HTTP_AUTHORIZATION=token))


def test_token_accepted_when_younger_than_the_configured_lifetime(
    api_client, user, settings, monkeypatch
):
    settings.API_TOKEN_TTL_DAYS = 2
    token = _token_issued_days_ago(user, 1.99, monkeypatch)

    assert api_client.get(SELF, HTTP_AUTHORIZATION=token).status_code == 200


def test_token_refused_when_signed_with_another_secret_key(api_client, user, token, settings):
    settings.SECRET_KEY = "a-different-secret-key-for-this-test-only-0123456789"

    _assert_unauthorized(api_client.get(SELF, HTTP_AUTHORIZATION=token))


# -- the browser's session ---------------------------------------------------------------------


@pytest.fixture
def browser(user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_request_authenticated_when_browser_has_a_session(browser, user):
    response = browser.get(SELF)

    assert response.status_code == 200
    assert response.json()["response"]["id"] == str(user.uuid)


@pytest.fixture
def admin_browser(admin_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(admin_user)
    return client


def test_unsafe_request_refused_with_403_when_session_sends_no_csrf_token(admin_browser):
    response = admin_browser.post("/api/2.0/people", {"email": "new@example.com"}, format="json")

    assert response.status_code == 403
    assert response.json()["status"] == 1
    assert response.json()["error"]["message"].startswith("CSRF Failed")
    assert not User.objects.filter(email="new@example.com").exists()


def test_unsafe_request_accepted_when_session_sends_its_csrf_token(admin_browser):
    csrf = _get_new_csrf_string()
    admin_browser.cookies["csrftoken"] = csrf  # what a page of the site sets in the browser

    response = admin_browser.post(
        "/api/2.0/people", {"email": "new@example.com"}, format="json", HTTP_X_CSRFTOKEN=csrf
    )

    assert response.status_code == 201
    assert User.objects.filter(email="new@example.com").exists()


def test_unsafe_request_needs_no_csrf_token_when_token_authenticated(admin_user):
    client = APIClient(enforce_csrf_checks=True)
    token, _ = token_module.token_issue(admin_user)

    response = client.post(
        "/api/2.0/people", {"email": "new@example.com"}, format="json", HTTP_AUTHORIZATION=token
    )

    assert response.status_code == 201
    assert User.objects.filter(email="new@example.com").exists()
