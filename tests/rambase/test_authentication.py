"""POST /oauth2/access_token and calling with the token (contract §7)."""

import pytest
from django.test import Client

from accounts.services import user_set_active
from tests.rambase.conftest import RamBaseClient, assert_error, xml_of

pytestmark = pytest.mark.django_db


def _token(client, **form):
    return client.post("/oauth2/access_token", form)


def test_password_grant_gives_the_product_token_valid_on_both_apis(user, password, settings):
    response = _token(Client(), grant_type="password", username="alice", password=password)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == settings.API_TOKEN_TTL_DAYS * 86400
    assert body["is_target_test_system"] is False
    assert "refresh_token" not in body
    token = body["access_token"]
    assert RamBaseClient(token).get("/system/error-messages/990001").status_code == 200
    onlyoffice = Client().get("/api/2.0/crm/opportunity/filter", HTTP_AUTHORIZATION=token)
    assert onlyoffice.status_code == 200


def test_sign_in_by_email_and_client_fields_are_ignored(user, password):
    response = _token(
        Client(),
        grant_type="password",
        username=user.email.upper(),
        password=password,
        client_id="x",
        client_secret="y",
        otp="123",
    )
    assert response.status_code == 200


def test_json_body_is_read_too(user, password):
    response = Client().post(
        "/oauth2/access_token",
        {"grant_type": "password", "username": "alice", "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "password", "username": "alice", "password": "wrong"}, "invalid_grant"),
        ({"grant_type": "password", "username": "alice"}, "invalid_request"),
        ({"username": "alice", "password": "x"}, "invalid_request"),
        ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
        ({"grant_type": "password", "username": "al\x00ice", "password": "x"}, "invalid_request"),
    ],
)
def test_refused_grants(user, form, error):
    response = _token(Client(), **form)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == error
    assert body["error_code"] == 1
    assert body["otp_required"] is False
    assert body["message"] == body["error_description"]


def test_sign_in_limits_apply(user, password, settings):
    settings.SIGN_IN_FAILURES_PER_ACCOUNT = 2
    client = Client()
    for _ in range(2):
        _token(client, grant_type="password", username="alice", password="wrong")
    response = _token(client, grant_type="password", username="alice", password=password)
    body = assert_error(response, 429, 990016)
    assert body["httpStatusDescription"] == "Too Many Requests"
    assert int(response["Retry-After"]) > 0


def test_get_on_the_token_route_is_405():
    response = Client().get("/oauth2/access_token")
    assert_error(response, 405, 990013)
    assert "POST" in response["Allow"]


def test_no_token_is_401_with_the_challenge():
    response = Client().get("/system/error-messages/990001")
    assert_error(response, 401, 990010)
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_bad_token_is_401_in_xml_when_xml_is_asked():
    response = RamBaseClient("nonsense").get("/system/error-messages/990001?$format=xml")
    assert response.status_code == 401
    root = xml_of(response)
    assert root.tag == "Error"
    assert root.findtext("HttpStatusCode") == "401"
    assert root.findtext("ErrorMessage/ErrorMessageId") == "990010"


def test_access_token_parameter_and_bare_header(user):
    from accounts.api.authentication import token_issue

    token, _ = token_issue(user)
    path = "/system/error-messages/990001"
    assert Client().get(f"{path}?$ACCESS_TOKEN={token}").status_code == 200
    assert Client().get(path, HTTP_AUTHORIZATION=token).status_code == 200
    # the header wins over the parameter
    response = Client().get(
        f"/system/error-messages/990001?$access_token={token}", HTTP_AUTHORIZATION="Bearer bad"
    )
    assert response.status_code == 401


def test_basic_and_session_are_not_accepted(user, password, client):
    import base64

    basic = base64.b64encode(f"alice:{password}".encode()).decode()
    response = Client().get("/system/error-messages/990001", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 401
    client.force_login(user)
    assert client.get("/system/error-messages/990001").status_code == 401


def test_a_deactivated_users_token_is_401(user, rb):
    user_set_active(user=user, is_active=False)
    assert_error(rb.get("/system/error-messages/990001"), 401, 990010)


def test_unknown_paths_under_rambase_prefixes_are_404():
    for path in ("/sales/nothing", "/system/x/y", "/human-resources", "/collaboration/z/"):
        assert_error(Client().get(path), 404, 990012)
        assert_error(Client().post(path), 404, 990012)
    response = Client().get("/sales/opportunities/abc?$format=xml")
    assert response.status_code == 404
    assert xml_of(response).findtext("ErrorMessage/ErrorMessageId") == "990012"
