"""Errors the opportunity services raise; the API and the pages map them once each."""

from core.errors import AccessDenied, Conflict, DomainError, InvalidInput, NotFound

__all__ = [
    "AccessDenied",
    "Conflict",
    "DomainError",
    "InvalidInput",
    "NotFound",
    "OpportunityNotFound",
    "StageNotFound",
    "StageInUse",
]


class OpportunityNotFound(NotFound):
    default_message = "The record could not be found"


class StageNotFound(NotFound):
    default_message = "Deal milestone is not found"


class StageInUse(Conflict):
    default_message = "Can't be deleted. There are some opportunities at this stage."
