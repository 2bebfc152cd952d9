"""Core's domain signals: how an app above core takes part in a core service's write without
core importing it (the layers in pyproject.toml forbid that)."""

from django.dispatch import Signal

# Sent by `custom_field_delete` inside its transaction, before the definition and its values
# are deleted: `definition` and `deleted_by`. Receivers write in the same transaction; one
# that raises rolls the delete back.
custom_field_deleting = Signal()
