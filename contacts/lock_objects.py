"""Row locks on contacts for the services that lock several rows (see
`opportunities/lock_objects.py`): primary-key order, the contacts' rows alone."""

from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet

from contacts.models import Contact


def contact_qs_select_for_update(queryset: QuerySet[Contact] | None = None) -> QuerySet[Contact]:
    queryset = Contact.objects.all() if queryset is None else queryset
    return queryset.order_by("pk").select_for_update(of=("self",))


def contacts_lock_for_link(contact_ids: Iterable[int]) -> None:
    """Lock the contacts a write is about to link an opportunity to, as PostgreSQL's own
    foreign-key check does, but now rather than at commit (`FOR KEY SHARE`: linkers do not wait
    for each other; a concurrent delete of one of them waits for this transaction, or has
    committed first and the contact is gone for the caller's next query). Take it after the
    opportunity's own lock: opportunities before contacts, as `contact_delete` takes them.
    SQLite serializes writers: nothing to do."""
    ids = sorted(set(contact_ids))
    if not ids or connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(Contact._meta.db_table)
    pk = connection.ops.quote_name(Contact._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk} FROM {table} WHERE {pk} = ANY(%s) ORDER BY {pk} FOR KEY SHARE", [ids]
        )
