"""RamBase's two wire formats, written once (contract §3).

A response is a `Document`: PascalCase field names, as RamBase documents them and as XML writes
them; JSON lowers the first letter of every key (`Value.UnweightedAmount` ->
`value.unweightedAmount`). Single resources are wrapped in their root in both formats; lists
and errors are flat in JSON and rooted in XML. The format is `$format`, else `Accept`, else
JSON."""

import re
from decimal import Decimal
from xml.etree import ElementTree

import orjson
from django.http import HttpResponse

from rambase.errors import NOT_ACCEPTABLE, RamBaseError, invalid_parameter

# What XML 1.0 cannot carry, even escaped: written as U+FFFD so an answer stays well-formed.
NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
XML_ACCEPT = ("application/xml", "text/xml")


class Items(list):
    """A list of elements named `item` in XML. `inline`: written straight into the parent
    element (a list resource's rows under its root), else inside an element of its key."""

    def __init__(self, item: str, values=(), *, inline: bool = False):
        super().__init__(values)
        self.item = item
        self.inline = inline


class Document:
    def __init__(self, root: str, fields: dict, *, json_root: bool = True):
        self.root = root
        self.fields = fields
        self.json_root = json_root

    def to_json(self):
        body = camel(self.fields)
        return {lower_first(self.root): body} if self.json_root else body


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def camel(value):
    if isinstance(value, dict):
        return {lower_first(key): camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [camel(item) for item in value]
    return value


def query_parameters(request) -> dict[str, str]:
    """The query string by lower-cased name (names are case-insensitive); the first value of
    a repeated name."""
    found: dict[str, str] = {}
    for name, values in request.GET.lists():
        found.setdefault(name.lower(), values[0] if values else "")
    return found


def response_format(request) -> str:
    """`json` or `xml`: `$format` (json, jsonstream, xml; html is 406, others 400), else the
    Accept header, else JSON."""
    requested = query_parameters(request).get("$format")
    if requested is not None:
        value = requested.strip().lower()
        if value in ("json", "jsonstream"):
            return "json"
        if value == "xml":
            return "xml"
        if value == "html":
            raise RamBaseError(
                NOT_ACCEPTABLE, "HTML output is not available; use $format=json or xml."
            )
        raise invalid_parameter(
            f"$format: '{requested[:40]}' is not a format (json, xml).", "$format"
        )
    accept = request.META.get("HTTP_ACCEPT", "").lower()
    for part in accept.split(","):
        media = part.split(";")[0].strip()
        if media == "application/json":
            return "json"
        if media in XML_ACCEPT:
            return "xml"
    return "json"


def format_or_json(request) -> str:
    """The response format, JSON when the request names none that can be used (errors)."""
    try:
        return response_format(request)
    except RamBaseError:
        return "json"


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        value = format(value, "f")
    return NOT_XML_TEXT.sub("\ufffd", str(value))


def _append(parent: ElementTree.Element, name: str, value) -> None:
    if isinstance(value, Items):
        holder = parent if value.inline else ElementTree.SubElement(parent, name)
        for item in value:
            _append(holder, value.item, item)
        return
    element = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    else:
        element.text = _text(value)


def to_xml(document: Document) -> bytes:
    root = ElementTree.Element(document.root)
    for key, value in document.fields.items():
        _append(root, key, value)
    body = ElementTree.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def _json_default(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError


def document_response(
    request, document: Document | None, *, status: int = 200, fmt: str | None = None, headers=None
) -> HttpResponse:
    """The response in the request's format (`fmt` when the caller already chose it)."""
    if document is None:
        response = HttpResponse(status=status)
    elif (fmt or format_or_json(request)) == "xml":
        response = HttpResponse(to_xml(document), status=status, content_type=XML_TYPE)
    else:
        body = orjson.dumps(document.to_json(), default=_json_default)
        response = HttpResponse(body, status=status, content_type=JSON_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
