"""The audit trail's use cases (services/access/audit.py) on a migrated database of each
backend: the chain's verdict, the processes that ran with the trail off, the pruning of
entries past the access log's five years, who read a person's data, and the entries of a
refused request and of a staff login.

tests/integration/test_audit_trail.py and test_audit_pruning.py check the same through whole
registers; these reach each function directly and run in about a second, so `make mutation`
can check every mutant of the module against them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import event, insert, select

from rekisteri.adapters import audit_chain
from rekisteri.adapters.audit_chain import NewEntry
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Category, Purpose, Role
from rekisteri.services.access import audit
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock

NOW = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)  # the test clock's
# The access log is kept five years from the entry: on 3 March 2026 what was recorded before
# 3 March 2021 began in Helsinki (22:00 UTC the day before) goes.
CUTOFF = dt.datetime(2021, 3, 2, 22, 0, tzinfo=dt.UTC)
DPO = Actor("tietosuoja", Role.DPO, purpose=Purpose.LEGAL_OBLIGATION, via="test")


def _entry(
    person_ids: tuple[int, ...] = (),
    action: str = "read",
    what: str = "customer view",
    actor: str = "maija",
    categories: tuple[str, ...] = ("contact", "identity"),
) -> NewEntry:
    return NewEntry(
        actor,
        "customer_service",
        None,
        "customer_relationship",
        "web",
        action,
        "allowed",
        categories,
        person_ids,
        what,
    )


def _append(reg: RegisterApp, entries: list[NewEntry], at: dt.datetime = NOW) -> int:
    with reg.engine.begin() as conn:
        return audit_chain.append(conn, reg.cipher.audit_key, entries, at)


def _rows(reg: RegisterApp) -> list[dict[str, Any]]:
    with reg.engine.connect() as conn:
        rows = conn.execute(select(audit_entry).order_by(audit_entry.c.seq)).mappings()
        return [dict(r) for r in rows]


def _without_audit(reg: RegisterApp) -> RegisterApp:
    off = reg.settings.model_copy(update={"audit_enabled": False, "mode": "benchmark"})
    return dataclasses.replace(reg, settings=off)


# -- verify_trail


def test_a_new_trail_holds_until_the_register_holds_a_person(register: RegisterApp) -> None:
    assert audit.verify_trail(register) == audit_chain.Verdict(True, 0)
    with register.engine.begin() as conn:  # a person put in with no entry: the trail was wiped
        conn.execute(
            insert(person).values(
                customer_number="T1",
                kind="natural",
                relationship="customer",
                restricted=False,
                created_at=NOW,
                source="test",
                received_at=NOW,
            )
        )
    verdict = audit.verify_trail(register)
    assert not verdict.ok
    assert verdict.reason == "the trail is empty but the register holds persons: it was wiped"


def test_the_verdict_walks_every_entry_under_the_registers_key(register: RegisterApp) -> None:
    _append(register, [_entry((1,)), _entry((2,))])
    _append(register, [_entry()])
    assert audit.verify_trail(register) == audit_chain.Verdict(True, 3)
    other = dataclasses.replace(register, cipher=type(register.cipher)(register.cipher.keyring))
    assert audit.verify_trail(other).ok  # the same keyring: the same key
    with register.engine.begin() as conn:  # an entry appended under another key
        audit_chain.append(conn, b"x" * 32, [_entry()], NOW)
    assert not audit.verify_trail(register).ok


# -- audit_off


def test_each_process_that_ran_with_the_trail_off_is_listed(register: RegisterApp) -> None:
    off = dataclasses.replace(_entry(), action=audit_chain.AUDIT_OFF_ACTION, via="process 7")
    later = dt.datetime(2026, 3, 4, 8, 0, tzinfo=dt.UTC)
    _append(register, [_entry((1,))])
    _append(register, [off])
    _append(register, [_entry((1,))])
    _append(register, [dataclasses.replace(off, via="process 9")], later)
    assert audit.audit_off(register) == [
        audit.AuditOff(2, NOW, "process 7"),
        audit.AuditOff(4, later, "process 9"),
    ]


def test_the_processes_are_listed_in_the_trails_order_wherever_the_rows_lie(
    register: RegisterApp, database_url: str
) -> None:
    """After a pruning and a VACUUM, PostgreSQL puts new rows in the space the pruned ones
    left, and a scan without ORDER BY returns them before the older rows."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite scans a table in its rowid (seq) order")
    off = dataclasses.replace(_entry(), action=audit_chain.AUDIT_OFF_ACTION, via="process 1")
    _append(register, [off, off, off], dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    _append(register, [dataclasses.replace(off, via="process 4")], NOW)
    with register.unit_of_work(DPO) as uow:
        assert audit.prune(uow) == 3
    with register.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM audit_entry")
    _append(register, [dataclasses.replace(off, via="process 6")], NOW)
    assert [o.via for o in audit.audit_off(register)] == ["process 4", "process 6"]


def test_a_trail_never_off_lists_nothing(register: RegisterApp) -> None:
    _append(register, [_entry((1,))])
    assert audit.audit_off(register) == []


# -- prune


def test_entries_past_five_years_are_pruned_behind_a_checkpoint(register: RegisterApp) -> None:
    second = dt.timedelta(seconds=1)
    _append(register, [_entry((1,))], dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    _append(register, [_entry((2,))], CUTOFF - second)
    _append(register, [_entry((1,))], CUTOFF)  # 3 March 2021 in Helsinki: kept
    _append(register, [_entry((3,))], NOW)
    with register.unit_of_work(DPO) as uow:
        assert audit.prune(uow, dry_run=True) == 2
    assert [r["seq"] for r in _rows(register)] == [1, 2, 3, 4]  # a dry run prunes nothing
    with register.unit_of_work(DPO) as uow:
        assert audit.prune(uow) == 2
    rows = _rows(register)
    assert [r["seq"] for r in rows] == [3, 4, 5]
    point = rows[-1]
    assert point["action"] == audit_chain.PRUNE
    assert (point["actor"], point["via"], point["at"]) == ("tietosuoja", "test", NOW)
    checkpoint = audit_chain.Checkpoint.read(point["seq"], point["what"])
    assert (checkpoint.first, checkpoint.last, checkpoint.count) == (1, 2, 2)
    assert checkpoint.before == "2021-03-03"
    assert audit.verify_trail(register).ok
    with register.unit_of_work(DPO) as uow:  # nothing old is left
        assert audit.prune(uow, dry_run=True) == 0
        assert audit.prune(uow) == 0
    assert len(_rows(register)) == 3


def test_a_pruning_by_the_system_names_the_retention_run(
    register: RegisterApp, clock: FakeClock
) -> None:
    _append(register, [_entry((1,))], dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    clock.advance(days=1)
    with register.unit_of_work(Actor.system()) as uow:
        assert audit.prune(uow) == 1
    point = _rows(register)[-1]
    assert (point["actor"], point["via"], point["at"]) == (
        "system",
        "retention run",
        NOW + dt.timedelta(days=1),
    )


def test_a_trail_with_nothing_old_is_left_whole(register: RegisterApp) -> None:
    _append(register, [_entry((1,))], CUTOFF)
    with register.unit_of_work(DPO) as uow:
        assert audit.prune(uow) == 0
    assert [r["seq"] for r in _rows(register)] == [1]


def test_a_pruning_another_finished_first_prunes_nothing(
    register: RegisterApp, database_url: str
) -> None:
    """Two retention runs at once on PostgreSQL: the second reads the newest old entry, the
    first commits its pruning, and the second finds nothing left that old (each statement
    sees what was committed before it began). SQLite's transaction reads one snapshot (and
    its writers queue), so there the second run never sees the gap."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite reads one snapshot per transaction")
    _append(register, [_entry((1,)), _entry((2,))], dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    _append(register, [_entry((3,))], NOW)
    first_run: list[int] = []

    def the_other_run_first(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "min(audit_entry.seq)" in statement and not first_run:
            first_run.append(-1)
            with register.unit_of_work(Actor.system()) as other:
                first_run[0] = audit.prune(other)

    event.listen(register.engine, "before_cursor_execute", the_other_run_first)
    try:
        with register.unit_of_work(DPO) as uow:
            assert audit.prune(uow) == 0
    finally:
        event.remove(register.engine, "before_cursor_execute", the_other_run_first)
    assert first_run == [2]
    rows = _rows(register)
    assert [(r["seq"], r["action"]) for r in rows] == [(3, "read"), (4, audit_chain.PRUNE)]
    assert audit.verify_trail(register).ok


# -- who_read


def test_who_read_answers_newest_first_and_is_itself_audited(register: RegisterApp) -> None:
    _append(register, [_entry((1, 2), what="search")])
    _append(register, [_entry((2,))])
    _append(register, [_entry((1,), "change", "address", "anna", ("contact",))])
    with register.unit_of_work(DPO) as uow:
        seen = audit.who_read(uow, 1)
    assert seen == [
        {
            "seq": 3,
            "at": NOW,
            "actor": "anna",
            "role": "customer_service",
            "purpose": "customer_relationship",
            "via": "web",
            "action": "change",
            "outcome": "allowed",
            "categories": ["contact"],
            "what": "address",
        },
        {
            "seq": 1,
            "at": NOW,
            "actor": "maija",
            "role": "customer_service",
            "purpose": "customer_relationship",
            "via": "web",
            "action": "read",
            "outcome": "allowed",
            "categories": ["contact", "identity"],
            "what": "search",
        },
    ]
    asked = _rows(register)[-1]
    assert (asked["actor"], asked["action"], asked["person_ids"]) == ("tietosuoja", "read", "1")
    assert (asked["categories"], asked["what"]) == (
        Category.ACCESS_LOG.value,
        "who read the person's data",
    )
    with register.unit_of_work(DPO) as uow:
        assert [e["seq"] for e in audit.who_read(uow, 1, limit=2)] == [4, 3]


def test_who_read_gives_the_newest_thousand_by_default(register: RegisterApp) -> None:
    _append(register, [_entry((1,)) for _ in range(1001)])
    with register.unit_of_work(DPO) as uow:
        seen = audit.who_read(uow, 1)
    assert len(seen) == 1000
    assert (seen[0]["seq"], seen[-1]["seq"]) == (1001, 2)


# -- record_denied, record_login


def test_a_refusal_is_an_entry_of_its_own(register: RegisterApp) -> None:
    actor = Actor("matti", Role.MARKETING, 7, Purpose.DIRECT_MARKETING, "GET /persons/3")
    audit.record_denied(register, actor, [Category.IDENTITY, Category.CONTACT], [3, 2], "no")
    audit.record_denied(register, Actor("x"), [], [], "not allowed", action="change")
    first, second = _rows(register)
    assert {k: first[k] for k in first if k not in ("seq", "at", "prev_hash", "entry_hash")} == {
        "actor": "matti",
        "role": "marketing",
        "subject_self": 7,
        "purpose": "direct_marketing",
        "via": "GET /persons/3",
        "action": "read",
        "outcome": "denied",
        "categories": "contact identity",
        "person_ids": "2 3",
        "what": "no",
    }
    assert (second["actor"], second["role"], second["subject_self"], second["purpose"]) == (
        "x",
        None,
        None,
        None,
    )
    assert (second["via"], second["action"], second["outcome"]) == ("library", "change", "denied")
    assert (second["categories"], second["person_ids"], second["what"]) == ("", "", "not allowed")
    assert audit.verify_trail(register).ok


def test_a_login_is_an_entry_naming_how(register: RegisterApp) -> None:
    staff = Actor("anna", Role.CUSTOMER_SERVICE, 5, Purpose.CUSTOMER_RELATIONSHIP, "ignored")
    audit.record_login(register, staff, "POST /login", "password and second factor")
    audit.record_login(register, Actor("sso"), "GET /sso", "sign-on")
    first, second = _rows(register)
    assert {k: first[k] for k in first if k not in ("seq", "at", "prev_hash", "entry_hash")} == {
        "actor": "anna",
        "role": "customer_service",
        "subject_self": None,
        "purpose": None,
        "via": "POST /login",
        "action": audit.LOGIN,
        "outcome": "allowed",
        "categories": "",
        "person_ids": "",
        "what": "logged in: password and second factor",
    }
    assert audit.LOGIN == "login"
    assert (second["actor"], second["role"], second["via"]) == ("sso", None, "GET /sso")
    assert audit.verify_trail(register).ok


@pytest.mark.parametrize("record", ["denied", "login"])
def test_with_the_trail_off_nothing_is_recorded(register: RegisterApp, record: str) -> None:
    reg = _without_audit(register)
    if record == "denied":
        audit.record_denied(reg, DPO, [Category.IDENTITY], [1], "no")
    else:
        audit.record_login(reg, DPO, "POST /login", "password")
    assert _rows(reg) == []
