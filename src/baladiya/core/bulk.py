"""Writing many rows at once, for batch jobs (a billing run's bills, a batch of
demands): COPY on PostgreSQL, one ``executemany`` elsewhere, with no model
instance per row.

Django's ``bulk_create`` builds a model instance and compiles every row; at a
hundred thousand rows a run that is most of its time. These helpers take plain
rows and prepare each value for the database as Django would.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, connections


def copy_supported() -> bool:
    """Whether batch rows go in with ``COPY … FROM STDIN`` (PostgreSQL with psycopg 3)."""
    if connection.vendor != "postgresql":
        return False
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    return bool(is_psycopg3)


def reserve_ids(model: Any, count: int) -> list[int]:
    """``count`` values of the id sequence of ``model``'s table (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(model._meta.db_table), model._meta.pk.column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


# Field types whose values insert_rows hands to the driver as they are: its
# callers pass plain str, int, bool and Decimal values (ids for foreign keys).
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DecimalField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def insert_rows(model: Any, fields: Sequence[str], rows: list[list[Any]]) -> None:
    """Insert ``rows`` (lists of values of ``fields``, by attribute name) into
    ``model``'s table without making model instances: streamed with ``COPY`` on
    PostgreSQL (psycopg 3), one ``executemany`` elsewhere. Values are prepared
    for the database as Django would (dates, JSON…), but no default is applied:
    every value must be given, an ``auto_now_add`` field too."""
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    copy = copy_supported()
    prepare = [
        (i, field)
        for i, field in enumerate(columns)
        if field.get_internal_type() not in _AS_IS
        and not (copy and field.get_internal_type() in ("DateField", "DateTimeField"))
    ]
    if prepare:
        db = connections[connection.alias]  # the connection itself, not the proxy
        rows = [_prepared(row, prepare, db) for row in rows]
    q = connection.ops.quote_name
    table = q(meta.db_table)
    names = ", ".join(q(field.column) for field in columns)
    with connection.cursor() as cursor:
        if copy:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as stream:
                for row in rows:
                    stream.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _prepared(row: list[Any], prepare: list[tuple[int, Any]], db: Any) -> list[Any]:
    row = list(row)
    for i, field in prepare:
        row[i] = field.get_db_prep_save(row[i], db)
    return row
