"""Base classes every API view uses: binding, paging and the 201-on-POST rule live here."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework import status as http_status
from rest_framework.response import Response
from rest_framework.views import APIView

from crm_project.api.binding import Params
from crm_project.api.exceptions import HRESULT_HTTP, error_response
from crm_project.api.negotiation import SuffixContentNegotiation
from crm_project.api.pagination import PageRequest


@cache
def product_permission_classes() -> list:
    """settings.API_PRODUCT_PERMISSION_CLASSES: who may use a product (the CRM) is the user
    model's business, above this layer."""
    return [import_string(path) for path in settings.API_PRODUCT_PERMISSION_CLASSES]


class OnlyOfficeMixin:
    content_negotiation_class = SuffixContentNegotiation

    def get_permissions(self):
        # every view, whatever its own permission classes: guests get 403 on crm/* routes
        products = [permission() for permission in product_permission_classes()]
        return [*products, *super().get_permissions()]

    def params(self) -> Params:
        """The request's parameters (query, body, route), by case-insensitive name."""
        cached = getattr(self.request, "_onlyoffice_params", None)
        if cached is None:
            cached = Params(self.request, self.kwargs)
            self.request._onlyoffice_params = cached
        return cached

    def page_request(self) -> PageRequest:
        return PageRequest.from_params(self.params())

    def paged_response(
        self, items: list, *, page: PageRequest, has_more: bool, total: int | None = None
    ) -> Response:
        response = Response(items)
        response.envelope_meta = page.meta(returned=len(items), has_more=has_more, total=total)
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # ONLYOFFICE answers 201 to every successful POST.
        if request.method == "POST" and response.status_code == http_status.HTTP_200_OK:
            response.status_code = http_status.HTTP_201_CREATED
        return super().finalize_response(request, response, *args, **kwargs)


class OnlyOfficeAPIView(OnlyOfficeMixin, APIView):
    pass


class _NotFoundView(OnlyOfficeAPIView):
    authentication_classes = []
    permission_classes = []
    schema = None

    def _not_found(self, request, *args, **kwargs):
        return error_response(404, "The record could not be found", hresult=HRESULT_HTTP)

    get = post = put = patch = delete = _not_found


not_found = _NotFoundView.as_view()
