"""The one place that turns errors into ONLYOFFICE's error envelope (decision 5: always JSON,
401 included)."""

import logging

import orjson
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.errors import AccessDenied, DomainError, InvalidInput, NotFound
from crm_project.api.renderers import ENVELOPE_MARK
from crm_project.api.wire_names import wire_name

logger = logging.getLogger(__name__)

# .NET's HResults of the exception types ONLYOFFICE throws.
HRESULT_ARGUMENT = -2147024809
HRESULT_HTTP = -2147467259
HRESULT_SECURITY = -2146233078


def error_body(status_code: int, message: str, *, hresult: int, field: str | None = None):
    data = {"field": field} if field else {}
    return {
        "status": 1,
        "statusCode": status_code,
        "error": {"message": message, "hresult": hresult, "data": data},
    }


def error_response(
    status_code: int,
    message: str,
    *,
    hresult: int,
    field: str | None = None,
    headers: dict | None = None,
) -> Response:
    body = error_body(status_code, message, hresult=hresult, field=field)
    response = Response(body, status=status_code, headers=headers)
    setattr(response, ENVELOPE_MARK, True)
    return response


def error_http_response(
    status_code: int, message: str, *, hresult: int, headers: dict | None = None
) -> HttpResponse:
    """The error envelope as JSON, outside DRF (for middleware that answers before a view)."""
    body = error_body(status_code, message, hresult=hresult)
    return HttpResponse(
        orjson.dumps(body), status=status_code, content_type="application/json", headers=headers
    )


def _first_validation_message(detail, prefix: str = "") -> tuple[str, str | None]:
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else None
            message, field = _first_validation_message(value, prefix)
            return (f"{name}: {message}" if name else message), (field or name)
    if isinstance(detail, list) and detail:
        return _first_validation_message(detail[0], prefix)
    return str(detail), None


def envelope_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return domain_error_response(exc)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return error_response(404, "The record could not be found", hresult=HRESULT_HTTP)
    if isinstance(exc, DjangoPermissionDenied | exceptions.PermissionDenied):
        message = "Access Denied"
        if isinstance(exc, exceptions.PermissionDenied) and exc.detail != (
            exceptions.PermissionDenied.default_detail
        ):
            message = str(exc.detail)  # e.g. "CSRF Failed: …" for a browser client
        return error_response(403, message, hresult=HRESULT_SECURITY)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        view = context.get("view")
        request = context.get("request")
        challenge = None
        if view is not None and request is not None:
            challenge = view.get_authenticate_header(request)
        message = (
            str(exc.detail)
            if isinstance(exc, exceptions.AuthenticationFailed)
            else ("Unauthorized: sign in or send an API token in the Authorization header.")
        )
        return error_response(
            401,
            message,
            hresult=HRESULT_HTTP,
            headers={"WWW-Authenticate": challenge or 'Bearer realm="api"'},
        )
    if isinstance(exc, RequestDataTooBig):
        return error_response(413, too_big_message(), hresult=HRESULT_ARGUMENT)
    if isinstance(exc, SuspiciousOperation):
        # e.g. more than DATA_UPLOAD_MAX_NUMBER_FIELDS form fields (TooManyFieldsSent)
        return error_response(400, f"Malformed request: {exc}", hresult=HRESULT_ARGUMENT)
    if isinstance(exc, exceptions.ParseError):
        return error_response(
            400, f"Malformed request body: {exc.detail}", hresult=HRESULT_ARGUMENT
        )
    if isinstance(exc, exceptions.ValidationError):
        message, field = _first_validation_message(exc.detail)
        return error_response(400, message, hresult=HRESULT_ARGUMENT, field=field)
    if isinstance(exc, DjangoValidationError):
        message = "; ".join(exc.messages)
        return error_response(400, message, hresult=HRESULT_ARGUMENT)
    if isinstance(exc, exceptions.APIException):
        code = exc.status_code
        return error_response(
            code, str(exc.detail), hresult=HRESULT_HTTP, headers=_retry_headers(exc)
        )
    logger.exception("Unhandled API error", exc_info=exc)
    return error_response(
        status.HTTP_500_INTERNAL_SERVER_ERROR, "Server error", hresult=HRESULT_HTTP
    )


def domain_error_response(exc: DomainError) -> Response:
    """A service's error, its field named as the API names it (crm_project/api/wire_names.py)."""
    field = wire_name(exc.entity, exc.field)
    message = exc.message_naming(field)
    if isinstance(exc, InvalidInput):
        return error_response(400, message, hresult=HRESULT_ARGUMENT, field=field)
    if isinstance(exc, NotFound):
        return error_response(404, message, hresult=HRESULT_HTTP)
    if isinstance(exc, AccessDenied):
        return error_response(403, message, hresult=HRESULT_SECURITY)
    return error_response(400, message, hresult=HRESULT_ARGUMENT, field=field)


def too_big_message() -> str:
    return (
        f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes "
        "(DATA_UPLOAD_MAX_MEMORY_SIZE)."
    )


def _retry_headers(exc) -> dict | None:
    wait = getattr(exc, "wait", None)
    return {"Retry-After": str(int(wait))} if wait else None
