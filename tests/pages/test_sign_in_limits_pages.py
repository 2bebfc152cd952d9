"""Sign-in limits on the HTML sign-in page, the admin's sign-in page and the password change
form (issue 8, point 2): the same counts as the API, a clear 429 page when they are used up."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import DEFAULT_PASSWORD

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.SIGN_IN_FAILURES_PER_ACCOUNT = 3
    settings.AXES_FAILURE_LIMIT = 8
    settings.TRUSTED_PROXY_COUNT = 0


def post_login(client, url, user_name, password):
    return client.post(url, {"username": user_name, "password": password})


def assert_locked_page(response):
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    text = response.content.decode()
    assert "Too many failed sign-ins" in text
    assert "<html" in text and 'name="password"' not in text


def test_sign_in_page_locks_the_account_here_when_password_is_wrong_too_often(client, user):
    codes = [post_login(client, LOGIN, "alice", "wrong").status_code for _ in range(3)]

    assert codes[:2] == [200, 200]
    assert_locked_page(post_login(client, LOGIN, "alice", "wrong"))
    response = post_login(client, LOGIN, "alice", DEFAULT_PASSWORD)
    assert_locked_page(response)
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still signed out


def test_sign_in_page_ignores_forwarded_for_when_no_proxy_is_trusted(client, user):
    for n in range(3):
        client.post(
            LOGIN, {"username": "alice", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        )

    response = client.post(
        LOGIN,
        {"username": "alice", "password": DEFAULT_PASSWORD},
        HTTP_X_FORWARDED_FOR="10.1.1.1",
    )
    assert_locked_page(response)


def test_real_user_signs_in_on_the_page_when_attacker_used_another_address(user):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        post_login(attacker, LOGIN, "alice", "wrong")

    real_user = Client(REMOTE_ADDR="192.0.2.44")
    response = post_login(real_user, LOGIN, "alice", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert real_user.session["_auth_user_id"] == str(user.pk)


def test_admin_sign_in_locks_when_password_is_wrong_too_often(client, admin_user):
    for _ in range(3):
        post_login(client, ADMIN_LOGIN, "root", "wrong")

    assert_locked_page(post_login(client, ADMIN_LOGIN, "root", DEFAULT_PASSWORD))
    assert "_auth_user_id" not in client.session


def test_api_refuses_the_account_when_the_sign_in_page_locked_it(client, user):
    for _ in range(3):
        post_login(client, LOGIN, "alice", "wrong")

    response = APIClient().post(
        "/api/2.0/authentication", {"userName": "alice", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 429
    assert response.json()["statusCode"] == 429


def test_password_change_locks_when_old_password_is_guessed_too_often(client, user):
    client.force_login(user)
    url = "/accounts/password/"
    guess = {"new_password1": "A-new-long-pass-42", "new_password2": "A-new-long-pass-42"}
    codes = [client.post(url, {**guess, "old_password": "wrong"}).status_code for _ in range(2)]

    assert codes == [200, 200]
    assert_locked_page(client.post(url, {**guess, "old_password": "wrong"}))
    assert_locked_page(client.post(url, {**guess, "old_password": DEFAULT_PASSWORD}))
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_password_change_works_when_old_password_is_right(client, user):
    client.force_login(user)

    response = client.post(
        "/accounts/password/",
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "A-new-long-pass-42",
            "new_password2": "A-new-long-pass-42",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("A-new-long-pass-42")


def test_admin_password_change_locks_when_old_password_is_guessed_too_often(client, admin_user):
    client.force_login(admin_user)
    url = "/admin/password_change/"
    guess = {"new_password1": "A-new-long-pass-42", "new_password2": "A-new-long-pass-42"}
    for _ in range(2):
        assert client.post(url, {**guess, "old_password": "wrong"}).status_code == 200

    assert_locked_page(client.post(url, {**guess, "old_password": "wrong"}))
    assert_locked_page(client.post(url, {**guess, "old_password": DEFAULT_PASSWORD}))
    admin_user.refresh_from_db()
    assert admin_user.check_password(DEFAULT_PASSWORD)


def test_admin_password_change_works_when_old_password_is_right(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        "/admin/password_change/",
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "A-new-long-pass-42",
            "new_password2": "A-new-long-pass-42",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/password_change/done/"
    admin_user.refresh_from_db()
    assert admin_user.check_password("A-new-long-pass-42")
