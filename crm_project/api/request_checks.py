"""Request checks no route can do without: a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE (the
API's parsers read the stream themselves, so Django's own check never runs for JSON), a query
string that is not UTF-8 or holds NUL or other control characters, and `Basic` credentials
holding them (the user name would reach the database).

`crm_project/middleware.py` runs them before any view; the batch runs `api_refusal` on each of
its inner requests. Everything else is checked where it is parsed (`binding.py`, `parsers.py`)
and by the services."""

import base64
import binascii
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.handlers.wsgi import get_bytes_from_wsgi

from crm_project.api.exceptions import (
    HRESULT_ARGUMENT,
    HRESULT_HTTP,
    error_http_response,
    too_big_message,
)
from crm_project.api.text import CONTROL_CHARACTER


def body_too_big(request) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return limit is not None and length > limit


def query_problem(request) -> str | None:
    raw = get_bytes_from_wsgi(request.META, "QUERY_STRING", "")
    if not raw:
        return None
    try:
        text = unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return "The query string is not valid UTF-8."
    found = CONTROL_CHARACTER.search(text)
    if found:
        return (
            f"The query string holds a control character (U+{ord(found.group()):04X}) "
            "that no parameter can take."
        )
    return None


def basic_credentials_problem(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip())
    except (binascii.Error, ValueError):
        return None  # DRF answers malformed base64 with its own 401
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        text = decoded.decode("latin-1")
    if CONTROL_CHARACTER.search(text):
        return "Invalid basic header. The credentials hold a control character."
    return None


def api_refusal(request):
    """The error envelope refusing an API request, or None when the checks pass."""
    if body_too_big(request):
        return error_http_response(413, too_big_message(), hresult=HRESULT_ARGUMENT)
    problem = query_problem(request)
    if problem:
        return error_http_response(400, problem, hresult=HRESULT_ARGUMENT)
    problem = basic_credentials_problem(request)
    if problem:
        return error_http_response(
            401, problem, hresult=HRESULT_HTTP, headers={"WWW-Authenticate": 'Basic realm="api"'}
        )
    return None
