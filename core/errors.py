"""Typed domain errors. Services raise them; each surface maps them once (API exception handler,
page views) to its own presentation."""


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    default_message = "The operation could not be completed."

    def __init__(self, message: str | None = None, *, field: str | None = None):
        self.message = message or self.default_message
        self.field = field
        super().__init__(self.message)


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
