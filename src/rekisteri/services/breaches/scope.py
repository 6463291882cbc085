"""A breach's scope, computed from the audit trail: the persons whose data the given staff user,
API token, web session, export file or time window read, changed or exported, and which
categories of it (every criterion given must hold).

What the trail can see is what the register did on someone's behalf: an entry names the
staff user, the route or command, the persons and the categories. It does not name the token or
session an entry came by: a token's or a session's scope is its user's entries within its
lifetime (docs/breaches.md says what that means). The breach register's own reads are left
out (their `what` starts with WHAT), so computing a scope twice finds the same persons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from rekisteri.adapters.schema.access import api_token, staff_session, staff_user
from rekisteri.adapters.schema.audit import audit_entry, audit_subject
from rekisteri.adapters.schema.disclosure import disclosure, disclosure_subject
from rekisteri.adapters.schema.register import person
from rekisteri.domain.errors import InvalidInput, NotFound
from rekisteri.services.unit_of_work import UnitOfWork

WHAT = "breach register"


@dataclass(frozen=True)
class Criteria:
    user: str | None = None
    token_id: int | None = None
    session_id: int | None = None
    export_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def given(self) -> bool:
        return any(v is not None for v in vars(self).values())

    def describe(self) -> str:
        said = [
            f"{k}={v.isoformat() if isinstance(v, dt.datetime) else v}"
            for k, v in vars(self).items()
            if v is not None
        ]
        return " ".join(said)


@dataclass
class Found:
    """Persons (id -> categories) and how many the trail names that are no longer here."""

    persons: dict[int, set[str]] = field(default_factory=dict)
    gone: int = 0
    # Entries in the scope that name no person because they read or copied the whole register
    # (a backup, a bulk export): each may concern every person, so the DPO is shown them.
    whole_register: list[str] = field(default_factory=list)
    window: tuple[dt.datetime | None, dt.datetime | None] = (None, None)
    user: str | None = None


def _later(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _same_user(found: str | None, wanted: str | None, field_name: str) -> str | None:
    if found is not None and wanted is not None and found != wanted:
        raise InvalidInput(field_name, f"belongs to {found}, not to the user {wanted} also given")
    return found or wanted


def _credential(uow: UnitOfWork, crit: Criteria, found: Found) -> None:
    """Narrow the user and the window to the token's or session's owner and lifetime."""
    for table, key, name in (
        (api_token, crit.token_id, "token"),
        (staff_session, crit.session_id, "session"),
    ):
        if key is None:
            continue
        row = uow.execute(
            select(
                staff_user.c.username, table.c.created_at, table.c.expires_at, table.c.revoked_at
            )
            .join(staff_user, staff_user.c.id == table.c.user_id)
            .where(table.c.id == key)
        ).first()
        if row is None:
            raise NotFound(name, key)
        found.user = _same_user(row.username, found.user, name)
        ended = _earlier(row.expires_at, row.revoked_at)
        start, end = found.window
        found.window = (_later(start, row.created_at), _earlier(end, ended))


def _at(uow: UnitOfWork) -> Any:
    """The entry's time, comparable. On SQLite the trail's rows are written by the driver
    ('2026-03-03 10:00:00+00:00') and a bound time by SQLAlchemy ('2026-03-03 10:00:00.000000'):
    as text, an entry at the very second a window starts would sort before it. SQLite's
    julianday reads both forms."""
    if uow.connection.dialect.name == "sqlite":
        return func.julianday(audit_entry.c.at)
    return audit_entry.c.at


def _moment(uow: UnitOfWork, moment: dt.datetime) -> Any:
    if uow.connection.dialect.name == "sqlite":
        return func.julianday(moment.astimezone(dt.UTC).isoformat(sep=" "))
    return moment


def _entries_of(uow: UnitOfWork, found: Found, q: Any) -> Any:
    start, end = found.window
    if found.user is not None:
        q = q.where(audit_entry.c.actor == found.user)
    if start is not None:
        q = q.where(_at(uow) >= _moment(uow, start))
    if end is not None:
        q = q.where(_at(uow) <= _moment(uow, end))  # a read in the revocation's instant
    return q


def _naming_nobody(uow: UnitOfWork, found: Found) -> list[str]:
    """Allowed reads and changes in the scope that name no person but concern personal data
    (they have categories): a whole-register read, such as a backup."""
    named = select(audit_subject.c.seq).where(audit_subject.c.seq == audit_entry.c.seq)
    q = select(audit_entry.c.seq, audit_entry.c.at, audit_entry.c.what).where(
        audit_entry.c.outcome == "allowed",
        audit_entry.c.action.in_(("read", "change")),
        audit_entry.c.categories != "",
        ~audit_entry.c.what.startswith(WHAT),
        ~named.exists(),
    )
    rows = uow.execute(_entries_of(uow, found, q).order_by(audit_entry.c.seq))
    return [f"#{r.seq} {r.at:%Y-%m-%d %H:%M} {r.what}" for r in rows]


def _from_trail(uow: UnitOfWork, found: Found) -> dict[int, set[str]]:
    q = (
        select(audit_subject.c.person_id, audit_entry.c.categories)
        .join(audit_entry, audit_entry.c.seq == audit_subject.c.seq)
        .where(
            audit_entry.c.outcome == "allowed",
            audit_entry.c.action.in_(("read", "change")),
            ~audit_entry.c.what.startswith(WHAT),
        )
        .distinct()
    )
    persons: dict[int, set[str]] = {}
    for pid, cats in uow.execute(_entries_of(uow, found, q)):
        persons.setdefault(int(pid), set()).update(cats.split())
    return persons


def _from_export(uow: UnitOfWork, export_id: int) -> dict[int, set[str]]:
    row = uow.execute(select(disclosure.c.categories).where(disclosure.c.id == export_id)).first()
    if row is None:
        raise NotFound("export", export_id)
    cats = set(row.categories.split())
    ids = uow.execute(
        select(disclosure_subject.c.person_id).where(
            disclosure_subject.c.disclosure_id == export_id
        )
    ).scalars()
    return {int(p): set(cats) for p in ids}


def compute(uow: UnitOfWork, crit: Criteria) -> Found:
    """The persons the criteria find, each with the categories concerned."""
    if not crit.given():
        raise InvalidInput(
            "scope", "give at least one of --user, --token, --session, --export, --from, --to"
        )
    if crit.user is not None and (not crit.user.strip() or "\x00" in crit.user):
        raise InvalidInput("user", "is not a user name")
    if crit.since and crit.until and crit.since >= crit.until:
        raise InvalidInput("to", "must be after --from")
    found = Found(window=(crit.since, crit.until), user=crit.user)
    _credential(uow, crit, found)
    trail_asked = any(
        v is not None for v in (crit.user, crit.token_id, crit.session_id, crit.since, crit.until)
    )
    persons: dict[int, set[str]] | None = None
    if trail_asked:
        start, end = found.window
        if not (start and end and start > end):
            persons = _from_trail(uow, found)
            found.whole_register = _naming_nobody(uow, found)
        else:
            persons = {}
    if crit.export_id is not None:
        exported = _from_export(uow, crit.export_id)
        # Together with other criteria: the exported persons they also find; the categories
        # concerned are what the file held.
        persons = (
            exported if persons is None else {p: c for p, c in exported.items() if p in persons}
        )
    assert persons is not None
    here: set[int] = set()
    ids = sorted(persons)
    for i in range(0, len(ids), 1000):
        chunk = ids[i : i + 1000]
        here.update(
            int(p) for p in uow.execute(select(person.c.id).where(person.c.id.in_(chunk))).scalars()
        )
    found.gone = len(persons) - len(here)
    found.persons = {p: c for p, c in persons.items() if p in here}
    return found
