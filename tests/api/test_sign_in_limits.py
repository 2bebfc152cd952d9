"""Sign-in limits on the API (issue 8, point 2): the token route and `Authorization: Basic` on
every API route share one count per account and client address, and one per address; the
address is the socket's unless DJANGO_TRUSTED_PROXY_COUNT says a proxy sets X-Forwarded-For."""

import base64

import pytest
from rest_framework.test import APIClient

from tests.factories import DEFAULT_PASSWORD

LOGIN = "/api/2.0/authentication"
SELF = "/api/2.0/people/@self"


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.SIGN_IN_FAILURES_PER_ACCOUNT = 3
    settings.AXES_FAILURE_LIMIT = 8  # per address
    settings.TRUSTED_PROXY_COUNT = 0


def sign_in(client, user_name, password, **extra):
    return client.post(LOGIN, {"userName": user_name, "password": password}, format="json", **extra)


def basic(user_name, password):
    return "Basic " + base64.b64encode(f"{user_name}:{password}".encode()).decode()


def assert_locked(response):
    assert response.status_code == 429
    body = response.json()
    assert body["status"] == 1
    assert body["statusCode"] == 429
    assert "too many" in body["error"]["message"].lower()
    assert int(response["Retry-After"]) > 0
    assert "token" not in body.get("response", {})


def test_right_password_refused_with_429_when_account_was_hammered_from_this_address(
    api_client, user
):
    codes = [sign_in(api_client, "alice", "wrong").status_code for _ in range(3)]

    assert codes == [401, 401, 429]
    assert_locked(sign_in(api_client, "alice", DEFAULT_PASSWORD))


def test_wrong_password_keeps_its_401_envelope_when_under_the_limit(api_client, user):
    response = sign_in(api_client, "alice", "wrong")

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "User authentication failed"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_forwarded_for_header_ignored_when_no_proxy_is_trusted(api_client, user, settings):
    settings.SIGN_IN_FAILURES_PER_ACCOUNT = 10
    settings.AXES_FAILURE_LIMIT = 100
    codes = [
        sign_in(
            api_client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.{n // 250}.{n % 250}"
        ).status_code
        for n in range(100)
    ]

    assert 429 in codes
    assert codes.index(429) == 9
    assert_locked(sign_in(api_client, "alice", DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9"))


def test_forwarded_for_decides_the_address_when_one_proxy_is_trusted(api_client, user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(3):
        sign_in(api_client, "alice", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7")

    # The proxy appends the real address: what the client wrote before it does not count.
    assert_locked(
        sign_in(
            api_client, "alice", DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"
        )
    )
    real_user = sign_in(api_client, "alice", DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.44")
    assert real_user.status_code == 201
    assert real_user.json()["response"]["token"]


def test_address_two_hops_away_used_when_two_proxies_are_trusted(api_client, user, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    for n in range(3):
        sign_in(api_client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.7, 10.0.0.{n + 1}")

    assert_locked(
        sign_in(api_client, "alice", DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.9")
    )
    elsewhere = "192.0.2.1, 10.0.0.1"
    assert sign_in(
        api_client, "alice", DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR=elsewhere
    ).status_code == (201)


def test_real_user_signs_in_from_own_address_when_attacker_hammers_from_another(user):
    attacker = APIClient(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        sign_in(attacker, "alice", "wrong")

    assert_locked(sign_in(attacker, "alice", DEFAULT_PASSWORD))
    real_user = APIClient(REMOTE_ADDR="192.0.2.44")
    assert sign_in(real_user, "alice", DEFAULT_PASSWORD).status_code == 201
    assert real_user.get(SELF, HTTP_AUTHORIZATION=basic("alice", DEFAULT_PASSWORD)).status_code == (
        200
    )


def test_other_account_signs_in_from_same_address_when_one_account_is_locked(
    api_client, user, other_user
):
    for _ in range(3):
        sign_in(api_client, "alice", "wrong")

    assert sign_in(api_client, "bob", DEFAULT_PASSWORD).status_code == 201


def test_every_account_refused_from_an_address_when_it_tried_too_many_accounts(
    user, other_user, third_user
):
    sprayer = APIClient(REMOTE_ADDR="203.0.113.9")
    codes = [sign_in(sprayer, f"user{n}", "wrong").status_code for n in range(8)]

    assert codes[:7] == [401] * 7
    assert codes[7] == 429
    assert_locked(sign_in(sprayer, "carol", DEFAULT_PASSWORD))
    elsewhere = APIClient(REMOTE_ADDR="192.0.2.44")
    assert sign_in(elsewhere, "carol", DEFAULT_PASSWORD).status_code == 201


def test_basic_credentials_refused_with_429_when_basic_password_was_guessed_too_often(
    api_client, user
):
    codes = [
        api_client.get(SELF, HTTP_AUTHORIZATION=basic("alice", "wrong")).status_code
        for _ in range(3)
    ]

    assert codes[:2] == [401, 401]
    assert_locked(api_client.get(SELF, HTTP_AUTHORIZATION=basic("alice", "wrong")))
    assert_locked(api_client.get(SELF, HTTP_AUTHORIZATION=basic("alice", DEFAULT_PASSWORD)))
    # the same count guards the token route
    assert_locked(sign_in(api_client, "alice", DEFAULT_PASSWORD))


def test_basic_refused_on_any_api_route_when_token_route_locked_the_account(api_client, user):
    for _ in range(3):
        sign_in(api_client, "alice", "wrong")

    response = api_client.get(
        "/api/2.0/crm/opportunity/filter", HTTP_AUTHORIZATION=basic("alice", DEFAULT_PASSWORD)
    )
    assert_locked(response)


def test_locked_answer_is_xml_when_the_route_asks_for_xml(api_client, user):
    for _ in range(3):
        sign_in(api_client, "alice", "wrong")

    response = api_client.get(SELF + ".xml", HTTP_AUTHORIZATION=basic("alice", DEFAULT_PASSWORD))

    assert response.status_code == 429
    assert "xml" in response["Content-Type"]
    assert b"429" in response.content
    assert int(response["Retry-After"]) > 0


def test_token_still_works_when_its_account_is_locked_for_passwords(api_client, user):
    token = sign_in(api_client, "alice", DEFAULT_PASSWORD).json()["response"]["token"]
    for _ in range(3):
        sign_in(api_client, "alice", "wrong")

    assert api_client.get(SELF, HTTP_AUTHORIZATION=token).status_code == 200
