"""person_reach's contact points refreshed once for a bulk write, instead of by its triggers.

The triggers of person_reach (migration 0008_person_reach) refresh a person's newest contact
points at every write of contact_point: once per row on SQLite, once per statement on
PostgreSQL. A bulk writer (the population register's 40,000 moves) pays that many times over;
inside `deferred` the contact-point triggers skip their refresh (migration
0031_person_reach_deferral) and the persons the writer names are refreshed in one set-based
statement before the transaction commits, by the same rule the triggers apply: the newest
point of each kind by (valid_from, id).

Only the writer's own transaction is affected (no other writer sees the switch), and the
switch cannot outlive it: a transaction that commits with the switch still set fails (the
switch's guard is a foreign key checked at commit). The writer must name every person whose
contact points it inserted, changed or deleted while deferred.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, bindparam, delete, insert, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer

from rekisteri.adapters.schema.marketing import REACH_KINDS, person_reach_deferral
from rekisteri.adapters.value_sets import batches

_COLUMNS = [f"{k}_{c}" for k in REACH_KINDS for c in ("point_id", "valid_from", "valid_to")]
_NEWEST = """LEFT JOIN contact_point AS {kind} ON {kind}.id = (
    SELECT c.id FROM contact_point AS c WHERE c.person_id = person.id AND c.kind = '{kind}'
    ORDER BY c.valid_from DESC, c.id DESC LIMIT 1)"""
# Names come from this module, never from input.
_SQLITE_REFRESH = text(
    f"INSERT INTO person_reach (person_id, {', '.join(_COLUMNS)})\n"
    "SELECT person.id, "
    + ", ".join(f"{k}.id, {k}.valid_from, {k}.valid_to" for k in REACH_KINDS)
    + "\nFROM person\n"
    + "\n".join(_NEWEST.format(kind=k) for k in REACH_KINDS)
    + "\nWHERE person.id IN :persons\n"
    + "ON CONFLICT (person_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS)
).bindparams(bindparam("persons", expanding=True))
# PostgreSQL keeps the refresh as a function of its own (0008_person_reach), planned for a set.
_POSTGRESQL_REFRESH = text("SELECT person_reach_keep_points(:persons)").bindparams(
    bindparam("persons", type_=ARRAY(Integer))
)


@contextmanager
def deferred(conn: Connection) -> Iterator[set[int]]:
    """The contact-point triggers of person_reach skip their refresh in this transaction until
    the block ends; the block adds to the yielded set every person whose contact points it
    writes, and they are refreshed together when it ends without an error (with an error the
    transaction is expected to roll back, switch and all)."""
    key = conn.execute(insert(person_reach_deferral).values(guard=0)).inserted_primary_key
    assert key is not None
    touched: set[int] = set()
    yield touched
    refresh_points(conn, touched)
    conn.execute(delete(person_reach_deferral).where(person_reach_deferral.c.id == key[0]))


def refresh_points(conn: Connection, persons: set[int]) -> None:
    """Recompute the newest contact points of these persons in person_reach."""
    ids = sorted(persons)
    if not ids:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(_POSTGRESQL_REFRESH, {"persons": ids})
        return
    for chunk in batches(conn.dialect.name, ids):
        conn.execute(_SQLITE_REFRESH, {"persons": list(chunk)})
