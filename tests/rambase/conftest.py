"""RamBase clients: a Django test client sending `Authorization: Bearer <token>`, as a
RamBase integration does, and helpers reading both formats."""

from xml.etree import ElementTree

import pytest
from django.test import Client

from accounts.api.authentication import token_issue


class RamBaseClient(Client):
    def __init__(self, token: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.token = token

    def generic(self, method, path, data="", content_type="application/octet-stream", **extra):
        if self.token and "HTTP_AUTHORIZATION" not in extra:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        return super().generic(method, path, data, content_type, **extra)

    def send_json(self, method, path, body, **extra):
        import json

        return self.generic(method, path, json.dumps(body), "application/json", **extra)

    def send_xml(self, method, path, text, **extra):
        return self.generic(method, path, text.encode(), "application/xml", **extra)


@pytest.fixture
def rambase_for(db):
    def make(user=None) -> RamBaseClient:
        return RamBaseClient(token_issue(user)[0] if user else None)

    return make


@pytest.fixture
def rb(rambase_for, user):
    return rambase_for(user)


@pytest.fixture
def rb_other(rambase_for, other_user):
    return rambase_for(other_user)


@pytest.fixture
def rb_admin(rambase_for, admin_user):
    return rambase_for(admin_user)


def xml_of(response) -> ElementTree.Element:
    assert response["Content-Type"].startswith("application/xml"), response["Content-Type"]
    return ElementTree.fromstring(response.content)


def assert_error(response, status: int, error_id: int, parameter: str | None = None) -> dict:
    """RamBase's flat error body (JSON) with this status and numbered error."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["httpStatusCode"] == status
    assert body["errorMessage"]["errorMessageId"] == error_id
    assert body["errorMessage"]["errorMessageLink"].endswith(f"/system/error-messages/{error_id}")
    assert body["translatedMessage"] == body["message"]
    assert body["innerErrors"] == []
    if parameter is not None:
        assert body["parameters"] == [{"index": 0, "value": parameter}]
    return body
