"""Errors the opportunity services raise; the API and the pages map them once each."""

from core.errors import AccessDenied, Conflict, DomainError, InvalidInput, NotFound

__all__ = [
    "AccessDenied",
    "Conflict",
    "DomainError",
    "InvalidInput",
    "NotFound",
    "OpportunityChanged",
    "OpportunityNotFound",
    "ResponsibleChangeDenied",
    "StageNotFound",
    "StageInUse",
]


class OpportunityNotFound(NotFound):
    default_message = "The record could not be found"


class StageNotFound(NotFound):
    default_message = "Deal milestone is not found"


class StageInUse(Conflict):
    default_message = "Can't be deleted. There are some opportunities at this stage."


class OpportunityChanged(Conflict):
    """The opportunity was written (by anyone, on any surface) after the caller read it at
    `expected_version`: nothing was written. `current` is the row as it now stands."""

    default_message = (
        "This opportunity was changed by someone else after you opened it. Nothing was saved."
    )

    def __init__(self, message: str | None = None, *, current=None, field: str | None = None):
        super().__init__(message, field=field or "version")
        self.current = current


class ResponsibleChangeDenied(AccessDenied):
    """The responsible person always sees and edits an opportunity: on a private one, only
    those who may change its access may change who that is."""

    default_message = (
        "Only the creator of a private opportunity and administrators may change who is "
        "responsible for it ({field})."
    )

    def __init__(self, message: str | None = None):
        super().__init__(message, field="responsible", entity="opportunity")
