"""The OpenAPI description of the ONLYOFFICE wire format, written once.

Views declare only their payload (`@extend_schema(responses=PayloadSerializer)`); the
postprocessing hook here wraps every success response in the envelope the renderer adds, gives
every POST its 201, and adds the error envelope to each operation (the authentication schemes
are described beside the authenticators: accounts/api/auth_schemes.py). Shared documentation
serializers for the nested shapes every resource embeds (Employee, CurrencyInfo:
render_context.py; CustomFieldBase: custom_field_shape.py) live here too.

This module is loaded by drf-spectacular through the PREPROCESSING_HOOKS setting, before any
view is inspected."""

import copy
import re

from rest_framework import serializers

from core.models import FieldType
from crm_project.api.exceptions import HRESULT_HTTP

ERROR_CODES = {
    "400": "Invalid arguments: a parameter is missing or has a value the server refuses.",
    "401": "Not signed in: no credentials, or a token that is invalid or has expired.",
    "403": "Access denied: the caller may see the record but not do this to it.",
    "404": "The record could not be found, or the caller may not see it.",
}
ERROR_COMPONENT = "ErrorEnvelope"
_SUFFIX_IN_PATH = re.compile(r"\{format\}$|\(\?:\\\.\(\?P<format>[^)]*\)\)\?$")


# -- shared documentation serializers (render_context.py, custom_field_shape.py) ------------


class EmployeeSerializer(serializers.Serializer):
    """ONLYOFFICE's Employee: who created, is responsible for, or may see a record."""

    id = serializers.UUIDField()
    displayName = serializers.CharField()
    title = serializers.CharField(allow_blank=True, help_text="The job title.")
    avatarSmall = serializers.URLField()
    profileUrl = serializers.CharField(allow_blank=True)


class CurrencyInfoSerializer(serializers.Serializer):
    """ONLYOFFICE's CurrencyInfo."""

    title = serializers.CharField()
    symbol = serializers.CharField(allow_blank=True)
    abbreviation = serializers.CharField(help_text="ISO 4217 code.")
    cultureName = serializers.CharField(allow_blank=True)
    isConvertable = serializers.BooleanField()
    isBasic = serializers.BooleanField(help_text="The base currency totals are converted to.")


class CustomFieldBaseSerializer(serializers.Serializer):
    """ONLYOFFICE's CustomFieldBase: a field and, for one opportunity or contact, its value."""

    id = serializers.IntegerField()
    entityId = serializers.IntegerField(help_text="The opportunity or contact; 0 for a definition.")
    label = serializers.CharField()
    fieldValue = serializers.CharField(allow_null=True, help_text="null for a Heading.")
    fieldType = serializers.ChoiceField(
        choices=FieldType.choices,
        help_text="0 TextField, 1 TextArea, 2 SelectBox, 3 CheckBox, 4 Heading, 5 Date",
    )
    position = serializers.IntegerField()
    mask = serializers.CharField(
        allow_blank=True,
        help_text='JSON: the options of a SelectBox (`["a","b"]`), `{"size":N}` for a TextField.',
    )


# -- hooks -----------------------------------------------------------------------------------


def preprocess_endpoints(endpoints):
    """Preprocessing: naming this hook in PREPROCESSING_HOOKS loads the module (and so
    registers the authentication extensions below) before any view is inspected. Every route
    accepts an optional `.json`/`.xml`/`.tml` suffix (routing.py); the plain path is documented
    once."""
    cleaned = []
    seen = set()
    for path, path_regex, method, callback in endpoints:
        path = _SUFFIX_IN_PATH.sub("", path)
        if (path, method) in seen:
            continue
        seen.add((path, method))
        cleaned.append((path, path_regex, method, callback))
    return cleaned


def _error_envelope_schema() -> dict:
    return {
        "type": "object",
        "description": "Every error, 401 included, is this envelope.",
        "properties": {
            "status": {"type": "integer", "enum": [1], "description": "1: error."},
            "statusCode": {"type": "integer", "description": "The HTTP status, repeated."},
            "error": {
                "type": "object",
                "properties": {
                    "message": {"type": "string"},
                    "hresult": {"type": "integer", "example": HRESULT_HTTP},
                    "data": {
                        "type": "object",
                        "description": "`{field: <parameter name>}` when one parameter is at "
                        "fault, else `{}`.",
                        "properties": {"field": {"type": "string"}},
                    },
                },
                "required": ["message", "hresult", "data"],
            },
        },
        "required": ["status", "statusCode", "error"],
    }


def _success_envelope(payload: dict | None, status_code: int) -> dict:
    return {
        "type": "object",
        "properties": {
            "count": {
                "type": "integer",
                "description": "Items in `response` (1 for an object); absent for an empty list.",
            },
            "startIndex": {
                "type": "integer",
                "description": "The requested `startIndex`; absent when 0.",
            },
            "nextIndex": {
                "type": "integer",
                "description": "Present only when more items follow (ONLYOFFICE's "
                "`startIndex + count + 1`).",
            },
            "total": {
                "type": "integer",
                "description": "On paged lists: how many items match in all.",
            },
            "status": {"type": "integer", "enum": [0], "description": "0: success."},
            "statusCode": {"type": "integer", "enum": [status_code]},
            "response": payload if payload else {"type": "object"},
        },
        "required": ["status", "statusCode", "response"],
    }


def _error_response(code: str) -> dict:
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    return {
        "description": ERROR_CODES[code],
        "content": {"application/json": {"schema": ref}},
    }


def wrap_envelopes(result, generator, request, public):
    """Postprocessing: the envelope around every success payload, 201 for POST, 200 (never 204)
    for DELETE, and the error envelope for 400/401/403/404."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_COMPONENT] = _error_envelope_schema()
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # The representation is chosen by the path suffix, not by a `?format=` parameter.
            parameters = [
                p
                for p in operation.get("parameters", [])
                if not (p.get("in") == "query" and p.get("name") == "format")
            ]
            if parameters:
                operation["parameters"] = parameters
            else:
                operation.pop("parameters", None)
            responses = operation["responses"]
            if method == "post" and "200" in responses and "201" not in responses:
                responses["201"] = responses.pop("200")
            if "204" in responses and "200" not in responses:  # we always answer with a body
                responses["200"] = responses.pop("204")
                responses["200"]["description"] = ""
            for code, response in list(responses.items()):
                if not code.startswith("2"):
                    continue
                content = response.setdefault("content", {"application/json": {}})
                for media in content.values():
                    media["schema"] = _success_envelope(
                        copy.deepcopy(media.get("schema")), int(code)
                    )
            for code in ERROR_CODES:
                declared = responses.setdefault(code, _error_response(code))
                declared.setdefault("content", _error_response(code)["content"])
    return result
