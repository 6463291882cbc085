"""The audit trail's hash chain: appending entries and verifying the whole chain.

Each entry's hash is HMAC-SHA256(key, previous hash || canonical entry). The key is derived
from the register's keyring (HKDF over the blind-index key, which does not rotate), so someone
with write access to the database alone cannot recompute a chain after changing it.

Appending takes the chain head's row lock first (`UPDATE ... SET seq = seq + n RETURNING`):
on PostgreSQL concurrent appenders queue on that row; on SQLite the UPDATE takes the database's
write lock. Either way the next seq and previous hash are read under the lock, so two server
processes never fork the chain. Reads are appended in batches (adapters/audit_appender.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect, select

from rekisteri.adapters.schema.audit import audit_chain_head, audit_entry, audit_subject

GENESIS = "0" * 64
HEAD_ID = 1


@dataclass(frozen=True)
class NewEntry:
    """One entry to append; seq, hashes and the time are given by `append`."""

    actor: str
    role: str | None
    subject_self: int | None
    purpose: str | None
    via: str
    action: str  # read | change
    outcome: str  # allowed | denied
    categories: tuple[str, ...]
    person_ids: tuple[int, ...]
    what: str


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stored_values(entry: NewEntry, seq: int, at: dt.datetime) -> dict[str, Any]:
    """The entry as its row stores it (truncated to the columns' lengths)."""
    return {
        "seq": seq,
        "at": at.astimezone(dt.UTC),
        "actor": _fit(entry.actor, 60),
        "role": entry.role,
        "subject_self": entry.subject_self,
        "purpose": entry.purpose,
        "via": _fit(entry.via, 200),
        "action": entry.action,
        "outcome": entry.outcome,
        "categories": " ".join(sorted(set(entry.categories))),
        "person_ids": " ".join(str(p) for p in sorted(set(entry.person_ids))),
        "what": _fit(entry.what, 400),
    }


_CANONICAL_FIELDS = (
    "seq",
    "at",
    "actor",
    "role",
    "subject_self",
    "purpose",
    "via",
    "action",
    "outcome",
    "categories",
    "person_ids",
    "what",
)


def canonical(row: Any) -> bytes:
    """A stable byte form of an entry's content (a row mapping or the values to insert)."""
    values = []
    for name in _CANONICAL_FIELDS:
        value = row[name]
        if name == "at":
            value = value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        values.append(value)
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(key: bytes, prev_hash: str, content: bytes) -> str:
    return hmac.new(key, prev_hash.encode() + b"\n" + content, hashlib.sha256).hexdigest()


def head_tag(key: bytes, seq: int, last_hash: str) -> str:
    """A keyed tag over the head, so the chain cannot be cut short by rewinding the head."""
    return hmac.new(key, f"head {seq} {last_hash}".encode(), hashlib.sha256).hexdigest()


# The append runs on every audited request, so it talks to the driver directly with SQL built
# once per dialect: SQLAlchemy's per-statement work cost more than the statements themselves.
# Values still go through the columns' own bind processors, so rows are stored exactly as
# SQLAlchemy would store them (and read back by verify through SQLAlchemy).
_ENTRY_COLUMNS = tuple(c.name for c in audit_entry.columns)


@dataclass(frozen=True)
class _Statements:
    lock_head: str
    add_entry: str
    add_subject: str
    move_head: str
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column index, processor)


_STATEMENTS: dict[tuple[str, str], _Statements] = {}


def _statements(dialect: Dialect) -> _Statements:
    key = (dialect.name, dialect.driver)
    found = _STATEMENTS.get(key)
    if found is None:
        p = "?" if dialect.paramstyle == "qmark" else "%s"
        processors = []
        for i, column in enumerate(audit_entry.columns):
            processor = column.type.bind_processor(dialect)
            if processor is not None:
                processors.append((i, processor))
        # Only the tables' own names and placeholders go into these strings (the head is row
        # HEAD_ID = 1).
        head, entry, subject = "audit_chain_head", "audit_entry", "audit_subject"
        columns, slots = ", ".join(_ENTRY_COLUMNS), ", ".join([p] * len(_ENTRY_COLUMNS))
        found = _STATEMENTS[key] = _Statements(
            lock_head=f"UPDATE {head} SET seq = seq + {p} WHERE id = 1 RETURNING seq, entry_hash",  # noqa: S608
            add_entry=f"INSERT INTO {entry} ({columns}) VALUES ({slots})",  # noqa: S608
            add_subject=f"INSERT INTO {subject} (seq, person_id) VALUES ({p}, {p})",  # noqa: S608
            move_head=f"UPDATE {head} SET entry_hash = {p}, tag = {p} WHERE id = 1",  # noqa: S608
            processors=tuple(processors),
        )
    return found


# Above this many subjects (an audience names hundreds of thousands of persons) they go by
# COPY on PostgreSQL instead of executemany.
_BULK_SUBJECTS = 1000


def _add_subjects(cursor: Any, sql: _Statements, dialect: Dialect, subjects: list[Any]) -> None:
    if dialect.name == "postgresql" and len(subjects) >= _BULK_SUBJECTS:
        with cursor.copy("COPY audit_subject (seq, person_id) FROM STDIN") as copy:
            for row in subjects:
                copy.write_row(row)
        return
    cursor.executemany(sql.add_subject, subjects)


def append(connection: Connection, key: bytes, entries: Sequence[NewEntry], at: dt.datetime) -> int:
    """Append entries in the caller's transaction; returns the last seq."""
    return append_to(connection.connection.dbapi_connection, connection.dialect, key, entries, at)


def append_to(
    driver: Any, dialect: Dialect, key: bytes, entries: Sequence[NewEntry], at: dt.datetime
) -> int:
    """Append entries through a driver connection, in its current transaction (or the one its
    first statement begins); the caller commits. Returns the last seq.

    The first statement locks the chain head (`UPDATE ... SET seq = seq + n RETURNING`): on
    PostgreSQL concurrent appenders queue on that row; on SQLite it takes the database's write
    lock. The next seq and the previous hash are read under that lock, never remembered."""
    if not entries:
        return 0
    sql = _statements(dialect)
    n = len(entries)
    cursor = driver.cursor()
    try:
        cursor.execute(sql.lock_head, (n,))
        last_seq, prev = cursor.fetchone()
        seq = int(last_seq) - n
        rows: list[list[Any]] = []
        subjects: list[tuple[int, int]] = []
        for entry in entries:
            seq += 1
            values = stored_values(entry, seq, at)
            values["prev_hash"] = prev
            values["entry_hash"] = prev = entry_hash(key, prev, canonical(values))
            row = [values[name] for name in _ENTRY_COLUMNS]
            for i, processor in sql.processors:
                row[i] = processor(row[i])
            rows.append(row)
            subjects.extend((seq, p) for p in sorted(set(entry.person_ids)))
        cursor.executemany(sql.add_entry, rows)
        if subjects:
            _add_subjects(cursor, sql, dialect, subjects)
        cursor.execute(sql.move_head, (prev, head_tag(key, seq, prev)))
    finally:
        cursor.close()
    return seq


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    first_bad: int | None = None
    reason: str = ""


def _subjects(connection: Connection) -> Iterator[tuple[int, str]]:
    rows = connection.execution_options(yield_per=20000).execute(
        select(audit_subject.c.seq, audit_subject.c.person_id).order_by(
            audit_subject.c.seq, audit_subject.c.person_id
        )
    )
    for seq, group in itertools.groupby(rows, key=lambda r: int(r.seq)):
        yield seq, " ".join(str(r.person_id) for r in group)


def verify(connection: Connection, key: bytes) -> Verdict:
    """Walk the chain from the first entry; name the first entry that does not hold."""
    head = connection.execute(select(audit_chain_head)).one()
    rows = connection.execution_options(yield_per=20000).execute(
        select(audit_entry).order_by(audit_entry.c.seq)
    )
    subjects = _subjects(connection)
    pending = next(subjects, None)
    expected, prev, checked = 1, GENESIS, 0
    for row in rows:
        r = row._mapping
        if r["seq"] != expected:
            missing = expected if r["seq"] > expected else r["seq"]
            return Verdict(False, checked, missing, f"entry {missing} is missing or out of place")
        if r["prev_hash"] != prev:
            return Verdict(False, checked, expected, "it does not follow the entry before it")
        if entry_hash(key, prev, canonical(r)) != r["entry_hash"]:
            return Verdict(False, checked, expected, "its content does not match its hash")
        indexed = ""
        while pending is not None and pending[0] <= expected:
            if pending[0] < expected:
                return Verdict(False, checked, pending[0], "a subject row has no entry")
            indexed = pending[1]
            pending = next(subjects, None)
        if indexed != r["person_ids"]:
            return Verdict(False, checked, expected, "its subject index does not match it")
        prev = r["entry_hash"]
        checked += 1
        expected += 1
    last = expected - 1
    if pending is not None:
        return Verdict(False, checked, pending[0], "a subject row has no entry")
    if head.seq > last:
        return Verdict(False, checked, last + 1, f"entries {last + 1}-{head.seq} are missing")
    if head.seq < last:
        return Verdict(False, checked, head.seq + 1, "entries past the chain head were added")
    if head.entry_hash != prev:
        return Verdict(False, checked, last, "the chain head does not name this entry's hash")
    if last and not hmac.compare_digest(head.tag, head_tag(key, last, prev)):
        return Verdict(False, checked, last, "the chain head's tag does not match")
    return Verdict(True, checked)
