"""The contacts' domain signals: how an app above contacts takes part in a contact service's
write without contacts importing it (the layers in pyproject.toml forbid that)."""

from django.dispatch import Signal

# Sent by `contact_delete` inside its transaction, once it has locked what the delete writes
# (the contact and the opportunities linked to it) and before it deletes: `contact` and
# `deleted_by`. Receivers write in the same transaction; one that raises rolls the delete back.
contact_deleting = Signal()
