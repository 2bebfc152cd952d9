"""Formats, negotiation and the error body, through /system/error-messages (contract §3, §8)."""

import pytest

from tests.rambase.conftest import assert_error, xml_of

pytestmark = pytest.mark.django_db


def test_error_message_in_json_by_default(rb):
    response = rb.get("/system/error-messages/105912")
    assert response.status_code == 200
    assert response.json() == {
        "errorMessage": {
            "errorMessageId": 105912,
            "httpStatusCode": 400,
            "message": "Source cannot be found",
            "errorMessageLink": "http://testserver/system/error-messages/105912",
        }
    }


@pytest.mark.parametrize(
    ("query", "accept"),
    [("?$format=xml", ""), ("?$FORMAT=XML", ""), ("", "application/xml"), ("", "text/xml")],
)
def test_xml_by_format_or_accept(rb, query, accept):
    response = rb.get(f"/system/error-messages/990012{query}", HTTP_ACCEPT=accept)
    root = xml_of(response)
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert root.tag == "ErrorMessage"
    assert root.findtext("ErrorMessageId") == "990012"
    assert root.findtext("HttpStatusCode") == "404"


def test_format_wins_over_accept_and_jsonstream_is_json(rb):
    response = rb.get("/system/error-messages/990012?$format=jsonstream", HTTP_ACCEPT="text/xml")
    assert response.json()["errorMessage"]["errorMessageId"] == 990012


def test_format_html_is_406_in_json(rb):
    assert_error(rb.get("/system/error-messages/990012?$format=html"), 406, 990014)


def test_unknown_format_is_400_naming_it(rb):
    assert_error(rb.get("/system/error-messages/990012?$format=csv"), 400, 990004, "$format")


def test_unknown_error_message_is_404_in_xml(rb):
    response = rb.get("/system/error-messages/12345?$format=xml")
    assert response.status_code == 404
    root = xml_of(response)
    assert [child.tag for child in root] == [
        "HttpStatusCode",
        "HttpStatusDescription",
        "Message",
        "TranslatedMessage",
        "ErrorMessage",
        "Parameters",
        "InnerErrors",
    ]
    assert root.findtext("HttpStatusDescription") == "Not Found"
    assert root.findtext("ErrorMessage/ErrorMessageLink").endswith("/system/error-messages/990012")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_other_methods_are_405_with_allow(rb, method):
    response = getattr(rb, method)("/system/error-messages/990001")
    assert_error(response, 405, 990013)
    assert response["Allow"] == "GET, HEAD"


def test_trailing_slash_is_accepted(rb):
    assert rb.get("/system/error-messages/990001/").status_code == 200


def test_control_character_in_the_query_is_400_in_rambase_body(rb):
    assert_error(rb.get("/system/error-messages/990001?$top=%00"), 400, 990004)


def test_oversized_body_is_413_in_rambase_body(rb, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = rb.send_json("post", "/sales/opportunities", {"title": "x" * 200})
    assert_error(response, 413, 990017)
