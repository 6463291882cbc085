"""Backups and restores keep the erasures (P14): a restore applies again every erasure and
retention run recorded after the backup was taken; the audit chain verifies after it; a
changed, cut or foreign-keyed backup is refused and restores nothing. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from rekisteri.adapters import db
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.register import contact_point, person
from rekisteri.adapters.schema.rights import erasure_journal
from rekisteri.config import Settings
from rekisteri.domain.change_words import say
from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.domain.register import Provenance
from rekisteri.services import erasure_journal as erasure_journal_service
from rekisteri.services.access import audit
from rekisteri.services.backups import copies
from rekisteri.services.rights import erasure, retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.people import EMAIL, make_customer
from tests.support.postgres import PostgresServer
from tests.support.registered import add_person, nth_hetu

ADMIN = Actor("admin.restore")
DPO = Actor("tietosuoja.dpo")


def _count(reg: RegisterApp, table, *where) -> int:  # type: ignore[no-untyped-def]
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def _erase(reg: RegisterApp, person_id: int) -> None:
    with reg.unit_of_work(DPO) as uow:
        prov = Provenance.of("customer_contact", uow.now(), "letter")
        erasure.erase_person(uow, person_id, prov, reason="asked by letter")


def _verified(reg: RegisterApp) -> None:
    verdict = audit.verify_trail(reg)
    assert verdict.ok, verdict


def _backup(reg: RegisterApp, tmp_path: Path, name: str = "register.backup") -> Path:
    out = tmp_path / name
    copies.take(reg, out, Actor("system:backup"))
    return out


@pytest.mark.proves("P14.erasure")
def test_a_restore_never_brings_back_a_person_erased_after_the_backup(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    customer = make_customer(register, ended_on=clock().date() - dt.timedelta(days=3 * 365))
    prospect = add_person(register, 1)
    stays = add_person(register, 2)
    backup = _backup(register, tmp_path)
    clock.advance(hours=1)
    _erase(register, prospect)  # nothing a law keeps: purged whole
    _erase(register, customer.person_id)  # contracts kept, restricted; contact points go
    assert _count(register, person, person.c.id == prospect) == 0
    live_end = _count(register, audit_entry)

    done = copies.restore(register, backup, ADMIN, replace=True)

    assert done.carried >= 2 and done.reapplied.erased == 2
    # The replaced register had its journal: only what no journal carries is left to redo.
    assert [w for w in done.warnings if "objections" in w]
    assert not [w for w in done.warnings if "no erasure journal" in w]
    assert _count(register, person, person.c.id == prospect) == 0
    assert _count(register, person, person.c.id == stays) == 1
    assert _count(register, contact_point, contact_point.c.person_id == customer.person_id) == 0
    with register.engine.connect() as conn:
        kept = conn.execute(select(person).where(person.c.id == customer.person_id)).one()
    assert kept.restricted
    _verified(register)
    # The trail says what happened: the restore, naming where the replaced trail ended, then
    # the erasures applied again.
    with register.engine.connect() as conn:
        whats = list(
            conn.execute(
                select(audit_entry.c.what).where(audit_entry.c.seq > done.header.audit_seq)
            ).scalars()
        )
    assert whats[0].startswith("restore of a backup") and f"ended at entry {live_end}" in whats[0]
    assert any("applied again after a restore" in w for w in whats[1:])
    # A second restore of the same backup (the journal entries are in the register now) still
    # erases them: the journal outlives restores.
    copies.restore(register, backup, ADMIN, replace=True)
    assert _count(register, person, person.c.id == prospect) == 0
    assert _count(register, contact_point, contact_point.c.person_id == customer.person_id) == 0
    _verified(register)


@pytest.mark.proves("P14.erasure")
def test_an_erasure_journalled_under_a_lower_id_than_the_backup_holds_is_applied_again(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    """PostgreSQL gives a journal entry its id at insert, not at commit: an erasure still
    running while a later one commits and the backup is taken ends up under an id lower than
    the backup's last, which the backup does not hold. The restore must still apply it."""
    prospect = add_person(register, 1)
    with register.engine.begin() as conn:  # the entry that committed before the backup
        conn.execute(
            erasure_journal.insert().values(
                id=50, at=clock(), kind="retention", run_day=clock().date()
            )
        )
    backup = _backup(register, tmp_path)
    assert copies.read_header(backup).journal_position == 50
    clock.advance(hours=1)
    _erase(register, prospect)  # the erasure that was still running: commits after the backup
    with register.engine.begin() as conn:
        late = sorted(
            conn.execute(select(erasure_journal.c.id).where(erasure_journal.c.id != 50)).scalars()
        )
        assert late  # its entries, renumbered below the backup's last as PostgreSQL gives them
        for n, old in enumerate(late):
            conn.execute(
                erasure_journal.update().where(erasure_journal.c.id == old).values(id=10 + n)
            )
    assert _count(register, person, person.c.id == prospect) == 0

    done = copies.restore(register, backup, ADMIN, replace=True)

    assert done.carried == len(late) and done.reapplied.erased == 1
    assert _count(register, person, person.c.id == prospect) == 0
    _verified(register)
    # A second restore of the same backup finds the carried entries and erases again.
    copies.restore(register, backup, ADMIN, replace=True)
    assert _count(register, person, person.c.id == prospect) == 0
    _verified(register)


def test_a_restore_applies_again_the_retention_runs_made_after_the_backup(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    c = make_customer(register, ended_on=dt.date(2025, 12, 31))
    backup = _backup(register, tmp_path)
    clock.advance(days=400)  # contact data is kept 12 months after the relationship ended
    with register.unit_of_work(Actor("system:retention")) as uow:
        retention.run(uow)
    assert _count(register, contact_point, contact_point.c.person_id == c.person_id) == 0

    done = copies.restore(register, backup, ADMIN, replace=True)

    assert done.reapplied.retention_runs == 1
    assert _count(register, contact_point, contact_point.c.person_id == c.person_id) == 0
    _verified(register)


def test_the_journal_holds_keyed_hashes_not_who_was_erased(register: RegisterApp) -> None:
    pid = add_person(register, 3)
    _erase(register, pid)
    with register.engine.connect() as conn:
        rows = conn.execute(select(erasure_journal)).all()
    assert {r.kind for r in rows} == {"erasure", "purge"}
    key = register.cipher.derived_key(erasure_journal_service.JOURNAL_KEY_INFO)
    for r in rows:
        # The keyed hash of the id: without the keyring, hashing ids does not find it.
        assert r.digest == erasure_journal_service.digest(key, pid)
        assert r.digest != hashlib.sha256(f"person {pid}".encode()).hexdigest()
        assert r.digest != erasure_journal_service.digest(b"\0" * 32, pid)


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_changed_or_cut_backup_is_refused_and_restores_nothing(
    register: RegisterApp, tmp_path: Path
) -> None:
    add_person(register, 1)
    backup = _backup(register, tmp_path)
    later = add_person(register, 2)
    size = backup.stat().st_size
    _flip(backup, size // 2)
    with pytest.raises(InvalidInput, match="does not verify"):
        copies.restore(register, backup, ADMIN, replace=True)
    backup.write_bytes(_backup(register, tmp_path, "again.backup").read_bytes()[: size // 2])
    with pytest.raises(InvalidInput, match="cut short"):
        copies.restore(register, backup, ADMIN, replace=True)
    assert _count(register, person, person.c.id == later) == 1
    _verified(register)


def test_a_backup_cannot_be_read_without_its_keyring(
    register: RegisterApp, settings: Settings, tmp_path: Path
) -> None:
    make_customer(register)
    backup = _backup(register, tmp_path)
    raw = backup.read_bytes()
    for plain in ("Meikäläinen".encode(), EMAIL.encode()):
        assert plain not in raw
    other = RegisterApp(register.engine, Cipher(Keyring.generate()), settings, register.clock)
    with pytest.raises(InvalidInput, match="another keyring"):
        copies.verify(other, backup)
    with pytest.raises(InvalidInput, match="another keyring"):
        copies.restore(other, backup, ADMIN, replace=True)


def test_a_register_that_holds_data_is_replaced_only_when_told(
    register: RegisterApp, tmp_path: Path
) -> None:
    add_person(register, 1)
    backup = _backup(register, tmp_path)
    later = add_person(register, 2)
    with pytest.raises(RuleViolation, match="--replace"):
        copies.restore(register, backup, ADMIN, replace=False)
    assert _count(register, person, person.c.id == later) == 1


@pytest.fixture
def empty_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second database of the same backend, never migrated: a new machine's."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'new.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('CREATE DATABASE "restore_target"'))
    try:
        yield server.url("restore_target")
    finally:
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "restore_target" WITH (FORCE)'))
        admin.dispose()


def test_a_backup_restores_into_a_new_empty_database(
    register: RegisterApp, settings: Settings, clock: FakeClock, empty_url: str, tmp_path: Path
) -> None:
    pid = add_person(register, 1)
    backup = _backup(register, tmp_path)
    engine = db.make_engine(empty_url)
    target = RegisterApp(
        engine,
        register.cipher,
        Settings(database_url=empty_url, secret_key=settings.secret_key, key_file=tmp_path / "k"),
        register.clock,
    )
    try:
        assert not copies.live_state(target).holds_data
        clock.advance(days=3, hours=5)  # the machine was lost, the backup is 3 days old
        done = copies.restore(target, backup, Actor("restore (keyring holder)"), replace=False)
        assert _count(target, person, person.c.id == pid) == 1
        # Nothing could be applied again, and the restore says so, with the backup's age.
        lost = [w for w in done.warnings if "no erasure journal" in w]
        assert len(lost) == 1 and "3 days 5 hours ago" in lost[0]
        assert done.header.taken_at in lost[0] and "DPO's records" in lost[0]
        _verified(target)
        if empty_url.startswith("sqlite"):
            assert (tmp_path / "new.db").stat().st_mode & 0o777 == 0o600
    finally:
        engine.dispose()


def test_a_backup_taken_while_persons_are_written_is_consistent(
    register: RegisterApp, settings: Settings, empty_url: str, tmp_path: Path
) -> None:
    """The register serves while the backup is taken: a writer adds persons all along (each
    with its audit entry), and the restored copy's audit chain, whose head must name its last
    entry, holds: the copy is one moment, not pages of several."""
    add_person(register, 0)
    stop, added, failed = threading.Event(), [], []

    def writer() -> None:
        try:
            for n in range(1, 800):  # each its own identity code
                if stop.is_set():
                    return
                added.append(add_person(register, n, hetu=nth_hetu(n)))
        except Exception as exc:  # the test says it, not a thread's warning
            failed.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(added) < 3 and not failed:  # writing has begun
            time.sleep(0.01)
        backup = _backup(register, tmp_path)
        written_during = len(added)
    finally:
        stop.set()
        thread.join(timeout=120)
    assert failed == []
    assert len(added) > 3 and written_during >= 3
    engine = db.make_engine(empty_url)
    target = RegisterApp(
        engine,
        register.cipher,
        Settings(database_url=empty_url, secret_key=settings.secret_key, key_file=tmp_path / "k"),
        register.clock,
    )
    try:
        copies.restore(target, backup, Actor("restore (keyring holder)"), replace=False)
        _verified(target)
        header = copies.read_header(backup)
        restored = _count(target, person)
        assert 1 + 3 <= restored <= 1 + len(added)
        # Every person in the copy has their entry in it, and no entry names one not there.
        with engine.connect() as conn:
            entries = conn.execute(
                select(func.count()).where(audit_entry.c.seq <= header.audit_seq)
            ).scalar_one()
        assert entries == header.audit_seq
    finally:
        engine.dispose()


def test_an_erasure_the_backup_does_not_allow_restricts_the_person_and_says_so(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    """The contract ended after the backup and the person was erased: the restored register
    has the contract in force (its end went with the restore), so the erasure cannot be done
    again as it was; the person is restricted and the restore names them for the DPO."""
    from rekisteri.domain.register import EndReason
    from rekisteri.services.register import customers

    c = make_customer(register)  # the contract at site B is in force
    backup = _backup(register, tmp_path)
    with register.unit_of_work(DPO) as uow:
        prov = Provenance.of("customer_contact", uow.now(), "letter")
        customers.end_contract(uow, c.contract_ids[1], clock().date(), EndReason.MOVED_OUT, prov)
    _erase(register, c.person_id)

    done = copies.restore(register, backup, ADMIN, replace=True)

    assert done.reapplied.erased == 0
    assert [n for n in done.reapplied.notes if f"person {c.person_id}:" in n]
    with register.engine.connect() as conn:
        kept = conn.execute(select(person).where(person.c.id == c.person_id)).one()
    assert kept.restricted
    assert say(kept.restricted_reason, "en", attribute="person.restricted").endswith(
        "the backup has a contract in force, so processing is restricted"
    )
    _verified(register)


def test_a_restore_whose_erasures_could_not_reach_the_archive_is_refused_before_replacing(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    """The register recorded a readings archive; a restore in a process that cannot reach it
    would replace the database and then fail to apply the journal's erasures to the archive,
    leaving the persons erased since the backup restored. It is refused first, nothing
    replaced."""
    from rekisteri.services.archive import sync as archive_sync

    prospect = add_person(register, 1)
    register.settings.archive_dir = tmp_path / "archive"
    with register.unit_of_work(Actor("system:archive")) as uow:
        archive_sync.sync(uow, archive_sync.required_archive(uow.settings))
    backup = _backup(register, tmp_path)
    clock.advance(hours=1)
    _erase(register, prospect)
    register.settings.archive_dir = None
    with pytest.raises(RuleViolation, match="REKISTERI_ARCHIVE_DIR is not set"):
        copies.restore(register, backup, ADMIN, replace=True)
    assert _count(register, person, person.c.id == prospect) == 0  # still the live register
    register.settings.archive_dir = tmp_path / "archive"
    done = copies.restore(register, backup, ADMIN, replace=True)
    assert done.reapplied.erased + done.reapplied.purged >= 1
    assert _count(register, person, person.c.id == prospect) == 0
