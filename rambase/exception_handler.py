"""The RamBase routes' one exception handler (contract §8): every failure is RamBase's flat
error body, in the response format (JSON for `html` or an unusable `$format`). Services' domain
errors name domain fields; they are named here by their RamBase path (rambase/names.py)."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions

from core.errors import AccessDenied, DomainError, InvalidInput, NotFound
from opportunities.errors import StageInUse
from rambase import errors
from rambase.custom_field_names import custom_field_path
from rambase.errors import CATALOGUE, RamBaseError, status_description
from rambase.formats import Document, Items, document_response, format_or_json
from rambase.names import domain_name

logger = logging.getLogger(__name__)
CHALLENGE = 'Bearer realm="api"'


def error_document(request, error: RamBaseError) -> Document:
    link = request.build_absolute_uri(f"/system/error-messages/{error.error_id}")
    parameters = [{"Index": 0, "Value": error.parameter}] if error.parameter else []
    return Document(
        "Error",
        {
            "HttpStatusCode": error.status,
            "HttpStatusDescription": status_description(error.status),
            "Message": error.message,
            "TranslatedMessage": error.message,
            "ErrorMessage": {"ErrorMessageId": error.error_id, "ErrorMessageLink": link},
            "Parameters": Items("Parameter", parameters),
            "InnerErrors": Items("InnerError", []),
        },
        json_root=False,
    )


def error_response(request, error: RamBaseError):
    return document_response(
        request,
        error_document(request, error),
        status=error.status,
        fmt=format_or_json(request),
        headers=error.headers,
    )


def from_domain_error(exc: DomainError) -> RamBaseError:
    """A service's refusal, its field named by its RamBase path."""
    if isinstance(exc, NotFound):
        return RamBaseError(errors.NOT_FOUND, exc.message_naming(None))
    if isinstance(exc, AccessDenied):
        name = domain_name(exc.entity, exc.field)
        return RamBaseError(errors.FORBIDDEN, exc.message_naming(name.path if name else None))
    if isinstance(exc, StageInUse):
        return RamBaseError(errors.STAGE_IN_USE, exc.message)
    path, error_id = None, errors.INVALID_VALUE
    if exc.field and exc.field.startswith("custom_field_"):
        path = custom_field_path(exc.field)
    else:
        name = domain_name(exc.entity, exc.field)
        if name is not None:
            path, error_id = name.path, name.error_id
    if error_id == errors.RESPONSIBLE_EMPTY:
        message = CATALOGUE[error_id][1]
    else:
        message = exc.message_naming(path)
    return RamBaseError(error_id, message, parameter=path)


def _from_exception(exc, context) -> RamBaseError:
    if isinstance(exc, RamBaseError):
        return exc
    if isinstance(exc, InvalidInput | DomainError):
        return from_domain_error(exc)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        message = (
            str(exc.detail)
            if isinstance(exc, exceptions.AuthenticationFailed)
            else "Send an access token: Authorization: Bearer <token>, or $access_token."
        )
        return RamBaseError(errors.UNAUTHORIZED, message, headers={"WWW-Authenticate": CHALLENGE})
    if isinstance(exc, exceptions.MethodNotAllowed):
        return RamBaseError(errors.METHOD_NOT_ALLOWED, str(exc.detail))
    if isinstance(exc, exceptions.PermissionDenied):
        return RamBaseError(errors.FORBIDDEN, str(exc.detail))
    if isinstance(exc, Http404 | exceptions.NotFound):
        return RamBaseError(errors.NOT_FOUND)
    if isinstance(exc, RequestDataTooBig):
        return RamBaseError(errors.BODY_TOO_LARGE)
    if isinstance(exc, exceptions.ParseError):
        return RamBaseError(errors.MALFORMED_BODY, str(exc.detail))
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return RamBaseError(errors.UNSUPPORTED_MEDIA_TYPE, str(exc.detail))
    if isinstance(exc, exceptions.APIException) and exc.status_code == 429:
        wait = getattr(exc, "wait", None)
        headers = {"Retry-After": str(int(wait))} if wait else None
        return RamBaseError(errors.TOO_MANY_SIGN_INS, str(exc.detail), headers=headers)
    logger.exception("Unhandled RamBase API error", exc_info=exc)
    return RamBaseError(errors.UNEXPECTED)


def rambase_exception_handler(exc, context):
    """DRF's exception handler for the RamBase views only (RamBaseView)."""
    request = context["request"]
    return error_response(request, _from_exception(exc, context))
