"""The base of every RamBase view: its own authentication, exception handler and formats;
PATCH, OPTIONS and any method a view does not define are 405 with `Allow`."""

from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from rambase import ids
from rambase.authentication import HasCrmAccess, RamBaseTokenAuthentication
from rambase.body import request_body
from rambase.errors import invalid_parameter, not_found
from rambase.exception_handler import rambase_exception_handler
from rambase.formats import Document, document_response, query_parameters, response_format


class RamBaseView(APIView):
    authentication_classes = [RamBaseTokenAuthentication]
    permission_classes = [IsAuthenticated, HasCrmAccess]
    metadata_class = None  # OPTIONS is 405 like any unknown method
    renderer_classes = []  # responses are built by rambase.formats
    schema = None

    @property
    def allowed_methods(self):
        return [m.upper() for m in self.http_method_names if m != "options" and hasattr(self, m)]

    def get_exception_handler(self):
        return rambase_exception_handler

    def perform_content_negotiation(self, request, force=False):
        return None, None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.format = response_format(request)  # $format=html: 406 before any work

    def query(self) -> dict[str, str]:
        return query_parameters(self.request)

    def body(self, root: str) -> dict:
        return request_body(self.request, root=root)

    def respond(self, document: Document | None, *, status: int = 200, headers=None):
        return document_response(
            self.request, document, status=status, fmt=self.format, headers=headers
        )

    def link(self, path: str) -> str:
        return self.request.build_absolute_uri(path)


def path_id(raw: str, offset: int, name: str) -> int:
    """The primary key a path's RamBase id names: below its minimum is 400 990004."""
    try:
        value = int(raw)
    except ValueError as exc:
        raise not_found() from exc
    if value < offset:
        raise invalid_parameter(f"{name} must be at least {offset}.", name)
    if value - offset > ids.MAX_KEY:
        raise not_found()
    return value - offset


class NotFoundView(RamBaseView):
    """Unknown paths under RamBase's prefixes: 404 in RamBase's error body."""

    authentication_classes = []
    permission_classes = []

    def initial(self, request, *args, **kwargs):
        # before the method is looked up: every method of an unknown path is a 404
        raise not_found("No such resource.")
