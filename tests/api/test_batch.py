"""POST/GET /api/2.0/batch (issue 9, point 7): several API requests in one, as ONLYOFFICE's
`ASC.Api.Batch` runs them and its web client (`api.helper.js`) sends them: a form-encoded
`batch` field holding a JSON array of `{Name, RelativeUrl, RelativeMethod}`, each URL with
its `__=<id>` parameter. Each item answers `{name, status, headers, data}`, `data` being the
item's own answer as text."""

import base64
import json
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.api import authentication
from crm_project.api.batch import MAX_REQUESTS
from opportunities.models import Opportunity
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

BATCH = "/api/2.0/batch.json"
CRM = "/api/2.0/crm"
FORM = "application/x-www-form-urlencoded; charset=UTF-8"


def web_client_batch(*urls: str) -> list[dict]:
    """What `sendRequests` in ONLYOFFICE's api.helper.js puts in the `batch` field."""
    return [
        {"Name": str(100000 + i), "RelativeUrl": f"{url}?__={100000 + i}", "RelativeMethod": "get"}
        for i, url in enumerate(urls)
    ]


def post_form(client, items, url: str = f"{BATCH}?__=654321"):
    return client.post(url, urlencode({"batch": json.dumps(items)}), content_type=FORM)


def items_of(response) -> list[dict]:
    assert response.status_code == 201, response.content
    payload = response.json()
    assert payload["status"] == 0
    assert payload["statusCode"] == 201
    assert payload["count"] == len(payload["response"])
    return payload["response"]


def data_of(item: dict) -> dict:
    return json.loads(item["data"])


# -- the web client's request ------------------------------------------------------------------


@pytest.mark.parametrize("bearer", [False, True], ids=["raw-token", "bearer"])
def test_each_get_answered_in_its_item_when_the_web_client_posts_a_form_batch(
    client_for, user, opportunity, bearer
):
    client = client_for(user, bearer=bearer)
    urls = [f"{CRM}/opportunity/{opportunity.pk}.json", f"{CRM}/opportunity/stage.json"]

    items = items_of(post_form(client, web_client_batch(*urls)))

    assert [item["name"] for item in items] == ["100000", "100001"]
    assert [item["status"] for item in items] == [200, 200]
    assert list(items[0]) == ["name", "status", "headers", "data"]
    assert items[0]["headers"]["content-Type"].startswith("application/json")
    for item, url in zip(items, urls, strict=True):
        alone = client.get(url).json()
        assert data_of(item) == alone
    assert data_of(items[0])["response"]["title"] == "Public deal"


@pytest.mark.parametrize(
    "body",
    [
        lambda items: {"batch": items},
        lambda items: {"batch": json.dumps(items)},
        lambda items: items,  # the raw array ONLYOFFICE's documentation shows
    ],
    ids=["json-array", "json-string", "raw-array"],
)
def test_items_answered_when_the_batch_comes_as_a_json_body(user_client, opportunity, body):
    items = [
        {"name": "deal", "relativeUrl": f"/api/2.0/crm/opportunity/{opportunity.pk}"},
        {"name": "me", "relativeUrl": "api/2.0/people/@self.json"},
    ]

    answered = items_of(user_client.post("/api/2.0/batch", body(items), format="json"))

    assert [(i["name"], i["status"]) for i in answered] == [("deal", 200), ("me", 200)]
    assert data_of(answered[1])["response"]["userName"] == "alice"


def test_items_answered_when_the_form_indexes_each_request(user_client, opportunity):
    form = (
        f"batch[0][name]=deal&batch[0][relativeUrl]=/api/2.0/crm/opportunity/{opportunity.pk}.json"
        "&batch[1][name]=me&batch[1][relativeUrl]=/api/2.0/people/@self.json"
    )

    answered = items_of(user_client.post(BATCH, form, content_type=FORM))

    assert [(i["name"], i["status"]) for i in answered] == [("deal", 200), ("me", 200)]


def test_items_answered_when_the_batch_is_a_get_with_the_query(user_client, opportunity):
    items = [{"relativeUrl": f"/api/2.0/crm/opportunity/{opportunity.pk}.json"}] * 2

    response = user_client.get("/api/2.0/batch", {"batch": json.dumps(items)})

    assert response.status_code == 200
    answered = response.json()["response"]
    assert [i["status"] for i in answered] == [200, 200]
    assert "name" not in answered[0]  # omitted when the request has none, as ONLYOFFICE does


def test_outer_answer_is_xml_and_items_keep_their_own_format_when_batch_xml(
    user_client, opportunity
):
    items = web_client_batch(
        f"{CRM}/opportunity/{opportunity.pk}.json", f"{CRM}/opportunity/stage.xml"
    )

    response = post_form(user_client, items, url="/api/2.0/batch.xml")

    assert response.status_code == 201
    root = ElementTree.fromstring(response.content)
    assert root.tag == "result"
    answered = root.findall("response")
    assert [node.findtext("status") for node in answered] == ["200", "200"]
    assert json.loads(answered[0].findtext("data"))["response"]["id"] == opportunity.pk
    assert ElementTree.fromstring(answered[1].findtext("data").encode()).tag == "result"


def test_requests_run_in_their_order_when_order_is_given(user_client, opportunity):
    items = [
        {"name": "second", "order": 2, "relativeUrl": f"{CRM}/opportunity/stage"},
        {"name": "first", "order": 1, "relativeUrl": f"{CRM}/opportunity/{opportunity.pk}"},
        {"name": "also-second", "order": 2, "relativeUrl": f"{CRM}/opportunity/stage"},
    ]

    answered = items_of(user_client.post(BATCH, {"batch": items}, format="json"))

    assert [i["name"] for i in answered] == ["first", "second", "also-second"]


# -- rights: each item as the caller ------------------------------------------------------------


def test_hidden_private_opportunity_is_a_404_item_and_the_others_answer(
    user_client, other_user, opportunity
):
    hidden = OpportunityFactory(
        title="Bob's secret", created_by=other_user, access_list=[other_user]
    )
    items = web_client_batch(
        f"{CRM}/opportunity/{opportunity.pk}.json",
        f"{CRM}/opportunity/{hidden.pk}.json",
        f"{CRM}/opportunity/filter.json",
    )

    answered = items_of(post_form(user_client, items))

    assert [i["status"] for i in answered] == [200, 404, 200]
    error = data_of(answered[1])
    assert error["status"] == 1 and error["statusCode"] == 404
    assert "Bob's secret" not in answered[1]["data"]
    listed = [row["id"] for row in data_of(answered[2])["response"]]
    assert opportunity.pk in listed and hidden.pk not in listed


def test_private_opportunity_answered_in_its_item_when_the_caller_is_on_its_access_list(
    client_for, other_user
):
    hidden = OpportunityFactory(
        title="Bob's secret", created_by=other_user, access_list=[other_user]
    )

    answered = items_of(
        post_form(client_for(other_user), web_client_batch(f"{CRM}/opportunity/{hidden.pk}.json"))
    )

    assert answered[0]["status"] == 200
    assert data_of(answered[0])["response"]["title"] == "Bob's secret"


def test_guest_gets_403_items_for_the_crm_and_its_people_answers(client_for, guest, opportunity):
    items = web_client_batch(
        f"{CRM}/opportunity/{opportunity.pk}.json",
        f"{CRM}/opportunity/filter.json",
        "/api/2.0/people/@self.json",
    )

    answered = items_of(post_form(client_for(guest), items))

    assert [i["status"] for i in answered] == [403, 403, 200]
    assert "Public deal" not in answered[0]["data"] + answered[1]["data"]
    assert data_of(answered[2])["response"]["isVisitor"] is True


def test_writes_in_a_post_batch_run_with_the_callers_rights(user_client, other_user, opportunity):
    hidden = OpportunityFactory(
        title="Bob's secret", created_by=other_user, access_list=[other_user]
    )
    items = [
        {
            "name": "mine",
            "method": "PUT",
            "relativeUrl": f"{CRM}/opportunity/{opportunity.pk}",
            "body": "title=Renamed+in+a+batch",
        },
        {
            "name": "hidden",
            "method": "PUT",
            "relativeUrl": f"{CRM}/opportunity/{hidden.pk}",
            "body": json.dumps({"title": "Taken over"}),
            "bodyContentType": "application/json",
        },
    ]

    answered = items_of(user_client.post(BATCH, {"batch": items}, format="json"))

    assert [i["status"] for i in answered] == [200, 404]
    assert data_of(answered[0])["response"]["title"] == "Renamed in a batch"
    opportunity.refresh_from_db()
    hidden.refresh_from_db()
    assert (opportunity.title, hidden.title) == ("Renamed in a batch", "Bob's secret")


def test_unsafe_item_refused_and_nothing_changed_when_the_batch_is_a_get(user_client, opportunity):
    items = [
        {"name": "gone", "method": "DELETE", "relativeUrl": f"{CRM}/opportunity/{opportunity.pk}"}
    ]

    response = user_client.get("/api/2.0/batch", {"batch": json.dumps(items)})

    assert response.status_code == 200
    item = response.json()["response"][0]
    assert item["status"] == 400
    assert data_of(item)["error"]["data"]["field"] == "method"
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()


def test_session_batch_refused_without_csrf_token_and_its_writes_run_with_it(user, opportunity):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(user)
    items = [{"method": "DELETE", "relativeUrl": f"{CRM}/opportunity/{opportunity.pk}"}]

    refused = browser.post(BATCH, {"batch": items}, format="json")

    assert refused.status_code == 403
    assert refused.json()["error"]["message"].startswith("CSRF Failed")
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()

    csrf = _get_new_csrf_string()
    browser.cookies["csrftoken"] = csrf  # what a page of the site sets in the browser
    items = [*web_client_batch(f"{CRM}/opportunity/{opportunity.pk}.json"), *items]
    answered = items_of(
        browser.post(
            BATCH, urlencode({"batch": json.dumps(items)}), content_type=FORM, HTTP_X_CSRFTOKEN=csrf
        )
    )
    assert [i["status"] for i in answered] == [200, 200]  # the batch's CSRF check covers its writes
    assert not Opportunity.objects.filter(pk=opportunity.pk).exists()


def test_batch_is_401_in_the_envelope_when_unauthenticated(api_client, opportunity):
    response = post_form(api_client, web_client_batch(f"{CRM}/opportunity/{opportunity.pk}.json"))

    assert response.status_code == 401
    assert response.json()["status"] == 1
    assert "WWW-Authenticate" in response


def test_basic_credentials_checked_once_for_the_whole_batch(
    api_client, user, password, opportunity, monkeypatch
):
    calls = []
    real = authentication.authenticate

    def counting(*args, **kwargs):
        calls.append(kwargs.get("username"))
        return real(*args, **kwargs)

    monkeypatch.setattr(authentication, "authenticate", counting)
    good = base64.b64encode(f"alice:{password}".encode()).decode()
    bad = base64.b64encode(b"alice:wrong").decode()
    items = web_client_batch(*[f"{CRM}/opportunity/{opportunity.pk}.json"] * 3)

    api_client.credentials(HTTP_AUTHORIZATION=f"Basic {good}")
    answered = items_of(post_form(api_client, items))
    api_client.credentials(HTTP_AUTHORIZATION=f"Basic {bad}")
    refused = post_form(api_client, items)

    assert [i["status"] for i in answered] == [200, 200, 200]
    assert refused.status_code == 401
    assert calls == ["alice", "alice"]  # one sign-in per batch, not one per item


# -- bad items and bad batches -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"relativeUrl": "https://evil.example/api/2.0/people/@self"}, "relativeUrl"),
        ({"relativeUrl": "//evil.example/api/2.0/people/@self"}, "relativeUrl"),
        ({"relativeUrl": "/admin/"}, "relativeUrl"),
        ({"relativeUrl": "/api/schema/"}, "relativeUrl"),
        ({"relativeUrl": "/api/2.0/batch.json?batch=[]"}, "relativeUrl"),
        (
            {
                "relativeUrl": "/api/2.0/authentication",
                "method": "POST",
                "body": "userName=alice&password=x",
            },
            "relativeUrl",
        ),
        ({"name": "no url"}, "relativeUrl"),
        ({"relativeUrl": 42}, "relativeUrl"),
        ({"relativeUrl": "/api/2.0/people/@self", "method": "PATCH"}, "method"),
        ({"relativeUrl": "/api/2.0/people/@self", "method": "POST", "body": 7}, "body"),
        (
            {
                "relativeUrl": "/api/2.0/people/@self",
                "method": "POST",
                "body": "a=b",
                "bodyContentType": "application/x-www-form-urlencoded; charset=nope",
            },
            "bodyContentType",
        ),
    ],
)
def test_bad_item_is_a_400_item_naming_its_field_and_the_good_ones_answer(
    user_client, opportunity, item, field
):
    items = [
        {"name": "good", "relativeUrl": f"{CRM}/opportunity/{opportunity.pk}.json"},
        {"name": "bad", **item},
        {"name": "also good", "relativeUrl": "/api/2.0/people/@self.json"},
    ]

    answered = items_of(user_client.post(BATCH, {"batch": items}, format="json"))

    assert [i["status"] for i in answered] == [200, 400, 200]
    error = data_of(answered[1])
    assert (error["status"], error["statusCode"]) == (1, 400)
    assert error["error"]["data"]["field"] == field


def test_unknown_api_path_is_a_404_item(user_client):
    items = [{"name": "nowhere", "relativeUrl": "/api/2.0/crm/no/such/route.json"}]

    answered = items_of(user_client.post(BATCH, {"batch": items}, format="json"))

    assert answered[0]["status"] == 404
    assert data_of(answered[0])["statusCode"] == 404


def test_item_with_bad_parameters_answers_its_own_400(user_client, opportunity):
    items = [
        {"name": "bad", "relativeUrl": f"{CRM}/opportunity/filter.json?count=lots"},
        {"name": "good", "relativeUrl": f"{CRM}/opportunity/{opportunity.pk}.json"},
    ]

    answered = items_of(user_client.post(BATCH, {"batch": items}, format="json"))

    assert [i["status"] for i in answered] == [400, 200]
    assert data_of(answered[0])["error"]["data"]["field"] == "count"


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"batch": ""},
        {"batch": "[]"},
        {"batch": '[{"relativeUrl": '},
        {"batch": '{"relativeUrl": "/api/2.0/people/@self"}'},
        {"batch": '["/api/2.0/people/@self"]'},
        {"batch": '[{"relativeUrl": "/api/2.0/people/@self", "order": "soon"}]'},
        {"batch": '[{"relativeUrl": "/api/2.0/people/@self", "name": {"a": 1}}]'},
        {"batch": "[" * 100 + "]" * 100},
    ],
    ids=[
        "missing",
        "empty",
        "no-items",
        "bad-json",
        "object",
        "not-objects",
        "bad-order",
        "object-name",
        "deep",
    ],
)
def test_batch_is_400_naming_batch_when_missing_or_malformed(user_client, form):
    response = user_client.post(BATCH, urlencode(form), content_type=FORM)

    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["statusCode"]) == (1, 400)
    assert body["error"]["data"]["field"] == "batch"


def test_batch_of_the_maximum_size_answers_and_one_more_is_a_400(user_client):
    items = [{"relativeUrl": "/api/2.0/people/@self.json"}] * MAX_REQUESTS

    answered = items_of(user_client.post(BATCH, {"batch": items}, format="json"))
    refused = user_client.post(BATCH, {"batch": [*items, items[0]]}, format="json")

    assert len(answered) == MAX_REQUESTS
    assert refused.status_code == 400
    assert refused.json()["error"]["data"]["field"] == "batch"
    assert str(MAX_REQUESTS) in refused.json()["error"]["message"]


def test_item_body_over_the_upload_limit_is_a_400_item_naming_body(user_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    items = [
        {
            "name": "big",
            "method": "POST",
            "relativeUrl": "/api/2.0/crm/opportunity",
            "body": "title=" + "a" * 1500,  # 1.5 kB as sent, 3 kB in UTF-16
            "bodyContentType": "application/x-www-form-urlencoded; charset=utf-16",
        },
    ]

    answered = items_of(user_client.post(BATCH, {"batch": items}, format="json"))

    assert answered[0]["status"] == 400
    assert data_of(answered[0])["error"]["data"]["field"] == "body"
    assert not Opportunity.objects.filter(title__startswith="aaa").exists()


# -- cost ----------------------------------------------------------------------------------------


def _queries(send) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = send()
    assert response.status_code in (200, 201)
    return len(captured.captured_queries)


def test_batch_costs_its_items_queries_and_no_sign_in_per_item(user_client, user):
    deals = [OpportunityFactory(created_by=user) for _ in range(6)]
    urls = [f"{CRM}/opportunity/{deal.pk}.json" for deal in deals]

    alone = _queries(lambda: user_client.get(urls[0]))
    two = _queries(lambda: post_form(user_client, web_client_batch(*urls[:2])))
    six = _queries(lambda: post_form(user_client, web_client_batch(*urls)))

    per_item = alone - 1  # a request alone also looks its token's user up
    assert six - two == 4 * per_item
    assert two <= 1 + 2 * per_item
