"""The consent ledger's current state: consent_state, the latest event per (person, purpose,
channel), kept right in the transaction of every append (services.ledger calls in here).

The ledger stays the evidence and answers "as of any moment"; this copy only spares the
audiences ranking millions of events. "Latest" is the ledger's order: by time, then arrival.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Select, and_, delete, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from rekisteri.adapters.schema.marketing import consent_state as cs
from rekisteri.adapters.schema.register import consent_event as ce

# What consent_state copies of an event row (consent_state column: consent_event column).
COPIED = {"purpose": "purpose", "channel": "channel", "person_id": "person_id"} | {
    "event_id": "id",
    "event": "event",
    "at": "at",
    "expires_at": "expires_at",
}


def keep_latest(conn: Connection, event: Mapping[str, Any]) -> None:
    """Make `event` its key's current state unless a later event (by time, then arrival)
    already is: an event may be recorded after the fact, so the newest row is not always it."""
    conn.execute(_upsert(conn.dialect.name), {c: event[e] for c, e in COPIED.items()})


@functools.cache
def _upsert(dialect_name: str) -> Any:
    """The upsert of one state row, built once per dialect (building it costs more than
    running it)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    new = dialect.insert(cs)
    later = or_(
        new.excluded.at > cs.c.at,
        and_(new.excluded.at == cs.c.at, new.excluded.event_id > cs.c.event_id),
    )
    kept = ("event_id", "event", "at", "expires_at")
    return new.on_conflict_do_update(
        index_elements=[cs.c.purpose, cs.c.channel, cs.c.person_id],
        set_={c: new.excluded[c] for c in kept},
        where=later,
    )


def latest_of_every_key(persons: Any = None) -> Select[Any]:
    """The latest event of each (person, purpose, channel) over the whole ledger, as rows of
    consent_state (of persons whose id is in `persons`, a list or a select, if given)."""
    ranked = select(
        *(ce.c[e].label(c) for c, e in COPIED.items()),
        func.row_number()
        .over(
            partition_by=(ce.c.purpose, ce.c.channel, ce.c.person_id),
            order_by=(ce.c.at.desc(), ce.c.id.desc()),
        )
        .label("rank"),
    )
    if persons is not None:
        ranked = ranked.where(ce.c.person_id.in_(persons))
    sub = ranked.subquery("ranked")
    return select(*(sub.c[c] for c in COPIED)).where(sub.c.rank == 1)


def refresh(conn: Connection, persons: Sequence[int] | None = None) -> None:
    """Recompute consent_state from the ledger, set-based: for `persons` (all if None). Takes
    the connection of the transaction that appended the events (bulk loaders have no uow)."""
    chunks: list[Sequence[int] | None] = [None]
    if persons is not None:
        chunks = [persons[i : i + 5000] for i in range(0, len(persons), 5000)]
    for chunk in chunks:
        if chunk is None:
            conn.execute(delete(cs))
        else:
            conn.execute(delete(cs).where(cs.c.person_id.in_(chunk)))
        conn.execute(insert(cs).from_select(list(COPIED), latest_of_every_key(chunk)))
