"""Request checks no route can do without, made once before any view runs
(`crm_project/api/request_checks.py`): API routes answer in the error envelope, pages with a
plain 4xx page. Pages also refuse NUL in a form body (Django parses the form; the API's parsers
and binding check their own)."""

from django.http import HttpResponse

from crm_project.api.exceptions import too_big_message
from crm_project.api.request_checks import api_refusal, body_too_big, query_problem
from rambase.request_checks import is_rambase_path, rambase_refusal

API_PREFIX = "/api/"


class RequestSanityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            refusal = api_refusal(request)
        elif is_rambase_path(request.path_info):
            refusal = rambase_refusal(request)
        else:
            refusal = _page_refusal(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)


def _page_refusal(request) -> HttpResponse | None:
    if body_too_big(request):
        return _plain(413, too_big_message())
    problem = query_problem(request)
    if problem:
        return _plain(400, problem)
    if request.method == "POST" and _form_holds_nul(request):
        return _plain(400, "The form holds a NUL character.")
    return None


def _form_holds_nul(request) -> bool:
    return any("\x00" in value for _, values in request.POST.lists() for value in values)


def _plain(status: int, message: str) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
