"""A deactivated user's API tokens and browser sessions stay revoked when the account is
activated again (issue 8, point 11): deactivating bumps the user's token epoch."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue
from tests.factories import DEFAULT_PASSWORD

SELF = "/api/2.0/people/@self"


@pytest.fixture
def admin_site(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def save_in_admin(admin_site, user, *, is_active: bool):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.display_name,
        "job_title": user.job_title,
        "email": user.email,
        "_save": "Save",
    }
    if is_active:
        data["is_active"] = "on"
    response = admin_site.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.is_active is is_active


def test_old_token_refused_when_user_is_deactivated_and_activated_again_in_the_admin(
    admin_site, user
):
    token, _ = token_issue(user)
    assert APIClient().get(SELF, HTTP_AUTHORIZATION=token).status_code == 200

    save_in_admin(admin_site, user, is_active=False)
    assert APIClient().get(SELF, HTTP_AUTHORIZATION=token).status_code == 401
    save_in_admin(admin_site, user, is_active=True)

    response = APIClient().get(SELF, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "The API token is invalid or has expired."


def test_new_token_works_when_user_signs_in_after_reactivation(admin_site, user):
    save_in_admin(admin_site, user, is_active=False)
    save_in_admin(admin_site, user, is_active=True)

    client = APIClient()
    response = client.post(
        "/api/2.0/authentication", {"userName": "alice", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 201
    token = response.json()["response"]["token"]
    assert client.get(SELF, HTTP_AUTHORIZATION=token).status_code == 200


def test_token_kept_when_admin_saves_an_active_user_without_deactivating(admin_site, user):
    token, _ = token_issue(user)

    save_in_admin(admin_site, user, is_active=True)

    assert APIClient().get(SELF, HTTP_AUTHORIZATION=token).status_code == 200


def test_old_browser_session_signed_out_when_user_is_deactivated_and_activated_again(
    admin_site, user
):
    browser = Client()
    browser.force_login(user)
    assert browser.get("/").status_code == 200

    save_in_admin(admin_site, user, is_active=False)
    save_in_admin(admin_site, user, is_active=True)

    assert browser.get("/").status_code == 302
    assert browser.get(SELF).status_code == 401


def test_old_token_refused_when_service_deactivates_and_reactivates(user, admin_user):
    from accounts.services import user_set_active

    token, _ = token_issue(user)

    user_set_active(user=user, is_active=False, changed_by=admin_user)
    user_set_active(user=user, is_active=True, changed_by=admin_user)

    assert APIClient().get(SELF, HTTP_AUTHORIZATION=token).status_code == 401
