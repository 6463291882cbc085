"""Number series (customer, contract and invoice numbers, request references), taken
atomically on both databases.

Taking a number is one `UPDATE counter SET value = value + n ... RETURNING value`: on
PostgreSQL it holds the series' row lock, on SQLite the database's write lock, until the
transaction ends, so two writers never read the same value (SQLite ignores SELECT ... FOR
UPDATE, which is why reading first and writing after gave two writers one number). A series
used for the first time is created by an insert that does nothing when another writer created
it first; the update then takes the number as usual.
"""

from __future__ import annotations

from sqlalchemy import Connection, update
from sqlalchemy.dialects import postgresql, sqlite

from rekisteri.adapters.schema.register import counter


def take(conn: Connection, series: str, start: int, count: int = 1) -> int:
    """Take `count` consecutive numbers of a series in this transaction; returns the first.
    A new series starts at `start`. The counter holds the last number taken."""
    last = _advance(conn, series, count)
    if last is None:
        insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        conn.execute(insert(counter).values(name=series, value=start - 1).on_conflict_do_nothing())
        last = _advance(conn, series, count)
        if last is None:  # the row was just inserted (by us or a writer before us)
            raise RuntimeError(f"number series {series} could not be created")
    return last - count + 1


def _advance(conn: Connection, series: str, count: int) -> int | None:
    value = conn.execute(
        update(counter)
        .where(counter.c.name == series)
        .values(value=counter.c.value + count)
        .returning(counter.c.value)
    ).scalar_one_or_none()
    return None if value is None else int(value)
