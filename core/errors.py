"""Typed domain errors. Services raise them; each surface maps them once (API exception handler,
page views) to its own presentation."""

import re

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class DomainError(Exception):
    """Base of every error a service raises on purpose.

    `field` is the domain name of the field at fault (the model's or the service keyword's:
    `stage`, `bid_currency`) and `entity` the model it belongs to (`opportunity`, `user`):
    each surface names it in its own words (crm_project/api/wire_names.py, a form's field).
    The message of an error with an entity is a template: `{field}` is the field as the
    surface names it, other placeholders come from `values` (user text goes there, never
    into the template). Without an entity the message is plain text."""

    default_message = "The operation could not be completed."

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        entity: str | None = None,
        **values,
    ):
        self.template = message or self.default_message
        self.field = field
        self.entity = entity
        self.values = values
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The message naming the field by its domain name."""
        return self.message_naming(self.field)

    def message_naming(self, name: str | None) -> str:
        """The message with the field named `name`."""
        if self.entity is None:
            return self.template
        values = {**self.values, "field": name or ""}
        return _PLACEHOLDER.sub(lambda m: str(values.get(m[1], m[0])), self.template)


class InvalidInput(DomainError):
    """The caller sent a value the domain refuses (HTTP 400)."""

    default_message = "Value does not fall within the expected range."


class NotFound(DomainError):
    """The object does not exist, or the caller may not see it (HTTP 404)."""

    default_message = "The record could not be found"


class AccessDenied(DomainError):
    """The caller may see the object but not do this to it (HTTP 403)."""

    default_message = "Access Denied"


class Conflict(InvalidInput):
    """The operation contradicts the current state (ONLYOFFICE answers 400)."""
