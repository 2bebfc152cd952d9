"""Request bodies (contract §3): JSON or XML (`application/json`, `application/xml`,
`text/xml`; without a Content-Type the body is sniffed, anything else is 415), keys in any
case (keys differing only by case are 400 990003), the root wrapper optional. XML is read with
defusedxml, DTDs and entities refused. The result is nested dicts with lower-cased keys."""

import json
import re

from defusedxml import ElementTree as SafeElementTree
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http.request import RawPostDataException

from rambase.errors import (
    BODY_TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    RamBaseError,
    invalid_value,
    malformed,
)

MAX_DEPTH = 16
# C0 controls but tab, LF and CR: no text column takes NUL, XML 1.0 none of them.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
JSON_TYPES = ("application/json", "text/json")
XML_TYPES = ("application/xml", "text/xml")


def _raw_body(request) -> bytes:
    try:
        return request.body
    except RequestDataTooBig as exc:
        raise RamBaseError(
            BODY_TOO_LARGE,
            f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
        ) from exc
    except RawPostDataException as exc:  # a multipart form, parsed already
        raise RamBaseError(
            UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json or application/xml."
        ) from exc


def _kind(request, raw: bytes) -> str:
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type in JSON_TYPES:
        return "json"
    if content_type in XML_TYPES:
        return "xml"
    if content_type in ("", "text/plain"):
        return "xml" if raw.lstrip().startswith(b"<") else "json"
    raise RamBaseError(
        UNSUPPORTED_MEDIA_TYPE,
        f"Content-Type '{content_type[:60]}' is not supported: send application/json or "
        "application/xml.",
    )


def _lowered(value, depth: int = 1, path: str = ""):
    """The JSON value with every object's keys lower-cased; refuses keys that differ only by
    case, and nesting deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise malformed(f"The body nests more than {MAX_DEPTH} levels.")
    if isinstance(value, dict):
        lowered: dict = {}
        for key, item in value.items():
            name = str(key).lower()
            if name in lowered:
                raise malformed(f"The key '{path}{key}' appears twice.", f"{path}{key}")
            lowered[name] = _lowered(item, depth + 1, f"{path}{key}.")
        return lowered
    if isinstance(value, list):
        return [_lowered(item, depth + 1, path) for item in value]
    if isinstance(value, str) and CONTROL_CHARACTER.search(value):
        name = path.rstrip(".") or "body"
        raise invalid_value(f"{name} holds a control character.", name)
    return value


def _parse_json(raw: bytes):
    try:
        text = raw.decode("utf-8-sig")
        return json.loads(text, parse_float=str, parse_int=int)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise malformed(f"The body is not valid JSON: {str(exc)[:80]}") from exc


def _element_value(element, depth: int, path: str):
    if depth > MAX_DEPTH:
        raise malformed(f"The body nests more than {MAX_DEPTH} levels.")
    children = list(element)
    if not children:
        text = (element.text or "").strip()
        return text or None
    value: dict = {}
    for child in children:
        name = child.tag.rsplit("}", 1)[-1].lower()
        if name in value:
            raise malformed(f"The element '{path}{child.tag}' appears twice.", path + child.tag)
        value[name] = _element_value(child, depth + 1, f"{path}{child.tag}.")
    return value


def _parse_xml(raw: bytes) -> dict:
    try:
        root = SafeElementTree.fromstring(raw, forbid_dtd=True)
    except Exception as exc:  # defusedxml's refusals and ElementTree's ParseError
        raise malformed(f"The body is not valid XML: {str(exc)[:80]}") from exc
    value = _element_value(root, 1, "")
    # The root element is the wrapper, whatever its name.
    return value if isinstance(value, dict) else {}


def request_body(request, *, root: str) -> dict:
    """The body's fields, lower-cased keys, without its root wrapper (`root`, any case)."""
    raw = _raw_body(request)
    if not raw.strip():
        return {}
    if _kind(request, raw) == "xml":
        return _parse_xml(raw)
    data = _lowered(_parse_json(raw))
    if not isinstance(data, dict):
        raise malformed("The body must be a JSON object.")
    wrapped = data.get(root.lower())
    if len(data) == 1 and isinstance(wrapped, dict):
        return wrapped
    return data
