"""Rows written around the ORM, as the data set needs them: COPY on PostgreSQL, executemany
on SQLite, then fresh planner statistics."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection


class BulkWriter:
    """COPY on PostgreSQL, executemany on SQLite, through the raw DB-API connection."""

    def __init__(self, connection):
        self.connection = connection
        self.vendor = connection.vendor

    def write(self, table: str, columns: tuple[str, ...], rows) -> int:
        self.connection.ensure_connection()
        raw = self.connection.connection
        names = ", ".join(f'"{c}"' for c in columns)
        count = 0
        if self.vendor == "postgresql":
            copy_sql = f'COPY "{table}" ({names}) FROM STDIN'
            with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join("?" for _ in columns)
        rows = [tuple(_sqlite_value(v) for v in row) for row in rows]
        cursor = raw.cursor()
        try:
            cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        finally:
            cursor.close()
        return len(rows)


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def analyze() -> None:
    """Fresh planner statistics and visibility map (PostgreSQL), as a live database has."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
