"""The ONLYOFFICE envelope, written once for every API response.

Views return the payload (`Response(data)`); list views attach paging facts as
`response.envelope_meta`. Error responses built by the exception handler are already envelopes."""

import re
from decimal import Decimal
from io import StringIO

import orjson
from django.utils.encoding import force_str
from django.utils.xmlutils import SimplerXMLGenerator
from rest_framework.renderers import BaseRenderer
from rest_framework_xml.renderers import XMLRenderer

from crm_project.api.text import NOT_XML_TEXT

ENVELOPE_MARK = "_is_envelope"


# Characters XML 1.0 cannot carry, even escaped. Input refuses them (binding.check_text); a
# value stored before that, or by another way in, is written as U+FFFD so the answer stays
# well-formed.
def _xml_text(value) -> str:
    return NOT_XML_TEXT.sub("\ufffd", force_str(value))


def envelope(data, *, status_code: int, meta: dict | None = None) -> dict:
    """`count`, `startIndex`, `nextIndex`, `total`, `status`, `statusCode`, `response`, in
    ONLYOFFICE's order and with its omissions."""
    wrapped: dict = {}
    if isinstance(data, list):
        if data:
            wrapped["count"] = len(data)
    elif isinstance(data, str):
        if data:
            wrapped["count"] = len(data)  # ONLYOFFICE's quirk: a string counts its characters
    elif data is not None and data != {}:
        wrapped["count"] = 1
    meta = meta or {}
    if meta.get("startIndex"):
        wrapped["startIndex"] = meta["startIndex"]
    if meta.get("nextIndex") is not None:
        wrapped["nextIndex"] = meta["nextIndex"]
    if meta.get("total") is not None:
        wrapped["total"] = meta["total"]
    wrapped["status"] = 0
    wrapped["statusCode"] = status_code
    wrapped["response"] = {} if data is None else data
    return wrapped


def _wrap(data, renderer_context):
    response = (renderer_context or {}).get("response")
    if response is not None and getattr(response, ENVELOPE_MARK, False):
        return data
    status_code = response.status_code if response is not None else 200
    meta = getattr(response, "envelope_meta", None)
    return envelope(data, status_code=status_code, meta=meta)


def json_number(value: Decimal) -> int | float:
    """A .NET decimal/double as JSON: a number, integral values without ".0"."""
    return int(value) if value == value.to_integral_value() else float(value)


def _default(value):
    if isinstance(value, Decimal):
        return json_number(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class EnvelopeJSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return orjson.dumps(_wrap(data, renderer_context), default=_default)


class EnvelopeXMLRenderer(XMLRenderer):
    """XML as in ONLYOFFICE's `text/xml` example: the envelope under `<result>`, list items
    repeated under their property's name, booleans as True/False."""

    media_type = "text/xml"
    format = "xml"
    root_tag_name = "result"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        stream = StringIO()
        xml = SimplerXMLGenerator(stream, self.charset)
        xml.startDocument()
        xml.startElement(self.root_tag_name, {})
        self._write_members(xml, _wrap(data, renderer_context))
        xml.endElement(self.root_tag_name)
        xml.endDocument()
        return stream.getvalue().encode(self.charset)

    def _write_members(self, xml, mapping: dict) -> None:
        for key, value in mapping.items():
            key = _xml_name(key)
            if isinstance(value, list):
                for item in value:
                    self._element(xml, key, item)
            else:
                self._element(xml, key, value)

    def _element(self, xml, name: str, value) -> None:
        xml.startElement(name, {})
        if isinstance(value, dict):
            self._write_members(xml, value)
        elif isinstance(value, list):
            for item in value:
                self._element(xml, "item", item)
        elif isinstance(value, bool):
            xml.characters("True" if value else "False")
        elif isinstance(value, Decimal):
            xml.characters(force_str(_default(value)))
        elif value is not None:
            xml.characters(_xml_text(value))
        xml.endElement(name)


_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*\Z")


def _xml_name(key) -> str:
    """Member names are our own identifiers; a key that is no XML name (custom field maps
    keyed by id, say) becomes `item`."""
    key = str(key)
    return key if _XML_NAME.match(key) and not key.lower().startswith("xml") else "item"
