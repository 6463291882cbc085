"""How a person can be reached, as an audience reads it: person_reach, one row per person.

The database keeps person_reach itself (triggers of migration 0008_person_reach on contact_point
and marketing_contact), so an audience joins one row by key instead of looking up each person's
newest contact point and counting their contacts. Each fact falls back to the lookup in the
base table where the copy cannot answer for `now` (the newest point is not valid today, or a
contact lies after `now`), and the audience uses none of it unless every trigger is in place:
a copy nobody keeps would let a capped person be contacted again (P5).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, and_, case, literal, null, or_, text

from rekisteri.adapters.schema.marketing import REACH_CONTACTS, person_reach

# The triggers that keep person_reach (migration 0008_person_reach); SQLite's row triggers
# tell a contact recorded after the fact apart from one recorded now.
_BOTH = {
    "person_reach_point_added",
    "person_reach_point_changed",
    "person_reach_point_removed",
    "person_reach_contact_added",
    "person_reach_contact_changed",
    "person_reach_contact_removed",
}
TRIGGERS = {
    "postgresql": frozenset(_BOTH),
    "sqlite": frozenset(_BOTH | {"person_reach_contact_backdated"}),
}
# The frequency cap's window: contacts sent in the 12 months before the audience.
CAP_WINDOW = dt.timedelta(days=365)


def trusted(conn: Connection) -> bool:
    """Whether every trigger that keeps person_reach is in place on this database."""
    if conn.dialect.name == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'person_reach%'"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'person_reach%'"
    return set(conn.execute(text(sql)).scalars()) >= TRIGGERS[conn.dialect.name]


def contact_point(kind: str, today: dt.date, looked_up: Any) -> Any:
    """The person's newest contact point of `kind` valid `today` (NULL: none): the kept newest
    one when it is valid today, else `looked_up` (the lookup in contact_point)."""
    r = person_reach.c
    point, since, until = r[f"{kind}_point_id"], r[f"{kind}_valid_from"], r[f"{kind}_valid_to"]
    return case(
        (and_(since <= today, or_(until.is_(None), until >= today)), point),
        (point.is_(None), null()),  # no point of this kind at all (or no row)
        else_=looked_up,
    )


def capped(cap: int, now: dt.datetime, counted: Any) -> Any:
    """1 when the person has had `cap` or more direct-marketing contacts in the 12 months up to
    `now`, else 0: from the kept times when none of them lies after `now`, else `counted` (the
    same verdict from a count in marketing_contact)."""
    assert 1 <= cap <= REACH_CONTACTS, "config.Settings bounds the cap to what is kept"
    r = person_reach.c
    newest, nth = r.contacted_1_at, r[f"contacted_{cap}_at"]
    return case(
        (newest.is_(None), literal(0)),
        (newest <= now, case((nth > now - CAP_WINDOW, 1), else_=0)),
        else_=counted,
    )
