"""The request body parsers, bounded: a body nests at most MAX_DEPTH levels.

ONLYOFFICE bodies nest three levels at most (`customFieldList: [{key, value}]`). A deeper one
is refused as malformed (400) before anything walks it: Python's JSON decoder and the XML
converter recurse, and a 50,000-level body would exhaust the stack."""

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework_xml.compat import etree
from rest_framework_xml.parsers import XMLParser as BaseXMLParser

MAX_DEPTH = 32


def _too_deep() -> ParseError:
    return ParseError(f"the body nests more than {MAX_DEPTH} levels.")


def check_depth(data) -> None:
    """Raise ParseError when the parsed `data` nests deeper than MAX_DEPTH (no recursion)."""
    pending = [(data, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > MAX_DEPTH:
            raise _too_deep()
        pending.extend((child, depth + 1) for child in children)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise _too_deep() from exc
        check_depth(data)
        return data


class XMLParser(BaseXMLParser):
    """djangorestframework-xml's parser (defusedxml, no DTD), with the depth checked on the
    element tree before it is converted."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            tree = etree.parse(
                stream, parser=etree.DefusedXMLParser(encoding=encoding), forbid_dtd=True
            )
        except (etree.ParseError, ValueError) as exc:
            raise ParseError(f"XML parse error - {exc}") from exc
        except RecursionError as exc:
            raise _too_deep() from exc
        pending = [(tree.getroot(), 1)]
        while pending:
            element, depth = pending.pop()
            if depth > MAX_DEPTH:
                raise _too_deep()
            pending.extend((child, depth + 1) for child in element)
        return self._xml_convert(tree.getroot())
