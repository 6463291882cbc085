"""The audit chain's append, verify, prune and begin, on the chain's own tables alone: every
tampering is found with the entry it names, how far the walk got and why; a pruning leaves a
checkpoint the walk resumes from (adapters/audit_chain.py).

The tables are made from the schema's declarations without the migrations' append-only
triggers: these tests play the attacker who has dropped them (tests/integration/
test_audit_trail.py does the same through the whole register). They run in milliseconds, so
`make mutation` can check every mutant of the chain against them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, delete, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from rekisteri.adapters import audit_chain
from rekisteri.adapters.audit_chain import (
    BEGIN,
    GENESIS,
    PRUNE,
    Checkpoint,
    NewEntry,
    Verdict,
    append,
    begin,
    entry_hash,
    head_tag,
    prune_through,
    verify,
)
from rekisteri.adapters.schema.audit import (
    audit_chain_head,
    audit_entry,
    audit_prune_permit,
    audit_subject,
)
from tests.conftest import BACKENDS

KEY = b"k" * 32
AT = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
TABLES = [audit_entry, audit_subject, audit_prune_permit, audit_chain_head]
_names = itertools.count()


def _entry(person_ids: tuple[int, ...], what: str = "customer view") -> NewEntry:
    return NewEntry(
        "maija",
        "customer_service",
        None,
        "customer_relationship",
        "test",
        "read",
        "allowed",
        ("contact", "identity"),
        person_ids,
        what,
    )


# The six entries of every chain below: one names no one, one names two persons.
PERSONS: list[tuple[int, ...]] = [(1,), (), (3, 1), (4,), (5,), (6,)]


def _engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = create_engine("sqlite://")  # one in-memory database per test
        yield engine
        engine.dispose()
        return
    server = request.getfixturevalue("postgres_server")
    name = f"chain_{next(_names)}_{id(request)}"
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(server.url(name))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def conn(request: pytest.FixtureRequest) -> Iterator[Connection]:
    """The chain's tables, with the head as a new register's migration leaves it."""
    for engine in _engine(request):
        audit_entry.metadata.create_all(engine, tables=TABLES)
        with engine.connect() as connection:
            connection.execute(
                insert(audit_chain_head).values(id=1, seq=0, entry_hash=GENESIS, tag="")
            )
            connection.commit()
            yield connection


@pytest.fixture
def chain(conn: Connection) -> Connection:
    """Six entries, appended in two batches (as the audit appender does)."""
    assert append(conn, KEY, [_entry(p) for p in PERSONS[:2]], AT) == 2
    assert append(conn, KEY, [_entry(p) for p in PERSONS[2:]], AT) == 6
    conn.commit()
    return conn


def _row(conn: Connection, seq: int) -> dict[str, Any]:
    return dict(conn.execute(select(audit_entry).where(audit_entry.c.seq == seq)).mappings().one())


def _head(conn: Connection) -> Any:
    return conn.execute(select(audit_chain_head)).one()


def _subjects(conn: Connection) -> list[tuple[int, int]]:
    rows = conn.execute(select(audit_subject).order_by(audit_subject.c.seq, "person_id"))
    return [(r.seq, r.person_id) for r in rows]


def _delete(conn: Connection, seq: int) -> None:
    conn.execute(delete(audit_subject).where(audit_subject.c.seq == seq))
    conn.execute(delete(audit_entry).where(audit_entry.c.seq == seq))


def test_append_chains_each_entry_to_the_one_before_and_moves_the_head(chain: Connection) -> None:
    rows = [_row(chain, seq) for seq in range(1, 7)]
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0]["prev_hash"] == GENESIS
    for before, after in itertools.pairwise(rows):
        assert after["prev_hash"] == before["entry_hash"]
    for row in rows:
        content = audit_chain.canonical(row)
        assert row["entry_hash"] == entry_hash(KEY, row["prev_hash"], content)
    assert [r["person_ids"] for r in rows] == ["1", "", "1 3", "4", "5", "6"]
    assert _subjects(chain) == [(1, 1), (3, 1), (3, 3), (4, 4), (5, 5), (6, 6)]
    head = _head(chain)
    assert (head.seq, head.entry_hash) == (6, rows[-1]["entry_hash"])
    assert head.tag == head_tag(KEY, 6, rows[-1]["entry_hash"])


def test_appending_nothing_changes_nothing(chain: Connection) -> None:
    before = _head(chain)
    assert append(chain, KEY, [], AT) == 0
    assert _head(chain) == before
    assert verify(chain, KEY, holds_persons=True) == Verdict(True, 6)


def test_an_intact_chain_holds(chain: Connection) -> None:
    assert verify(chain, KEY, holds_persons=True) == Verdict(True, 6, None, "", None)


def test_another_key_finds_every_entry_forged(chain: Connection) -> None:
    verdict = verify(chain, b"j" * 32, holds_persons=True)
    assert verdict == Verdict(False, 0, 1, "its content does not match its hash")


def test_a_new_register_holds_with_no_entries_until_it_holds_persons(conn: Connection) -> None:
    assert verify(conn, KEY, holds_persons=False) == Verdict(True, 0)
    wiped = "the trail is empty but the register holds persons: it was wiped"
    assert verify(conn, KEY, holds_persons=True) == Verdict(False, 0, 1, wiped)


def _set(conn: Connection, seq: int, **values: Any) -> None:
    conn.execute(update(audit_entry).where(audit_entry.c.seq == seq).values(**values))


def _forge(conn: Connection, seq: int, **values: Any) -> None:
    """A copy of entry 6 put in at `seq` (its hash cannot be recomputed without the key)."""
    conn.execute(insert(audit_entry).values(**(_row(conn, 6) | {"seq": seq} | values)))


def _append_behind_the_head(conn: Connection) -> None:
    """An entry appended properly, then the head put back as it was: the end was not cut
    short, something was added past it."""
    head = _head(conn)
    append(conn, KEY, [_entry((7,))], AT)
    conn.execute(update(audit_chain_head).values(seq=head.seq, entry_hash=head.entry_hash))
    conn.execute(update(audit_chain_head).values(tag=head.tag))


def _wipe(conn: Connection, **head: Any) -> None:
    conn.execute(delete(audit_subject))
    conn.execute(delete(audit_entry))
    if head:
        conn.execute(update(audit_chain_head).values(**head))


def _orphan_subject(seq: int) -> Callable[[Connection], None]:
    """A subject row for an entry that does not exist: on PostgreSQL the attacker drops the
    foreign key first (SQLite does not enforce it unless asked)."""

    def tamper(conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            constraint = "fk_audit_subject_seq_audit_entry"
            conn.execute(text(f"ALTER TABLE audit_subject DROP CONSTRAINT {constraint}"))
        conn.execute(insert(audit_subject).values(seq=seq, person_id=1))

    return tamper


def _delete_last_two(conn: Connection) -> None:
    _delete(conn, 6)
    _delete(conn, 5)


def _cut_and_rewind(conn: Connection) -> None:
    """The last entry cut off and the head moved back onto the one before (its tag left)."""
    _delete(conn, 6)
    five = _row(conn, 5)["entry_hash"]
    conn.execute(update(audit_chain_head).values(seq=5, entry_hash=five))


def _delete_everything(conn: Connection) -> None:
    _wipe(conn)
    conn.execute(delete(audit_chain_head))


def _checkpoint_reading(what: str) -> Callable[[Connection], None]:
    return lambda conn: _forge(conn, 7, action=PRUNE, what=what)


# (tampering, holds_persons, the verdict: entries checked, the entry named, the reason)
TAMPERING: dict[str, tuple[Callable[[Connection], None], bool, tuple[int, int | None, str]]] = {
    "edit": (
        lambda c: _set(c, 4, actor="nobody"),
        True,
        (3, 4, "its content does not match its hash"),
    ),
    "relink": (
        lambda c: _set(c, 4, prev_hash=_row(c, 2)["entry_hash"]),
        True,
        (3, 4, "it does not follow the entry before it"),
    ),
    "delete the first": (
        lambda c: _delete(c, 1),
        True,
        (0, 1, "entry 1 is missing or out of place"),
    ),
    "delete the middle": (
        lambda c: _delete(c, 3),
        True,
        (2, 3, "entry 3 is missing or out of place"),
    ),
    "an entry before the first": (
        lambda c: _forge(c, 0),
        True,
        (0, 0, "entry 0 is missing or out of place"),
    ),
    "delete the last": (lambda c: _delete(c, 6), True, (5, 6, "entries 6-6 are missing")),
    "delete the last two": (
        _delete_last_two,
        True,
        (4, 5, "entries 5-6 are missing"),
    ),
    "forge past the end": (
        lambda c: _forge(c, 7, prev_hash=_row(c, 6)["entry_hash"]),
        True,
        (6, 7, "its content does not match its hash"),
    ),
    "append behind the head": (
        _append_behind_the_head,
        True,
        (7, 7, "entries past the chain head were added"),
    ),
    "head names another hash": (
        lambda c: c.execute(update(audit_chain_head).values(entry_hash=_row(c, 5)["entry_hash"])),
        True,
        (6, 6, "the chain head does not name this entry's hash"),
    ),
    "head's tag forged": (
        lambda c: c.execute(
            update(audit_chain_head).values(tag=head_tag(b"j" * 32, 6, _head(c).entry_hash))
        ),
        True,
        (6, 6, "the chain head's tag does not match"),
    ),
    "cut the end and rewind the head": (
        _cut_and_rewind,
        True,
        (5, 5, "the chain head's tag does not match"),
    ),
    "hide a reader": (
        lambda c: c.execute(delete(audit_subject).where(audit_subject.c.seq == 4)),
        True,
        (3, 4, "its subject index does not match it"),
    ),
    "name someone for an entry of no one": (
        lambda c: c.execute(insert(audit_subject).values(seq=2, person_id=9)),
        True,
        (1, 2, "its subject index does not match it"),
    ),
    "add a person to an entry of two": (
        lambda c: c.execute(insert(audit_subject).values(seq=3, person_id=7)),
        True,
        (2, 3, "its subject index does not match it"),
    ),
    "a subject before every entry": (
        _orphan_subject(0),
        True,
        (0, 0, "a subject row has no entry"),
    ),
    "a subject past every entry": (
        _orphan_subject(99),
        True,
        (6, 99, "a subject row has no entry"),
    ),
    "delete the head": (
        lambda c: c.execute(delete(audit_chain_head)),
        True,
        (0, 6, "the chain head is missing"),
    ),
    "delete everything": (
        _delete_everything,
        False,
        (0, 0, "the chain head is missing"),
    ),
    "wipe and reset the head": (
        lambda c: _wipe(c, seq=0, entry_hash=GENESIS, tag=""),
        True,
        (0, 1, "the trail is empty but the register holds persons: it was wiped"),
    ),
    # The head rewound to a new register's but its tag left: found by the tag even when no
    # person is left to make an empty trail suspect.
    "wipe and rewind the head": (
        lambda c: _wipe(c, seq=0, entry_hash=GENESIS),
        False,
        (0, 0, "the chain head's tag does not match"),
    ),
    "wipe and clear the tag": (
        lambda c: _wipe(c, tag=""),
        False,
        (0, 1, "entries 1-6 are missing"),
    ),
    "wipe, keep the seq": (
        lambda c: _wipe(c, entry_hash=GENESIS, tag=""),
        False,
        (0, 1, "entries 1-6 are missing"),
    ),
    "wipe, keep the hash": (
        lambda c: _wipe(c, seq=0, tag=""),
        False,
        (0, 0, "the chain head does not name this entry's hash"),
    ),
    "a checkpoint that is not JSON": (
        _checkpoint_reading("{"),
        True,
        (
            0,
            None,
            "a checkpoint entry cannot be read (Expecting property name enclosed in double"
            " quotes: line 1 column 2 (char 1))",
        ),
    ),
    "a checkpoint without its keys": (
        _checkpoint_reading("{}"),
        True,
        (0, None, "a checkpoint entry cannot be read ('pruned')"),
    ),
    "a checkpoint of the wrong shape": (
        _checkpoint_reading('{"pruned": 5}'),
        True,
        (0, None, "a checkpoint entry cannot be read (cannot unpack non-iterable int object)"),
    ),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_every_tampering_is_found_and_named(chain: Connection, case: str) -> None:
    tamper, holds_persons, (checked, first_bad, reason) = TAMPERING[case]
    tamper(chain)
    chain.commit()
    verdict = verify(chain, KEY, holds_persons=holds_persons)
    assert verdict == Verdict(False, checked, first_bad, reason), case


def _prune(conn: Connection, last: int, before: dt.date = dt.date(2025, 3, 4)) -> Checkpoint | None:
    return prune_through(
        conn, KEY, last, before=before, actor="system", via="rekisteri retention run", at=AT
    )


def test_a_pruning_leaves_a_checkpoint_the_walk_resumes_from(chain: Connection) -> None:
    two = _row(chain, 2)["entry_hash"]
    point = _prune(chain, 2)
    assert point == Checkpoint(1, 2, 2, two, "2025-03-04", 7)
    assert [
        r.seq for r in chain.execute(select(audit_entry.c.seq).order_by(audit_entry.c.seq))
    ] == [3, 4, 5, 6, 7]
    assert _subjects(chain) == [(3, 1), (3, 3), (4, 4), (5, 5), (6, 6)]
    assert chain.execute(select(audit_prune_permit)).first() is None  # the permit went with it
    record = _row(chain, 7)
    assert (record["action"], record["outcome"], record["actor"]) == (PRUNE, "allowed", "system")
    assert (record["via"], record["person_ids"], record["categories"]) == (
        "rekisteri retention run",
        "",
        "",
    )
    assert record["what"] == (
        '{"pruned":[1,2],"count":2,"chains_from":"' + two + '","before":"2025-03-04"}'
    )
    assert Checkpoint.read(7, record["what"]) == point
    chain.commit()
    assert verify(chain, KEY, holds_persons=True) == Verdict(True, 5, checkpoint=point)


def test_pruning_the_first_entry_alone(chain: Connection) -> None:
    one = _row(chain, 1)["entry_hash"]
    assert _prune(chain, 1) == Checkpoint(1, 1, 1, one, "2025-03-04", 7)
    assert verify(chain, KEY, holds_persons=True).ok


def test_nothing_old_enough_prunes_nothing(chain: Connection) -> None:
    head = _head(chain)
    assert _prune(chain, 0) is None
    assert _head(chain) == head
    assert verify(chain, KEY, holds_persons=True) == Verdict(True, 6)


def test_an_empty_trail_prunes_nothing(conn: Connection) -> None:
    assert _prune(conn, 5) is None
    assert _head(conn).seq == 0


def test_a_second_pruning_chains_from_the_newest_checkpoint(chain: Connection) -> None:
    first = _prune(chain, 2)
    assert first is not None
    four = _row(chain, 4)["entry_hash"]
    second = _prune(chain, 4, dt.date(2025, 6, 1))
    assert second == Checkpoint(3, 4, 2, four, "2025-06-01", 8)
    chain.commit()
    # 5, 6, the first checkpoint (7) and the second (8)
    assert verify(chain, KEY, holds_persons=True) == Verdict(True, 4, checkpoint=second)


def test_a_checkpoint_entry_that_reads_otherwise_is_found(chain: Connection) -> None:
    """The checkpoint's `what` is hashed like any entry's: a range widened after the fact
    to hide a deletion breaks the checkpoint entry's own hash."""
    _prune(chain, 2)
    three = _row(chain, 3)["entry_hash"]
    _delete(chain, 3)
    record = _row(chain, 7)
    data = json.loads(record["what"])
    data["pruned"], data["chains_from"] = [1, 3], three
    _set(chain, 7, what=json.dumps(data, separators=(",", ":")))
    chain.commit()
    assert verify(chain, KEY, holds_persons=True) == Verdict(
        False, 3, 7, "its content does not match its hash"
    )


def test_a_pruned_entry_put_back_is_found(chain: Connection) -> None:
    two = _row(chain, 2)
    _prune(chain, 2)
    chain.execute(insert(audit_entry).values(**two))
    chain.commit()
    assert verify(chain, KEY, holds_persons=True) == Verdict(
        False, 0, 2, "it was pruned at entry 7 yet is present"
    )


def test_begin_starts_a_new_trail_once(conn: Connection) -> None:
    assert begin(conn, KEY, actor="rekisteri init", via="rekisteri init", at=AT)
    record = _row(conn, 1)
    assert (record["action"], record["outcome"], record["actor"], record["via"]) == (
        BEGIN,
        "allowed",
        "rekisteri init",
        "rekisteri init",
    )
    assert (record["what"], record["person_ids"], record["role"]) == (
        "the audit trail begins",
        "",
        None,
    )
    assert not begin(conn, KEY, actor="rekisteri init", via="rekisteri init", at=AT)
    conn.commit()
    assert verify(conn, KEY, holds_persons=True) == Verdict(True, 1)


def test_begin_on_a_trail_already_written_adds_nothing(chain: Connection) -> None:
    assert not begin(chain, KEY, actor="rekisteri init", via="rekisteri init", at=AT)
    assert _head(chain).seq == 6


def test_begin_without_a_head_adds_nothing(conn: Connection) -> None:
    conn.execute(delete(audit_chain_head))
    assert not begin(conn, KEY, actor="rekisteri init", via="rekisteri init", at=AT)
    assert conn.execute(select(audit_entry)).first() is None


@pytest.mark.parametrize("rows", [audit_chain._BULK_SUBJECTS - 1, audit_chain._BULK_SUBJECTS])
def test_an_entry_naming_an_audience_indexes_every_person(conn: Connection, rows: int) -> None:
    """An audience's entry names thousands of persons: from _BULK_SUBJECTS subject rows in one
    append on they go in by COPY on PostgreSQL, below it (and always on SQLite) by
    executemany; the index is the same. Here one entry names a person, the next the rest."""
    count = rows - 1
    persons = tuple(range(count, 0, -1))
    assert append(conn, KEY, [_entry((7,)), _entry(persons), _entry(())], AT) == 3
    conn.commit()
    expected = [(1, 7)] + [(2, p) for p in range(1, count + 1)]
    assert _subjects(conn) == expected
    assert len(expected) == rows
    assert _row(conn, 2)["person_ids"] == " ".join(str(p) for p in range(1, count + 1))
    assert verify(conn, KEY, holds_persons=True) == Verdict(True, 3)


def test_the_statements_are_built_once_for_each_dialect_and_driver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The append's SQL, built the first time a dialect and driver append (the cache is emptied
    here: the other tests of this process have built it already)."""
    monkeypatch.setattr(audit_chain, "_STATEMENTS", {})
    columns = ", ".join(c.name for c in audit_entry.columns)
    built: dict[tuple[str, str], Any] = {}
    for dialect, p in ((sqlite.pysqlite.dialect(), "?"), (postgresql.psycopg.dialect(), "%s")):
        sql = audit_chain._statements(dialect)
        assert sql.lock_head == (
            f"UPDATE audit_chain_head SET seq = seq + {p} WHERE id = 1 RETURNING seq, entry_hash"
        )
        slots = ", ".join([p] * len(audit_entry.columns))
        assert sql.add_entry == f"INSERT INTO audit_entry ({columns}) VALUES ({slots})"
        assert sql.add_subject == f"INSERT INTO audit_subject (seq, person_id) VALUES ({p}, {p})"
        assert (
            sql.move_head == f"UPDATE audit_chain_head SET entry_hash = {p}, tag = {p} WHERE id = 1"
        )
        # Each column's own bind processor, where it has one, at the column's place in a row.
        expected = [
            (i, c.type.dialect_impl(dialect).bind_processor(dialect))
            for i, c in enumerate(audit_entry.columns)
            if c.type.dialect_impl(dialect).bind_processor(dialect) is not None
        ]
        assert [i for i, _ in sql.processors] == [i for i, _ in expected]
        at = audit_entry.columns.keys().index("at")
        assert at in dict(sql.processors)
        stored = dict(sql.processors)[at](AT)
        assert stored == dict(expected)[at](AT)
        # On SQLite the text SQLAlchemy writes and compares with (not sqlite3's own
        # "+00:00" form, which sorts before it within the same second); psycopg takes the
        # datetime in UTC.
        assert stored == ("2026-03-03 10:00:00.000000" if p == "?" else AT)
        assert audit_chain._statements(dialect) is sql  # built once
        built[(dialect.name, dialect.driver)] = sql
    assert built == audit_chain._STATEMENTS


def test_an_append_with_nothing_built_yet_holds(
    conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a new server process does on its first audited request."""
    monkeypatch.setattr(audit_chain, "_STATEMENTS", {})
    assert append(conn, KEY, [_entry(p) for p in PERSONS], AT) == 6
    conn.commit()
    assert _subjects(conn) == [(1, 1), (3, 1), (3, 3), (4, 4), (5, 5), (6, 6)]
    assert verify(conn, KEY, holds_persons=True) == Verdict(True, 6)
