"""The audit trail is kept five years (the catalogue's access-log rule) and no longer: older
entries are pruned behind a keyed checkpoint, and the chain still proves itself from there."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Connection, delete, insert, select

from rekisteri.adapters.audit_chain import PRUNE
from rekisteri.adapters.schema.audit import audit_entry, audit_subject
from rekisteri.catalogue import Purpose, Role
from rekisteri.services.access import audit, system_actors
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.rights import retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.audit import drop_append_only
from tests.support.cli_login import enable_jobs
from tests.support.clock import FakeClock
from tests.support.registered import add_person

READER = Actor("maija", Role.CUSTOMER_SERVICE, purpose=Purpose.CUSTOMER_RELATIONSHIP, via="test")
DPO = Actor("tietosuoja", Role.DPO, purpose=Purpose.LEGAL_OBLIGATION, via="test")
START = dt.datetime(2020, 3, 3, 10, tzinfo=dt.UTC)


def _entries(reg: RegisterApp) -> list[dict]:
    with reg.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(audit_entry).order_by("seq")).mappings()]


def _read(reg: RegisterApp, person_id: int) -> None:
    with reg.reading(READER) as uow:
        customer_view(uow, person_id, Role.CUSTOMER_SERVICE)


@pytest.fixture
def aged(register: RegisterApp, clock: FakeClock) -> tuple[RegisterApp, FakeClock, int]:
    """Entries 1-2 in March 2020 (a registration and a read), 3-4 a year later."""
    clock.set(START)
    person = add_person(register, 0)
    _read(register, person)
    clock.set(START.replace(year=2021))
    _read(register, person)
    _read(register, person)
    return register, clock, person


def _retention_run(reg: RegisterApp, *, dry_run: bool = False) -> dict[str, int]:
    with reg.unit_of_work(Actor("system", purpose=Purpose.LEGAL_OBLIGATION)) as uow:
        return retention.run(uow, dry_run=dry_run).counts


PRUNED = "audit entries past their period: pruned"


@pytest.mark.proves("P14.kept.access-log")
def test_the_retention_run_prunes_entries_past_five_years_behind_a_checkpoint(aged) -> None:
    reg, clock, _ = aged
    # Five years after the first entries, to the day: they are not yet past their period.
    clock.set(dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC))
    assert _retention_run(reg)[PRUNED] == 0
    assert [e["seq"] for e in _entries(reg)][:4] == [1, 2, 3, 4]
    # A day later they are; the later ones stay.
    clock.set(dt.datetime(2025, 3, 4, 9, tzinfo=dt.UTC))
    assert _retention_run(reg, dry_run=True)[PRUNED] == 2
    assert len(_entries(reg)) >= 4  # a dry run prunes nothing
    assert _retention_run(reg)[PRUNED] == 2
    entries = _entries(reg)
    assert entries[0]["seq"] == 3
    point = next(e for e in entries if e["action"] == PRUNE)
    assert '"pruned":[1,2]' in point["what"] and '"count":2' in point["what"]
    assert point["actor"] == "system"
    verdict = audit.verify_trail(reg)
    assert verdict.ok, verdict
    assert verdict.checkpoint is not None and verdict.checkpoint.seq == point["seq"]
    assert verdict.checkpoint.chains_from == entries[0]["prev_hash"]
    # The subject rows of the pruned entries went with them.
    with reg.engine.connect() as conn:
        assert conn.execute(select(audit_subject).where(audit_subject.c.seq <= 2)).first() is None
    # Idempotent: a second run the same day finds nothing more.
    assert _retention_run(reg)[PRUNED] == 0
    assert audit.verify_trail(reg).ok


def test_pruning_again_chains_from_the_newest_checkpoint(aged) -> None:
    reg, clock, person = aged
    clock.set(dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    _retention_run(reg)
    _read(reg, person)
    clock.set(dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    assert _retention_run(reg)[PRUNED] == 2  # the 2021 reads; the first checkpoint is younger
    verdict = audit.verify_trail(reg)
    assert verdict.ok, verdict
    assert verdict.checkpoint is not None and verdict.checkpoint.first == 3


def _delete(conn: Connection, seq: int) -> None:
    conn.execute(delete(audit_subject).where(audit_subject.c.seq == seq))
    conn.execute(delete(audit_entry).where(audit_entry.c.seq == seq))


def _first_after_the_checkpoint(conn: Connection, entries: list[dict]) -> int:
    _delete(conn, entries[0]["seq"])
    return int(entries[0]["seq"])


def _the_checkpoint_itself(conn: Connection, entries: list[dict]) -> int:
    seq = next(e["seq"] for e in entries if e["action"] == PRUNE)
    _delete(conn, seq)
    return 1  # without it the trail must start at 1, and 1-2 are gone


def _a_pruned_entry_put_back(conn: Connection, entries: list[dict], pruned: list[dict]) -> int:
    conn.execute(insert(audit_entry).values(**pruned[1]))
    return 2


@pytest.mark.parametrize(
    "tamper", [_first_after_the_checkpoint, _the_checkpoint_itself, _a_pruned_entry_put_back]
)
def test_tampering_after_a_pruning_is_found(aged, tamper) -> None:
    reg, clock, _ = aged
    pruned = _entries(reg)[:2]
    clock.set(dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    _retention_run(reg)
    entries = _entries(reg)
    with reg.engine.begin() as conn:
        drop_append_only(conn)
        if tamper is _a_pruned_entry_put_back:
            bad = tamper(conn, entries, pruned)
        else:
            bad = tamper(conn, entries)
    verdict = audit.verify_trail(reg)
    assert not verdict.ok and verdict.first_bad == bad, verdict


def test_the_database_refuses_deletes_outside_a_pruning(aged) -> None:
    reg, _, _ = aged
    for table in (audit_entry, audit_subject):
        with pytest.raises(Exception, match="append-only"), reg.engine.begin() as conn:
            conn.execute(delete(table))
    assert audit.verify_trail(reg).ok


def test_init_begins_the_trail_once(tmp_path: Path) -> None:
    """A new register's trail starts at init with a keyed entry; wiping it later is found."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REKISTERI_")}
    bin_ = str(Path(sys.executable).with_name("rekisteri"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [bin_, *args], cwd=tmp_path, env=env, text=True, capture_output=True, timeout=120
        )

    first = run("init")
    assert first.returncode == 0 and "audit trail begun" in first.stdout, first.stderr
    again = run("init")
    assert again.returncode == 0 and "audit trail begun" not in again.stdout
    enable_jobs(
        {
            "REKISTERI_DATABASE_URL": f"sqlite:///{tmp_path / 'rekisteri.db'}",
            "REKISTERI_KEY_FILE": str(tmp_path / "rekisteri.keys"),
        },
        system_actors.AUDIT_VERIFY,
    )
    verified = run("audit", "verify")
    # init's entry, and the administrator's enabling of the job's actor
    assert verified.returncode == 0 and "intact: 2 entries" in verified.stdout
