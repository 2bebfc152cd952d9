from rest_framework.negotiation import BaseContentNegotiation

XML_SUFFIXES = {"xml", "tml"}


class SuffixContentNegotiation(BaseContentNegotiation):
    """ONLYOFFICE answers XML only for `.xml`/`.tml` URLs whose request body is not JSON;
    everything else is JSON, whatever the Accept header says."""

    def select_parser(self, request, parsers):
        content_type = request.content_type.split(";")[0].strip().lower()
        for parser in parsers:
            if parser.media_type == content_type:
                return parser
        # ONLYOFFICE clients sometimes send JSON as text/plain; a form parser takes forms.
        if content_type in ("", "text/plain"):
            return next(p for p in parsers if p.media_type == "application/json")
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        suffix = (format_suffix or "").lower()
        wants_xml = suffix in XML_SUFFIXES and not request.content_type.startswith(
            "application/json"
        )
        for renderer in renderers:
            if (renderer.format == "xml") == wants_xml:
                return renderer, renderer.media_type
        return renderers[0], renderers[0].media_type
