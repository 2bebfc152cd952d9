"""Errors the contact services raise besides the shared ones in core/errors.py."""

from core.errors import Conflict


class ContactChanged(Conflict):
    """The contact was written after the caller read it at `expected_version` (an edit form
    open meanwhile): nothing was written. `current` is the row as it now stands."""

    default_message = (
        "This contact was changed by someone else after you opened it. Nothing was saved."
    )

    def __init__(self, message: str | None = None, *, current=None):
        super().__init__(message, field="version")
        self.current = current
