"""The audit trail: every read and change is an entry; any tampering is found and named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Connection, delete, insert, select, update
from typer.testing import CliRunner

from rekisteri.adapters import audit_chain
from rekisteri.adapters.audit_chain import GENESIS
from rekisteri.adapters.schema.access import system_actor
from rekisteri.adapters.schema.audit import audit_chain_head, audit_entry, audit_subject
from rekisteri.catalogue import Category, Purpose, Role
from rekisteri.config import Settings
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access import audit, system_actors
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.audit import drop_append_only
from tests.support.cli_login import as_staff, enable_jobs
from tests.support.registered import add_person


def _read(reg: RegisterApp, person_id: int, who: str = "maija") -> None:
    actor = Actor(who, Role.CUSTOMER_SERVICE, purpose=Purpose.CUSTOMER_RELATIONSHIP, via="test")
    with reg.reading(actor) as uow:
        customer_view(uow, person_id, Role.CUSTOMER_SERVICE)


@pytest.fixture
def trail(register: RegisterApp) -> tuple[RegisterApp, list[int]]:
    people = [add_person(register, n) for n in range(3)]
    for p in people:
        _read(register, p)
    return register, people


@pytest.mark.proves("P16.every-view-and-change-logged")
def test_reads_and_changes_are_entries_with_who_what_and_why(trail) -> None:
    reg, people = trail
    with reg.engine.connect() as conn:
        rows = conn.execute(select(audit_entry).order_by(audit_entry.c.seq)).mappings().all()
    # three registrations (changes by "test") then three reads by "maija"
    assert [r["action"] for r in rows] == ["change"] * 3 + ["read"] * 3
    read = rows[3]
    assert read["actor"] == "maija" and read["role"] == "customer_service"
    assert read["purpose"] == "customer_relationship" and read["via"] == "test"
    assert read["person_ids"] == str(people[0]) and read["outcome"] == "allowed"
    assert "identity" in read["categories"].split()
    assert rows[0]["via"] == "library" and "identity" in rows[0]["categories"]
    assert audit.verify_trail(reg).ok


def test_who_read_a_person_answers_and_is_itself_audited(trail) -> None:
    reg, people = trail
    dpo = Actor("tietosuoja", Role.DPO, purpose=Purpose.LEGAL_OBLIGATION, via="test")
    with reg.reading(dpo) as uow:
        seen = audit.who_read(uow, people[1])
    assert [(e["actor"], e["action"]) for e in seen] == [("maija", "read"), ("test", "change")]
    with reg.reading(dpo) as uow:
        again = audit.who_read(uow, people[1])
    assert again[0]["actor"] == "tietosuoja" and again[0]["categories"] == ["access_log"]


def test_audit_off_writes_nothing(register: RegisterApp) -> None:
    # Benchmark mode, the only one that takes the switch (services/bootstrap.py).
    off = {"audit_enabled": False, "mode": "benchmark"}
    register.settings = register.settings.model_copy(update=off)
    p = add_person(register)
    _read(register, p)
    with register.engine.connect() as conn:
        assert conn.execute(select(audit_entry)).first() is None


def test_the_database_refuses_updates_and_deletes(trail) -> None:
    reg, _ = trail
    with pytest.raises(Exception, match="append-only"), reg.engine.begin() as conn:
        conn.execute(update(audit_entry).values(actor="someone else"))
    with pytest.raises(Exception, match="append-only"), reg.engine.begin() as conn:
        conn.execute(delete(audit_subject))


def _entry(conn: Connection, seq: int) -> dict:
    return dict(conn.execute(select(audit_entry).where(audit_entry.c.seq == seq)).mappings().one())


def _edit(conn: Connection) -> int:
    conn.execute(update(audit_entry).where(audit_entry.c.seq == 4).values(actor="nobody"))
    return 4


def _edit_time(conn: Connection) -> int:
    at = _entry(conn, 2)["at"]
    conn.execute(update(audit_entry).where(audit_entry.c.seq == 2).values(at=at.replace(year=2020)))
    return 2


def _delete_middle(conn: Connection) -> int:
    conn.execute(delete(audit_subject).where(audit_subject.c.seq == 3))
    conn.execute(delete(audit_entry).where(audit_entry.c.seq == 3))
    return 3


def _delete_last(conn: Connection) -> int:
    conn.execute(delete(audit_subject).where(audit_subject.c.seq == 6))
    conn.execute(delete(audit_entry).where(audit_entry.c.seq == 6))
    return 6


def _delete_first(conn: Connection) -> int:
    conn.execute(delete(audit_subject).where(audit_subject.c.seq == 1))
    conn.execute(delete(audit_entry).where(audit_entry.c.seq == 1))
    return 1


def _insert_at_end(conn: Connection) -> int:
    forged = _entry(conn, 6) | {"seq": 7, "prev_hash": _entry(conn, 6)["entry_hash"]}
    conn.execute(insert(audit_entry).values(**forged))
    return 7


def _insert_and_move_head(conn: Connection) -> int:
    forged = _entry(conn, 6) | {"seq": 7, "prev_hash": _entry(conn, 6)["entry_hash"]}
    conn.execute(insert(audit_entry).values(**forged))
    conn.execute(update(audit_chain_head).values(seq=7, entry_hash=forged["entry_hash"]))
    return 7


def _swap(conn: Connection) -> int:
    a, b = _entry(conn, 4), _entry(conn, 5)
    conn.execute(delete(audit_subject).where(audit_subject.c.seq.in_([4, 5])))
    conn.execute(delete(audit_entry).where(audit_entry.c.seq.in_([4, 5])))
    conn.execute(insert(audit_entry).values(**(b | {"seq": 4})))
    conn.execute(insert(audit_entry).values(**(a | {"seq": 5})))
    for seq, row in ((4, b), (5, a)):
        conn.execute(insert(audit_subject).values(seq=seq, person_id=int(row["person_ids"])))
    return 4


def _hide_a_reader(conn: Connection) -> int:
    conn.execute(delete(audit_subject).where(audit_subject.c.seq == 5))
    return 5


def _rewind_head(conn: Connection) -> int:
    conn.execute(delete(audit_subject).where(audit_subject.c.seq == 6))
    conn.execute(delete(audit_entry).where(audit_entry.c.seq == 6))
    five = _entry(conn, 5)
    conn.execute(update(audit_chain_head).values(seq=5, entry_hash=five["entry_hash"]))
    return 5


def _wipe_everything(conn: Connection) -> int:
    """Every entry and subject gone, the head reset as a new database has it."""
    conn.execute(delete(audit_subject))
    conn.execute(delete(audit_entry))
    conn.execute(update(audit_chain_head).values(seq=0, entry_hash=GENESIS, tag=""))
    return 1


def _wipe_and_rewind_the_head(conn: Connection) -> int:
    """Every entry gone and the head set to seq 0 and a zero hash (its tag left as it was)."""
    conn.execute(delete(audit_subject))
    conn.execute(delete(audit_entry))
    conn.execute(update(audit_chain_head).values(seq=0, entry_hash=GENESIS))
    return 0


def _delete_the_head(conn: Connection) -> int:
    conn.execute(delete(audit_chain_head))
    return 6


def _delete_the_oldest(conn: Connection) -> int:
    """What pruning does, without the checkpoint that proves it."""
    conn.execute(delete(audit_subject).where(audit_subject.c.seq <= 2))
    conn.execute(delete(audit_entry).where(audit_entry.c.seq <= 2))
    return 1


@pytest.mark.parametrize(
    "tamper",
    [
        _wipe_everything,
        _wipe_and_rewind_the_head,
        _delete_the_head,
        _delete_the_oldest,
        _edit,
        _edit_time,
        _delete_middle,
        _delete_last,
        _delete_first,
        _insert_at_end,
        _insert_and_move_head,
        _swap,
        _hide_a_reader,
        _rewind_head,
    ],
)
def test_tampering_is_found_and_the_entry_named(trail, settings: Settings, tamper) -> None:
    reg, _ = trail
    assert audit.verify_trail(reg).checked == 6
    with reg.engine.begin() as conn:
        drop_append_only(conn)
        bad = tamper(conn)
    verdict = audit.verify_trail(reg)
    assert not verdict.ok
    assert verdict.first_bad == bad, verdict
    env = {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": settings.secret_key or "",
    }
    # The job's actor enabled by a row of its own, not through set_enabled: its audit entry
    # would land on the tampered chain the tamper functions number.
    with reg.engine.begin() as conn:
        conn.execute(
            insert(system_actor).values(
                name=system_actors.AUDIT_VERIFY,
                enabled=True,
                changed_at=reg.clock(),
                changed_by="test",
            )
        )
    result = CliRunner().invoke(cli, ["audit", "verify"], env=env)
    assert result.exit_code == 1
    assert f"entry {bad}" in result.output


# Every field the entry's hash covers but its seq (a renumbered entry breaks the chain's order
# whatever the hash covers), each changed on entry 4 (a read by "maija") to a value it could
# hold: verify must find each one by the hash alone.
FIELD_EDITS: dict[str, Any] = {
    "at": lambda row: row["at"] + dt.timedelta(seconds=1),
    "actor": "nobody",
    "role": "dpo",
    "subject_self": 1,
    "purpose": "legal_obligation",
    "via": "elsewhere",
    "action": "change",
    "outcome": "denied",
    "categories": "contract",
    "person_ids": None,  # another person's id, moved in audit_subject too (below)
    "what": "nothing to see",
}


def test_the_hash_covers_every_field_of_an_entry_but_seq() -> None:
    assert set(FIELD_EDITS) | {"seq"} == set(audit_chain._CANONICAL_FIELDS)


@pytest.mark.parametrize("field", list(FIELD_EDITS))
def test_an_edit_of_any_hashed_field_is_found(trail, settings: Settings, field: str) -> None:
    reg, people = trail
    enable_jobs(settings, system_actors.AUDIT_VERIFY)  # appended after entry 4, untampered
    with reg.engine.begin() as conn:
        drop_append_only(conn)
        row = _entry(conn, 4)
        if field == "person_ids":  # the subject index agrees, so only the hash can tell
            other = people[1]
            assert row["person_ids"] != str(other)
            conn.execute(
                update(audit_subject).where(audit_subject.c.seq == 4).values(person_id=other)
            )
            value: Any = str(other)
        else:
            edit = FIELD_EDITS[field]
            value = edit(row) if callable(edit) else edit
        assert row[field] != value
        conn.execute(update(audit_entry).where(audit_entry.c.seq == 4).values({field: value}))
    verdict = audit.verify_trail(reg)
    assert not verdict.ok and verdict.first_bad == 4, (field, verdict)
    env = {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": settings.secret_key or "",
    }
    result = CliRunner().invoke(cli, ["audit", "verify"], env=env)
    assert result.exit_code == 1 and "entry 4" in result.output, (field, result.output)


def test_cli_verify_and_person(trail, settings: Settings) -> None:
    reg, people = trail
    env = {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": settings.secret_key or "",
    }
    enable_jobs(settings, system_actors.AUDIT_VERIFY)  # one more entry: who enabled it
    ok = CliRunner().invoke(cli, ["audit", "verify"], env=env)
    assert ok.exit_code == 0 and "7 entries" in ok.output
    dpo = as_staff(env, Role.DPO)
    who = CliRunner().invoke(cli, ["audit", "person", str(people[0]), "--json"], env=dpo)
    assert who.exit_code == 0, who.output
    assert '"actor": "maija"' in who.output
    # the DPO's question went into the trail, naming the command
    with reg.engine.connect() as conn:
        last = conn.execute(select(audit_entry).order_by(audit_entry.c.seq.desc())).first()
    assert last is not None and last.via.startswith("rekisteri audit person")
    assert last.categories == Category.ACCESS_LOG.value
    assert audit.verify_trail(reg).ok


def test_concurrent_appends_keep_one_chain(register: RegisterApp) -> None:
    """Threads on their own connections (row lock on PostgreSQL, write lock on SQLite)."""
    import threading

    people = [add_person(register, n) for n in range(4)]
    errors: list[BaseException] = []

    def reader(pid: int) -> None:
        try:
            for _ in range(15):
                _read(register, pid, who=f"reader{pid}")
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    verdict = audit.verify_trail(register)
    assert verdict.ok, verdict
    assert verdict.checked == 4 + 4 * 15


def test_a_read_of_many_persons_names_each_and_the_chain_holds(register: RegisterApp) -> None:
    # Above a thousand subjects the subjects go in bulk through the driver (COPY on
    # PostgreSQL): the same rows, and the chain still verifies.
    many = list(range(1, 2502))
    actor = Actor("markkinointi", Role.CUSTOMER_SERVICE, via="test")
    with register.reading(actor) as uow:
        uow.note_read(many, [Category.CONTACT], "a large audience")
    with register.engine.connect() as conn:
        seq = conn.execute(select(audit_entry.c.seq).order_by(audit_entry.c.seq.desc())).scalar()
        named = conn.execute(
            select(audit_subject.c.person_id)
            .where(audit_subject.c.seq == seq)
            .order_by(audit_subject.c.person_id)
        ).scalars()
        assert list(named) == many
    assert audit.verify_trail(register).ok
