"""`GET`/`POST /api/2.0/batch` (also `.json`, `.xml`, `.tml`): several API requests in one, as
ONLYOFFICE's `ASC.Api.Batch` runs them. ONLYOFFICE's web client bundles its queued GETs into
one form-encoded `batch=[{"Name":…,"RelativeUrl":"/api/2.0/….json?__=<id>",…}]` POST.

The parameter `batch` (form field, query string or JSON body; a JSON array, or a JSON array in
a string) lists the requests; their keys are read in any case:
- `relativeUrl` (required): a path from the site root under `/api/2.0/`, with its query;
- `method`: GET (the default), POST, PUT or DELETE; a GET batch runs GETs only;
- `body` and `bodyContentType` (default form-encoded UTF-8): the body of a POST or PUT;
- `name`: echoed back; `order`: a whole number, the requests run in its order (stable).

They run one after the other, each through Django's URL resolver and the real view, as the
caller (the outer request's authentication, done once: no item presents a password again, so
the sign-in limits count the batch once). Each answers on its own: `{name, status, headers,
data}` where `data` is the item's whole body as text (its envelope, JSON or XML), so a record
the caller may not see is a 404 inside its item, and one failing item does not stop the rest.
The batch itself answers in the envelope (201 for a POST), its `response` the list of items.

Differences from ONLYOFFICE, on purpose: at most MAX_REQUESTS requests (400 naming `batch`);
a missing or empty `batch` is a 400 (ONLYOFFICE: 200 with "no batch specified"); an item that
is not a path under /api/2.0/, another batch or the sign-in route is refused inside its item
(400 naming `relativeUrl`; ONLYOFFICE answers null or recurses); unsafe items only in a POST
batch, whose own CSRF check covers them when the caller signed in with the browser session
(ONLYOFFICE runs anything a GET batch holds)."""

import codecs
import io
import json
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes, urlsplit

import orjson
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.urls import Resolver404, get_script_prefix, resolve
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.response import Response

from core.errors import InvalidInput
from crm_project.api.binding import Params
from crm_project.api.exceptions import (
    HRESULT_ARGUMENT,
    HRESULT_HTTP,
    envelope_exception_handler,
    error_body,
)
from crm_project.api.parsers import check_depth
from crm_project.api.request_checks import api_refusal
from crm_project.api.views import OnlyOfficeAPIView

MAX_REQUESTS = 20
API_ROOT = "/api/2.0/"
METHODS = ("GET", "POST", "PUT", "DELETE")
SAFE_METHODS = ("GET",)
DEFAULT_BODY_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
# Routes no item may reach: a batch in a batch, and the password route (one request would
# carry MAX_REQUESTS password guesses).
REFUSED_ROUTES = {
    "api-batch": "a batch cannot hold another batch",
    "api-authentication": "the sign-in route cannot be batched",
}
# What an item does not take from the outer request: its own body, method and address.
_NOT_COPIED = {
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "HTTP_CONTENT_TYPE",
    "HTTP_CONTENT_LENGTH",
    "PATH_INFO",
    "QUERY_STRING",
    "REQUEST_METHOD",
    "RAW_URI",
    "REQUEST_URI",
    "wsgi.input",
}


class Refused(Exception):
    """An item that is not run: answered inside its item as a 400 naming `field`."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class BatchRequest:
    position: int
    order: int
    name: str | None
    fields: dict  # the item's keys, lower-cased


# -- reading the batch ---------------------------------------------------------------------


def _batch_items(request) -> list:
    """The list of requests: `batch` from the query, form or JSON body, or a JSON array body
    (the form ONLYOFFICE's documentation shows)."""
    data = None if request.method in ("GET", "HEAD") else request.data
    if isinstance(data, list):
        value = data
    else:
        value = Params(request).raw("batch")
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        value = value[0]  # `batch` as a repeated form key or `batch[]`
    if isinstance(value, str):
        text = value.strip()
        if not text:
            value = None
        else:
            try:
                value = json.loads(text)
                check_depth(value)
            except (ValueError, RecursionError) as exc:
                raise InvalidInput("batch is not valid JSON.", field="batch") from exc
            except ParseError as exc:
                raise InvalidInput(f"batch: {exc.detail}", field="batch") from exc
    if value is None or value == []:
        raise InvalidInput(
            "No batch specified: send `batch`, a JSON array of requests.", field="batch"
        )
    if not isinstance(value, list):
        raise InvalidInput("batch must be a JSON array of requests.", field="batch")
    if len(value) > MAX_REQUESTS:
        raise InvalidInput(
            f"A batch holds at most {MAX_REQUESTS} requests; this one holds {len(value)}.",
            field="batch",
        )
    return value


def _batch_requests(items: list) -> list[BatchRequest]:
    requests = []
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise InvalidInput(
                f"batch[{position}] must be an object with a relativeUrl.", field="batch"
            )
        fields = {str(key).lower(): value for key, value in item.items()}
        name = fields.get("name")
        if isinstance(name, bool) or not isinstance(name, str | int | float | type(None)):
            raise InvalidInput(f"batch[{position}].name must be text.", field="batch")
        order = fields.get("order") or 0
        if isinstance(order, str) and order.strip().lstrip("-").isdigit():
            order = int(order)
        if isinstance(order, bool) or not isinstance(order, int) or abs(order) > 2**31:
            raise InvalidInput(f"batch[{position}].order must be a whole number.", field="batch")
        requests.append(
            BatchRequest(
                position=position,
                order=order,
                name=None if name is None else str(name),
                fields=fields,
            )
        )
    return sorted(requests, key=lambda r: (r.order, r.position))


# -- running one item ----------------------------------------------------------------------


def _text(fields: dict, key: str, wire: str) -> str | None:
    value = fields.get(key)
    if value is None or isinstance(value, str):
        return value
    raise Refused(f"{wire} must be text.", wire)


def _target(relative_url: str | None) -> tuple[str, str]:
    """(PATH_INFO as WSGI carries it, QUERY_STRING) of a path under /api/2.0/."""
    if not relative_url or not relative_url.strip():
        raise Refused("relativeUrl is required: the path of the request.", "relativeUrl")
    parts = urlsplit(relative_url.strip())
    if parts.scheme or parts.netloc or relative_url.strip().startswith(("//", "\\")):
        raise Refused(
            f"relativeUrl must be a path under {API_ROOT}, not an absolute URL.", "relativeUrl"
        )
    raw_path = unquote_to_bytes(parts.path)
    try:
        path = raw_path.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused("relativeUrl is not valid UTF-8.", "relativeUrl") from exc
    prefix = get_script_prefix()
    if prefix != "/" and path.startswith(prefix):
        path = path[len(prefix) - 1 :]  # ONLYOFFICE drops the application path
    path = "/" + path.lstrip("/")
    if not path.startswith(API_ROOT):
        raise Refused(f"relativeUrl must be a path under {API_ROOT}.", "relativeUrl")
    query = parts.query.encode("utf-8").decode("latin-1")
    return path.encode("utf-8").decode("latin-1"), query


def _body(fields: dict) -> tuple[bytes, str]:
    content_type = _text(fields, "bodycontenttype", "bodyContentType")
    body = fields.get("body")
    if isinstance(body, dict | list):  # a JSON body written as JSON, not as text
        body = json.dumps(body)
        content_type = content_type or "application/json; charset=utf-8"
    elif body is not None and not isinstance(body, str):
        raise Refused("body must be text.", "body")
    content_type = (content_type or DEFAULT_BODY_TYPE).strip()
    charset = "utf-8"
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"') or charset
    try:
        codecs.lookup(charset)
        encoded = (body or "").encode(charset)
    except LookupError as exc:
        raise Refused(
            f"bodyContentType names an unknown charset '{charset[:40]}'.", "bodyContentType"
        ) from exc
    except UnicodeEncodeError as exc:
        raise Refused(f"body cannot be written in {charset}.", "body") from exc
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and len(encoded) > limit:
        raise Refused(f"body is larger than {limit} bytes (DATA_UPLOAD_MAX_MEMORY_SIZE).", "body")
    return encoded, content_type


def _sub_request(outer, *, method, path_info, query, body, content_type) -> WSGIRequest:
    """The item as a request of its own, with the outer request's headers (Authorization,
    cookies, address) but its own method, path, query and body."""
    django_request = outer._request
    environ = {k: v for k, v in django_request.META.items() if k not in _NOT_COPIED}
    environ.update(
        {
            "REQUEST_METHOD": method,
            "PATH_INFO": path_info,
            "QUERY_STRING": query,
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": django_request.scheme,
        }
    )
    inner = WSGIRequest(environ)
    if hasattr(django_request, "urlconf"):
        inner.urlconf = django_request.urlconf
    if hasattr(django_request, "session"):
        inner.session = django_request.session
    # The caller as the outer request authenticated them, once: DRF's Request takes these
    # (rest_framework/request.py, ForcedAuthentication) instead of its authenticators.
    inner.user = outer.user
    inner._force_auth_user = outer.user
    inner._force_auth_token = outer.auth
    return inner


def _refused(item: BatchRequest, status: int, message: str, field: str | None) -> dict:
    hresult = HRESULT_ARGUMENT if status == 400 else HRESULT_HTTP
    return _answer(
        item,
        status=status,
        headers={"Content-Type": "application/json; charset=utf-8"},
        data=orjson.dumps(error_body(status, message, hresult=hresult, field=field)).decode(),
    )


def _answer(item: BatchRequest, *, status: int, headers: dict, data: str) -> dict:
    """ApiBatchResponse: `name` (omitted when null), `status`, `headers` (names with a
    lower-case first letter, as ONLYOFFICE's serializer writes them), `data`."""
    answer = {} if item.name is None else {"name": item.name}
    answer["status"] = status
    answer["headers"] = {key[:1].lower() + key[1:]: value for key, value in headers.items()}
    answer["data"] = data
    return answer


def run_item(outer, item: BatchRequest, *, outer_method: str) -> dict:
    fields = item.fields
    try:
        method = (_text(fields, "method", "method") or "GET").strip().upper() or "GET"
        if method not in METHODS:
            raise Refused(f"method must be one of {', '.join(METHODS)}.", "method")
        if method not in SAFE_METHODS and outer_method in SAFE_METHODS:
            raise Refused(
                f"A {outer_method} batch runs GET requests only; send it as POST.", "method"
            )
        path_info, query = _target(_text(fields, "relativeurl", "relativeUrl"))
        body, content_type = _body(fields)
    except Refused as refused:
        return _refused(item, 400, refused.message, refused.field)

    inner = _sub_request(
        outer,
        method=method,
        path_info=path_info,
        query=query,
        body=body,
        content_type=content_type,
    )
    try:
        match = resolve(inner.path_info, urlconf=getattr(inner, "urlconf", None))
    except Resolver404:
        return _refused(item, 404, "The record could not be found", None)
    if match.url_name in REFUSED_ROUTES:
        return _refused(item, 400, f"relativeUrl: {REFUSED_ROUTES[match.url_name]}.", "relativeUrl")
    inner.resolver_match = match
    try:
        response = api_refusal(inner)
        if response is None:
            response = match.func(inner, *match.args, **match.kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        content = b"".join(response.streaming_content) if response.streaming else response.content
    except Exception as exc:  # one item's failure is that item's answer
        error = envelope_exception_handler(exc, {})
        return _refused(
            item,
            error.status_code,
            error.data["error"]["message"],
            error.data["error"]["data"].get("field"),
        )
    return _answer(
        item,
        status=response.status_code,
        headers=dict(response.items()),
        data=content.decode(response.charset or "utf-8", errors="replace"),
    )


# -- the route -------------------------------------------------------------------------------


class BatchInputSerializer(serializers.Serializer):
    """Documentation only."""

    batch = serializers.CharField(
        help_text=(
            'A JSON array of requests, e.g. `[{"name":"a","relativeUrl":'
            '"/api/2.0/crm/opportunity/5.json"},{"name":"b","relativeUrl":'
            '"/api/2.0/crm/opportunity/stage.json"}]`; keys in any case: `relativeUrl` '
            "(required), `method` (GET, POST, PUT, DELETE), `body`, `bodyContentType`, "
            f"`name`, `order`. At most {MAX_REQUESTS} requests."
        )
    )


class BatchAnswerSerializer(serializers.Serializer):
    """Documentation only: ONLYOFFICE's ApiBatchResponse."""

    name = serializers.CharField(required=False, help_text="The request's `name`, if given.")
    status = serializers.IntegerField(help_text="The request's HTTP status.")
    headers = serializers.DictField(
        child=serializers.CharField(),
        help_text="Its response headers, names with a lower-case first letter.",
    )
    data = serializers.CharField(
        help_text="Its whole response body as text: parse it as the request's own answer."
    )


class BatchView(OnlyOfficeAPIView):
    def _run(self, request):
        items = _batch_requests(_batch_items(request))
        method = request.method.upper()
        method = "GET" if method == "HEAD" else method
        return Response([run_item(request, item, outer_method=method) for item in items])

    @extend_schema(
        operation_id="batch_run",
        summary="Run several API requests in one",
        description=(
            "Each request runs as the caller, in `order`, through the same route and rights as "
            "alone; each answers inside its item (a record the caller may not see is a 404 "
            "there). A GET batch runs GET requests only. Missing, malformed or more than "
            f"{MAX_REQUESTS} requests: 400 naming `batch`."
        ),
        request=BatchInputSerializer,
        responses=BatchAnswerSerializer(many=True),
        tags=["batch"],
    )
    def post(self, request, format=None):
        return self._run(request)

    @extend_schema(
        operation_id="batch_run_get",
        summary="Run several GET requests in one",
        description="As the POST, with `batch` in the query string; GET requests only.",
        parameters=[OpenApiParameter("batch", str, required=True)],
        responses=BatchAnswerSerializer(many=True),
        tags=["batch"],
    )
    def get(self, request, format=None):
        return self._run(request)
