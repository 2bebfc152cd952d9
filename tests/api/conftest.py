"""API fixtures: clients that authenticate as a real ONLYOFFICE client does, with a token in the
Authorization header."""

import pytest
from rest_framework.test import APIClient

from accounts.api.authentication import token_issue


@pytest.fixture
def api_client():
    """A client with no credentials."""
    return APIClient()


@pytest.fixture
def client_for(db):
    """`client_for(user)`: a client sending `Authorization: <token>` for `user`."""

    def make(user, *, bearer: bool = False) -> APIClient:
        token, _ = token_issue(user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}" if bearer else token)
        return client

    return make


@pytest.fixture
def user_client(client_for, user):
    return client_for(user)


@pytest.fixture
def other_client(client_for, other_user):
    return client_for(other_user)


@pytest.fixture
def admin_client(client_for, admin_user):
    return client_for(admin_user)
