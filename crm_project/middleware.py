"""Request checks no route can do without, made once before any view runs.

Refused here, on every route: a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE (413: the API's
parsers read the stream themselves, so Django's own check never runs for JSON), a query string
that is not UTF-8 or holds NUL or other control characters, NUL in a form body, and `Basic`
credentials holding them (the user name would reach the database). API routes answer in the
error envelope, pages with a plain 4xx page. Everything else is checked where it is parsed
(`crm_project/api/binding.py`, `crm_project/api/parsers.py`) and by the services."""

import base64
import binascii
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import HttpResponse

from crm_project.api.exceptions import (
    HRESULT_ARGUMENT,
    HRESULT_HTTP,
    error_http_response,
    too_big_message,
)
from crm_project.api.text import CONTROL_CHARACTER

API_PREFIX = "/api/"


class RequestSanityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path_info.startswith(API_PREFIX)
        refusal = self.refusal(request, is_api=is_api)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def refusal(self, request, *, is_api: bool):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return _answer(is_api, 413, too_big_message())
        problem = _query_problem(request)
        if problem:
            return _answer(is_api, 400, problem)
        if is_api:
            problem = _basic_credentials_problem(request)
            if problem:
                return error_http_response(
                    401,
                    problem,
                    hresult=HRESULT_HTTP,
                    headers={"WWW-Authenticate": 'Basic realm="api"'},
                )
        elif request.method == "POST" and _form_holds_nul(request):
            # Pages: Django parses the form (the API's parsers and binding check their own).
            return _answer(is_api, 400, "The form holds a NUL character.")
        return None


def _form_holds_nul(request) -> bool:
    return any("\x00" in value for _, values in request.POST.lists() for value in values)


def _query_problem(request) -> str | None:
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


def _basic_credentials_problem(request) -> str | None:
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


def _answer(is_api: bool, status: int, message: str) -> HttpResponse:
    if is_api:
        return error_http_response(status, message, hresult=HRESULT_ARGUMENT)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
