"""Bulk loading rows straight through the database driver: executemany of tuples on SQLite,
COPY on PostgreSQL. SQLAlchemy's per-row parameter handling costs more than the database itself
at this scale; the column types' own bind processors keep the stored values identical.

Rows loaded with their own ids leave a PostgreSQL id sequence where it was, so the next
ordinary insert would be given an id already taken: the load moves the sequence past them
itself, so no caller can forget (SQLite gives the next row the highest id plus one anyway).

A load passes its rows to the listeners in the connection's `info[BULK_LISTENERS]` once they
are in: the change audit (services/change_audit) listens there, as it listens to statements,
since a load through the driver is no statement SQLAlchemy sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, text

BULK_LISTENERS = "rekisteri.bulk_listeners"
_NOT_SEEN = object()


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    _load(conn, table, rows)
    for listener in list(conn.info.get(BULK_LISTENERS, ())):
        listener(table, rows)


def _load(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    columns = list(rows[0])
    dialect = conn.dialect
    raw = conn.connection.driver_connection
    assert raw is not None
    if dialect.name == "postgresql":
        names = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        _advance_id_sequence(conn, table, columns)
        return
    processors = [table.c[c].type.bind_processor(dialect) for c in columns]
    # Names come from the register's own metadata, never from input.
    placeholders = ", ".join("?" for _ in columns)
    sql = f'INSERT INTO "{table.name}" ({", ".join(columns)}) VALUES ({placeholders})'  # noqa: S608

    # Only a few columns (dates, times) need converting; leave the rest untouched. A load's
    # dates and times repeat (the moment of the import, a file's few dates): each distinct one
    # is converted once.
    converted: list[tuple[int, str, Any, dict[Any, Any]]] = [
        (i, c, p, {}) for i, (c, p) in enumerate(zip(columns, processors, strict=True)) if p
    ]

    def convert(row: dict[str, Any]) -> list[Any]:
        values = [row[c] for c in columns]
        for i, c, p, seen in converted:
            value = row[c]
            kind = type(value)
            # A date by its value; a moment by the object itself (the rows keep it alive while
            # they load): equal moments in two zones are written apart by some columns' types.
            key = value if kind is dt.date else id(value) if kind is dt.datetime else None
            if key is None:
                values[i] = p(value)
                continue
            done = seen.get(key, _NOT_SEEN)
            if done is _NOT_SEEN:
                done = seen[key] = p(value)
            values[i] = done
        return values

    raw.executemany(sql, map(convert, rows))


def _advance_id_sequence(conn: Connection, table: Table, columns: list[str]) -> None:
    """Set the table's id sequence to its highest id, never back (a concurrent insert may
    have taken a higher value already)."""
    key = table.autoincrement_column
    if key is None or key.name not in columns:
        return
    quote = conn.dialect.identifier_preparer.quote
    # Names come from the register's own metadata, never from input.
    top = f"SELECT max({quote(key.name)}) FROM {quote(table.name)}"  # noqa: S608
    advance = (
        "SELECT setval(seq, greatest(top, coalesce(pg_sequence_last_value(seq), 0)))"  # noqa: S608
        " FROM (SELECT CAST(pg_get_serial_sequence(:table, :key) AS regclass) AS seq,"
        f" ({top}) AS top) AS loaded WHERE seq IS NOT NULL AND top IS NOT NULL"
    )
    conn.execute(text(advance), {"table": quote(table.name), "key": key.name})
