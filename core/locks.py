"""Row locks: every service that locks rows goes through these two helpers.

Rows are locked in primary-key order and only the queried model's rows (`of=self`: never
the joined rows; PostgreSQL refuses FOR UPDATE on the nullable side of an outer join), so two
transactions locking overlapping rows wait for each other instead of deadlocking. Lock before
the first write. A no-op on SQLite, whose writers are serialized by the database lock."""

from collections.abc import Iterable
from typing import TypeVar

from django.db import connection
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def lock_rows(queryset: QuerySet[M]) -> QuerySet[M]:
    """`queryset`, its rows locked for update (primary-key order) when it is evaluated."""
    return queryset.order_by("pk").select_for_update(of=("self",))


def lock_rows_for_reference(model: type[Model], ids: Iterable[int]) -> set[int] | None:
    """Lock rows a write is about to reference, as PostgreSQL's own foreign-key check does, but
    now rather than at commit (`FOR KEY SHARE`: referencing writers do not wait for each other;
    a concurrent delete waits for this transaction, or has committed first and the row is gone
    for the caller's next query). Take it after the referencing row's own lock.

    The ids of the rows locked, those still there; None where nothing was locked (no ids, or
    not PostgreSQL)."""
    ids = sorted(set(ids))
    if not ids or connection.vendor != "postgresql":
        return None
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk} FROM {table} WHERE {pk} = ANY(%s) ORDER BY {pk} FOR KEY SHARE", [ids]
        )
        return {row[0] for row in cursor.fetchall()}
