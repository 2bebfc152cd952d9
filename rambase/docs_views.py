"""The RamBase schema and its Swagger UI (local static files: no internet needed)."""

from django.http import JsonResponse
from django.urls import path
from drf_spectacular.views import SpectacularSwaggerView

from rambase.openapi import rambase_openapi


def schema(request):
    return JsonResponse(rambase_openapi())


urlpatterns = [
    path("schema/", schema, name="rambase-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="rambase-schema"), name="rambase-docs"),
]
