import pytest


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def other_client(client_factory, other_user):
    other = client_factory()
    other.force_login(other_user)
    return other


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client
