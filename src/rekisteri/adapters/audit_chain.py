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

from sqlalchemy import Connection, Dialect, delete, func, insert, select

from rekisteri.adapters.schema.audit import (
    audit_chain_head,
    audit_entry,
    audit_prune_permit,
    audit_subject,
)

GENESIS = "0" * 64
HEAD_ID = 1


# The action of the entry a process started with the audit off writes (benchmark mode only):
# what it did is not in the trail, and `audit verify` names the gap.
AUDIT_OFF_ACTION = "off"


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
            # The dialect's own type (SQLite's DATETIME writes the text SQLAlchemy compares
            # with; the generic type's processor would leave that to sqlite3's adapter).
            processor = column.type.dialect_impl(dialect).bind_processor(dialect)
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
class Checkpoint:
    """What a pruning left in the chain: the entries it removed and the hash the first entry
    after them chains from. Recorded as the `what` of an entry whose action is PRUNE, so the
    chain's key covers it like any entry."""

    first: int
    last: int
    count: int
    chains_from: str
    before: str  # the cutoff: entries recorded before this day were pruned
    seq: int = 0  # the checkpoint entry's own place in the chain

    def what(self) -> str:
        return json.dumps(
            {
                "pruned": [self.first, self.last],
                "count": self.count,
                "chains_from": self.chains_from,
                "before": self.before,
            },
            separators=(",", ":"),
        )

    @staticmethod
    def read(seq: int, what: str) -> Checkpoint:
        data = json.loads(what)
        first, last = data["pruned"]
        return Checkpoint(
            int(first), int(last), int(data["count"]), str(data["chains_from"]), data["before"], seq
        )


# The actions of entries that are about the trail itself rather than a read or a change.
PRUNE = "prune"  # a checkpoint: older entries were removed behind it
BEGIN = "begin"  # the first entry of a register's trail, written by `rekisteri init`


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    first_bad: int | None = None
    reason: str = ""
    checkpoint: Checkpoint | None = None


def _subjects(connection: Connection) -> Iterator[tuple[int, str]]:
    rows = connection.execution_options(yield_per=20000).execute(
        select(audit_subject.c.seq, audit_subject.c.person_id).order_by(
            audit_subject.c.seq, audit_subject.c.person_id
        )
    )
    for seq, group in itertools.groupby(rows, key=lambda r: int(r.seq)):
        yield seq, " ".join(str(r.person_id) for r in group)


def latest_checkpoint(connection: Connection) -> Checkpoint | None:
    """The newest checkpoint entry, read (its content is verified when the chain is walked)."""
    row = connection.execute(
        select(audit_entry.c.seq, audit_entry.c.what)
        .where(audit_entry.c.action == PRUNE)
        .order_by(audit_entry.c.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else Checkpoint.read(int(row.seq), row.what)


def _pristine(head: Any) -> bool:
    """The head as the migration made it: nothing was ever appended."""
    return bool(head.seq == 0 and head.entry_hash == GENESIS and head.tag == "")


def verify(connection: Connection, key: bytes, *, holds_persons: bool) -> Verdict:
    """Walk the chain from its first entry, or from the newest checkpoint when older entries
    were pruned; name the first entry that does not hold.

    The head's keyed tag is checked always, so a trail wiped and its head reset is found; the
    one head without a tag is the untouched one of a new database, which is suspect as soon as
    the register holds persons (every person arrives with an entry)."""
    last_present = connection.execute(select(func.max(audit_entry.c.seq))).scalar()
    head = connection.execute(select(audit_chain_head)).first()
    if head is None:
        return Verdict(False, 0, last_present or 0, "the chain head is missing")
    try:
        checkpoint = latest_checkpoint(connection)
    except (ValueError, KeyError, TypeError) as exc:
        return Verdict(False, 0, None, f"a checkpoint entry cannot be read ({exc})")
    expected, prev = (checkpoint.last + 1, checkpoint.chains_from) if checkpoint else (1, GENESIS)
    rows = connection.execution_options(yield_per=20000).execute(
        select(audit_entry).order_by(audit_entry.c.seq)
    )
    subjects = _subjects(connection)
    pending = next(subjects, None)
    checked = 0
    for row in rows:
        r = row._mapping
        if checkpoint and r["seq"] <= checkpoint.last:
            return Verdict(
                False, checked, r["seq"], f"it was pruned at entry {checkpoint.seq} yet is present"
            )
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
    if checked == 0 and checkpoint is None and _pristine(head):
        if holds_persons:
            return Verdict(
                False, 0, 1, "the trail is empty but the register holds persons: it was wiped"
            )
        return Verdict(True, 0)
    if head.seq > last:
        return Verdict(False, checked, last + 1, f"entries {last + 1}-{head.seq} are missing")
    if head.seq < last:
        return Verdict(False, checked, head.seq + 1, "entries past the chain head were added")
    if head.entry_hash != prev:
        return Verdict(False, checked, last, "the chain head does not name this entry's hash")
    if not hmac.compare_digest(head.tag, head_tag(key, last, prev)):
        return Verdict(False, checked, last, "the chain head's tag does not match")
    return Verdict(True, checked, checkpoint=checkpoint)


def prune_through(
    connection: Connection,
    key: bytes,
    last: int,
    *,
    before: dt.date,
    actor: str,
    via: str,
    at: dt.datetime,
) -> Checkpoint | None:
    """Remove the entries up to `last` (and their subject rows) behind a checkpoint entry,
    in the caller's transaction. The checkpoint is appended first, under the head's lock, so
    the chain is never without the record of what left it. None when nothing is that old."""
    first = connection.execute(select(func.min(audit_entry.c.seq))).scalar()
    if first is None or last < first:
        return None
    chains_from = connection.execute(
        select(audit_entry.c.entry_hash).where(audit_entry.c.seq == last)
    ).scalar_one()
    span = audit_entry.c.seq.between(first, last)
    count = int(connection.execute(select(func.count()).where(span)).scalar_one())
    point = Checkpoint(int(first), last, count, chains_from, before.isoformat())
    entry = NewEntry(actor, None, None, None, via, PRUNE, "allowed", (), (), point.what())
    seq = append(connection, key, [entry], at)
    connection.execute(insert(audit_prune_permit).values(id=1))
    connection.execute(delete(audit_subject).where(audit_subject.c.seq <= last))
    connection.execute(delete(audit_entry).where(audit_entry.c.seq <= last))
    connection.execute(delete(audit_prune_permit))
    return Checkpoint(point.first, last, count, chains_from, point.before, seq)


def begin(connection: Connection, key: bytes, *, actor: str, via: str, at: dt.datetime) -> bool:
    """Start a new register's trail with its first entry, so that from `rekisteri init` on the
    register carries a keyed record that its trail exists. False when it has begun already."""
    head = connection.execute(select(audit_chain_head).with_for_update()).first()
    if head is None or not _pristine(head):
        return False
    entry = NewEntry(
        actor, None, None, None, via, BEGIN, "allowed", (), (), "the audit trail begins"
    )
    append(connection, key, [entry], at)
    return True
