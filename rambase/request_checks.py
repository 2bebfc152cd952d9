"""The request checks no route can do without (an oversized body, a query string that is not
UTF-8 or holds control characters: crm_project/api/request_checks.py), answered on RamBase's
paths in RamBase's error body. crm_project/middleware.py runs them before any view."""

from django.conf import settings

from crm_project.api.request_checks import body_too_big, query_problem
from rambase.errors import BODY_TOO_LARGE, RamBaseError, invalid_parameter
from rambase.exception_handler import error_response

PREFIXES = ("/sales/", "/system/", "/oauth2/", "/human-resources/", "/collaboration/")


def is_rambase_path(path: str) -> bool:
    return path.startswith(PREFIXES) or f"{path}/" in PREFIXES


def rambase_refusal(request):
    if body_too_big(request):
        return error_response(
            request,
            RamBaseError(
                BODY_TOO_LARGE,
                f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
            ),
        )
    problem = query_problem(request)
    if problem:
        return error_response(request, invalid_parameter(problem))
    return None
