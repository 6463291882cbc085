"""The readings archive (docs/archive.md): written from the day blocks month by month, again
only where something changed; months past the database's window kept in the archive alone and
still in the access package; erasure and retention reaching every file of it."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import threading
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from rekisteri.adapters.archive.parquet import Archive, scan
from rekisteri.adapters.schema.consumption import reading_block, reading_correction
from rekisteri.adapters.schema.register import metering_point, person
from rekisteri.domain.consumption import HELSINKI, local_midnight
from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.domain.register import Provenance
from rekisteri.services.archive import sync as archive_sync
from rekisteri.services.archive.location import _Held
from rekisteri.services.rights import erasure, package, retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.consumption import (
    new_contract,
    new_customer,
    new_gsrn,
    new_site,
    readings,
    run_import,
    stored,
    write,
)

DAYS = 48  # 2024-12-20 .. 2025-02-05, three Helsinki months
START = dt.datetime(2024, 12, 20, tzinfo=HELSINKI)
MOVE = dt.date(2025, 1, 15)


def _setup(register: RegisterApp, tmp_path: Path) -> dict[str, Any]:
    """A mover held point A until MOVE and point B (hourly) from MOVE to February; someone
    else moved into A. Readings at both points for DAYS days, some of them missing."""
    a, b = new_gsrn(), new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        site_a, site_b = new_site(uow, a), new_site(uow, b)
        mover, next_occupant = new_customer(uow), new_customer(uow)
        new_contract(uow, mover, site_a, dt.date(2024, 11, 1), MOVE)
        new_contract(uow, mover, site_b, MOVE, dt.date(2025, 2, 1))
        new_contract(uow, next_occupant, site_a, MOVE)
        ids = dict(uow.execute(select(metering_point.c.gsrn, metering_point.c.id)).all())
    start = START.astimezone(dt.UTC)
    quarter = readings(a, start, DAYS * 96, wh=lambda i: None if i % 97 == 5 else 50 + i % 40)
    hourly = readings(b, start, DAYS * 24, resolution=3600, wh=lambda i: 300 + i % 17)
    run_import(register, write(tmp_path / "a.csv", quarter))
    run_import(register, write(tmp_path / "b.csv", hourly))
    register.settings.archive_dir = tmp_path / "archive"
    return {"mover": mover, "next": next_occupant, "a": ids[a], "b": ids[b]}


def _sync(register: RegisterApp) -> archive_sync.SyncResult:
    with register.unit_of_work(Actor("system:archive")) as uow:
        return archive_sync.sync(uow, archive_sync.required_archive(uow.settings))


def _archived(register: RegisterApp) -> set[tuple[Any, ...]]:
    archive = archive_sync.required_archive(register.settings)
    out = set()
    for month in archive.months():
        t = archive.read_month(month)
        cols = [t.column(c).to_pylist() for c in archive_sync.COLUMNS]
        out |= set(zip(*cols, strict=True))
    return out


def _in_db(register: RegisterApp) -> set[tuple[Any, ...]]:
    return {r[:5] for r in stored(register)}


def test_sync_writes_each_month_once_and_again_only_what_changed(
    register: RegisterApp, tmp_path: Path
) -> None:
    _setup(register, tmp_path)
    first = _sync(register)
    assert first.written == ["2024-12", "2025-01", "2025-02"]
    assert first.periods == 3  # mover at A and at B, the next occupant at A
    assert _archived(register) == _in_db(register)
    assert first.readings == len(_in_db(register)) == DAYS * (96 + 24)
    archive = archive_sync.required_archive(register.settings)
    files = {p: p.stat().st_mtime_ns for p in archive.files() if p.suffix == ".parquet"}
    # Columnar encoding for meter data: zstd, time and Wh delta-encoded.
    meta = pq.ParquetFile(archive.month_file("2025-01")).metadata.row_group(0)
    by_name = {meta.column(i).path_in_schema: meta.column(i) for i in range(meta.num_columns)}
    assert by_name["ts"].compression == "ZSTD"
    assert "DELTA_BINARY_PACKED" in by_name["ts"].encodings
    assert "DELTA_BINARY_PACKED" in by_name["wh"].encodings

    again = _sync(register)
    assert (again.written, again.unchanged, again.periods) == ([], 3, None)
    assert {p: p.stat().st_mtime_ns for p in files} == files  # nothing rewritten

    # A correction of one January day: only January is written again.
    point = next(k for k, v in _setup_ids(register).items() if v)
    fix = readings(point, dt.datetime(2025, 1, 19, 22, tzinfo=dt.UTC), 96, wh=lambda i: 999)
    run_import(register, write(tmp_path / "fix.csv", fix))
    third = _sync(register)
    assert third.written == ["2025-01"]
    assert _archived(register) == _in_db(register)
    assert any(r[2] == 999 for r in _archived(register))


def _setup_ids(register: RegisterApp) -> dict[str, bool]:
    """GSRN -> whether it is the quarter-hour point."""
    with register.reading(Actor("test")) as uow:
        rows = uow.execute(
            select(metering_point.c.gsrn, func.min(reading_block.c.resolution))
            .join(reading_block, reading_block.c.metering_point_id == metering_point.c.id)
            .group_by(metering_point.c.gsrn)
        ).all()
    return {str(g): int(r) == 900 for g, r in rows}


def _package_readings(register: RegisterApp, person_id: int) -> set[tuple[Any, ...]]:
    with register.reading(Actor("test")) as uow:
        return set(package.readings_of(uow, person_id).iter_rows())


def test_months_past_the_database_window_stay_in_the_archive_and_in_the_package(
    register: RegisterApp, tmp_path: Path, clock: FakeClock
) -> None:
    ids = _setup(register, tmp_path)
    before = _package_readings(register, ids["mover"])
    assert before
    with register.reading(Actor("test")) as uow:
        monthly = package.build(uow, ids["mover"]).monthly
    everything = _in_db(register)
    register.settings.db_reading_months = 1
    clock.set(dt.datetime(2025, 2, 20, 12, tzinfo=dt.UTC))
    done = _sync(register)
    assert done.trimmed == ["2024-12", "2025-01"]
    with register.reading(Actor("test")) as uow:
        first_day = uow.execute(select(func.min(reading_block.c.day))).scalar_one()
    assert dt.date(1970, 1, 1) + dt.timedelta(days=first_day) == dt.date(2025, 2, 1)
    assert _archived(register) == everything
    assert _package_readings(register, ids["mover"]) == before
    with register.reading(Actor("test")) as uow:
        assert package.build(uow, ids["mover"]).monthly == monthly
    # A late correction of a trimmed month is merged into the archive, block by block.
    gsrn = next(g for g, quarter in _setup_ids(register).items() if not quarter)
    fix = readings(gsrn, dt.datetime(2025, 1, 19, 22, tzinfo=dt.UTC), 24, 3600, lambda i: 7)
    run_import(register, write(tmp_path / "late.csv", fix))
    fixed = set(fix.get_column("ts").to_list())
    replaced = {r[1]: r[2] for r in everything if r[0] == ids["b"] and r[1] in fixed}
    merged = _sync(register)
    assert merged.written == ["2025-01"] and merged.trimmed == ["2025-01"]
    after = _archived(register)
    assert len(after) == len(everything)
    assert sum(1 for r in after if r[2] == 7 and r[0] == ids["b"]) == 24
    # The archived values it replaced are kept as corrections (P12), as the import keeps those
    # of months the database holds, and the person's package shows them.
    assert merged.corrections == 24
    assert _corrections(register, ids["b"]) == {(ts, wh, None) for ts, wh in replaced.items()}
    with register.reading(Actor("test")) as uow:
        shown = next(
            s for s in package.build(uow, ids["mover"]).sections if s.key == "reading_correction"
        )
    assert {r["old_kwh"] for r in shown.rows} >= {wh / 1000 for wh in replaced.values()}
    # A correction of one hour replaces that reading only: the day's other 23 stay.
    one = readings(gsrn, dt.datetime(2025, 1, 20, 3, tzinfo=dt.UTC), 1, 3600, lambda i: 11)
    run_import(register, write(tmp_path / "one.csv", one))
    again_done = _sync(register)
    assert again_done.written == ["2025-01"] and again_done.corrections == 1
    assert (one.get_column("ts")[0], 7, None) in _corrections(register, ids["b"])
    again = _archived(register)
    assert len(again) == len(everything)
    assert sum(1 for r in again if r[2] == 11 and r[0] == ids["b"]) == 1
    assert sum(1 for r in again if r[2] == 7 and r[0] == ids["b"]) == 23
    assert _sync(register).corrections == 0  # nothing new: nothing recorded twice


def _corrections(register: RegisterApp, point: int) -> set[tuple[int, int | None, int | None]]:
    rc = reading_correction.c
    with register.engine.connect() as conn:
        rows = conn.execute(
            select(rc.ts, rc.wh, rc.file_id).where(rc.metering_point_id == point)
        ).all()
    return {(int(ts), wh, file_id) for ts, wh, file_id in rows}


@pytest.mark.proves("P14.erasure")
def test_an_erasure_leaves_no_reading_of_the_periods_nor_the_periods_in_any_archive_file(
    register: RegisterApp, tmp_path: Path, clock: FakeClock
) -> None:
    ids = _setup(register, tmp_path)
    register.settings.db_reading_months = 1
    clock.set(dt.datetime(2025, 2, 20, 12, tzinfo=dt.UTC))
    _sync(register)  # December and January now in the archive alone
    mover = ids["mover"]
    at_a = (ids["a"], local_midnight(dt.date(2024, 11, 1)), local_midnight(MOVE))
    at_b = (ids["b"], local_midnight(MOVE), local_midnight(dt.date(2025, 2, 1)))
    theirs_before = _theirs(_archived(register), at_a, at_b)
    assert theirs_before
    others_before = _archived(register) - theirs_before
    with register.unit_of_work(Actor("tietosuoja.dpo")) as uow:
        erasure.erase_person(
            uow, mover, Provenance.of("customer_contact", uow.now()), reason="asked"
        )
    archive = Archive(tmp_path / "archive")
    _nothing_of(archive, mover, at_a, at_b)
    assert _archived(register) == others_before
    _sync(register)  # a sync after it brings nothing of theirs back
    _nothing_of(archive, mover, at_a, at_b)
    assert _archived(register) == others_before


def test_a_process_that_cannot_reach_the_recorded_archive_refuses_and_changes_nothing(
    register: RegisterApp, tmp_path: Path, clock: FakeClock
) -> None:
    """The first sync records where the archive is. An erasure, a retention run or an access
    package in a process whose REKISTERI_ARCHIVE_DIR is unset, names another directory or
    cannot reach the recorded one refuses, naming why, and erases nothing (it would otherwise
    report the readings gone while the archive keeps them); a sync elsewhere is refused."""
    ids = _setup(register, tmp_path)
    register.settings.db_reading_months = 1
    clock.set(dt.datetime(2025, 2, 20, 12, tzinfo=dt.UTC))
    _sync(register)
    archived, in_db = _archived(register), _in_db(register)
    mover = ids["mover"]
    recorded = str((tmp_path / "archive").resolve())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    moved = tmp_path / "moved"

    def erase() -> None:
        with register.unit_of_work(Actor("tietosuoja.dpo")) as uow:
            erasure.erase_person(
                uow, mover, Provenance.of("customer_contact", uow.now()), reason="asked"
            )

    def run_retention() -> None:
        with register.unit_of_work(Actor("retention")) as uow:
            retention.run(uow)

    def preview_retention() -> None:
        with register.unit_of_work(Actor("retention")) as uow:
            retention.run(uow, dry_run=True)

    def build_package() -> None:
        with register.reading(Actor("tietosuoja.dpo")) as uow:
            package.build(uow, mover, lang="fi")

    for setting, why in (
        (None, "is not set in this process"),
        (elsewhere, f"names {elsewhere.resolve()}"),
    ):
        register.settings.archive_dir = setting
        for attempt in (erase, run_retention, preview_retention, build_package):
            with pytest.raises(RuleViolation, match=f"archive is at {recorded}.*{why}"):
                attempt()
    (tmp_path / "archive").rename(moved)  # the recorded directory is gone (not mounted)
    register.settings.archive_dir = tmp_path / "archive"
    with pytest.raises(RuleViolation, match="cannot be reached from this process"):
        erase()
    moved.rename(tmp_path / "archive")
    assert (_archived(register), _in_db(register)) == (archived, in_db)
    with register.reading(Actor("test")) as uow:
        assert uow.execute(select(person.c.id).where(person.c.id == mover)).first() is not None
    register.settings.archive_dir = elsewhere
    with pytest.raises(InvalidInput, match=f"archive is at {recorded}"):
        _sync(register)
    assert [p.name for p in elsewhere.rglob("*")] == ["_lock"]  # the lock it waited on, no data


def test_an_erasure_rolled_back_puts_the_archive_back_even_for_months_kept_there_only(
    register: RegisterApp, tmp_path: Path, clock: FakeClock
) -> None:
    """The erasure rewrites the archive's months inside its transaction (a process that dies
    after the commit must not leave the readings there); when the transaction rolls back,
    the files it replaced are put back: a month the database no longer holds would otherwise
    lose its readings, the erasure undone but the readings gone."""
    ids = _setup(register, tmp_path)
    register.settings.db_reading_months = 1
    clock.set(dt.datetime(2025, 2, 20, 12, tzinfo=dt.UTC))
    _sync(register)  # December and January in the archive alone
    everything = _archived(register)
    archive = Archive(tmp_path / "archive")
    # A sync killed mid-write left a month in staging: the erasure clears it with the rest.
    archive.staging.mkdir(parents=True, exist_ok=True)
    left = archive.staging / "killed.parquet"
    left.write_bytes(archive.month_file("2025-01").read_bytes())
    with pytest.raises(RuntimeError), register.unit_of_work(Actor("tietosuoja.dpo")) as uow:
        erasure.erase_person(
            uow, ids["mover"], Provenance.of("customer_contact", uow.now()), reason="asked"
        )
        assert not left.exists()
        assert _archived(register) < everything  # the archive's months were rewritten
        raise RuntimeError("the erasure fails after the archive was rewritten")
    assert _archived(register) == everything
    assert archive.undo_tokens() == []
    assert _sync(register).written == []  # nothing to write again: the files are as they were
    # The same erasure committed: the undo set goes with the commit, nothing of it is left.
    with register.unit_of_work(Actor("tietosuoja.dpo")) as uow:
        erasure.erase_person(
            uow, ids["mover"], Provenance.of("customer_contact", uow.now()), reason="asked"
        )
    assert _archived(register) < everything
    assert archive.undo_tokens() == []


def _kill_during_erasure(register: RegisterApp, mover: int, commit: bool) -> None:
    """An erasure whose process dies after rewriting the archive: before the commit (its
    transaction rolls back, its hooks never run) or just after it."""
    with contextlib.suppress(SystemExit), register.unit_of_work(Actor("tietosuoja.dpo")) as uow:
        erasure.erase_person(
            uow, mover, Provenance.of("customer_contact", uow.now()), reason="asked"
        )
        # A process that dies runs none of its hooks; the kernel drops its lock (flock), so
        # only the lock's release is kept here.
        uow.after_commit[:] = [h for h in uow.after_commit if isinstance(h, _Held)]
        uow.after_rollback[:] = [h for h in uow.after_rollback if isinstance(h, _Held)]
        if not commit:
            raise SystemExit("killed")


@pytest.mark.parametrize("committed", [False, True])
def test_a_rewrite_left_by_a_dead_process_is_finished_by_the_next_lock_holder(
    register: RegisterApp, tmp_path: Path, clock: FakeClock, committed: bool
) -> None:
    """A process killed between rewriting the archive and finishing its transaction leaves an
    undo set: the next holder of the lock puts it back when the transaction never committed,
    and deletes it (with the erased readings it holds) when it did."""
    ids = _setup(register, tmp_path)
    register.settings.db_reading_months = 1
    clock.set(dt.datetime(2025, 2, 20, 12, tzinfo=dt.UTC))
    _sync(register)
    everything = _archived(register)
    archive = Archive(tmp_path / "archive")
    _kill_during_erasure(register, ids["mover"], committed)
    # The lock died with the process (flock); the undo set is still there.
    assert len(archive.undo_tokens()) == 1
    _sync(register)  # the next holder of the lock
    assert archive.undo_tokens() == []
    if committed:
        assert _archived(register) < everything
        at_a = (ids["a"], local_midnight(dt.date(2024, 11, 1)), local_midnight(MOVE))
        at_b = (ids["b"], local_midnight(MOVE), local_midnight(dt.date(2025, 2, 1)))
        _nothing_of(archive, ids["mover"], at_a, at_b)
    else:
        assert _archived(register) == everything


def _nothing_of(archive: Archive, mover: int, *periods: tuple[int, int, int]) -> None:
    """Every file of the archive read whole: no reading of the periods, no period."""
    seen = 0
    for table in scan(archive.files()):
        seen += table.num_rows
        rows = table.to_pylist()
        if "ts" in table.column_names:
            assert not _theirs({(r["metering_point_id"], r["ts"]) for r in rows}, *periods)
        else:
            assert all(r["person_id"] != mover for r in rows)
            spans = {(r["metering_point_id"], r["start_ts"], r["end_ts"]) for r in rows}
            assert not spans & set(periods)
    for path in archive.files():
        if path.suffix != ".parquet":  # the manifest and the lock name no person
            assert str(mover) not in path.read_text(encoding="utf-8").split('"')
    assert seen


def _theirs(rows: set[tuple[Any, ...]], *periods: tuple[int, int, int]) -> set[tuple[Any, ...]]:
    return {r for r in rows for mp, lo, hi in periods if r[0] == mp and lo <= r[1] < hi}


@pytest.mark.proves("P14.kept.readings")
def test_the_retention_run_drops_archived_readings_past_their_period(
    register: RegisterApp, tmp_path: Path, clock: FakeClock
) -> None:
    _setup(register, tmp_path)
    _sync(register)
    everything = _archived(register)
    # 72 months after 2025-01-10: the readings before that Helsinki day go.
    clock.set(dt.datetime(2031, 1, 10, 12, tzinfo=dt.UTC))
    cut = local_midnight(dt.date(2025, 1, 10))
    old = {r for r in everything if r[1] < cut}
    with register.unit_of_work(Actor("test")) as uow:
        planned = retention.run(uow, dry_run=True)
    assert planned.counts["archived readings past their period"] == len(old)
    assert _archived(register) == everything
    with register.unit_of_work(Actor("test")) as uow:
        done = retention.run(uow)
    assert done.counts["archived readings past their period"] == len(old)
    archive = archive_sync.required_archive(register.settings)
    assert archive.months() == ["2025-01", "2025-02"]
    assert _archived(register) == everything - old


def _locked(lock: Path) -> bool:
    """Whether someone holds the flock of this file (a new open file is a new holder)."""
    with lock.open("a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
        return False


def test_a_run_holds_the_archives_lock_before_readings_leave_the_database(
    register: RegisterApp, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sync's order (the lock, then the database): a run has the lock before it deletes
    the first reading, so a sync cannot copy back what it is deleting. A preview deletes
    nothing and never takes it (a sync is not held up by the DPO's look)."""
    from rekisteri.services.consumption import retention as reading_retention

    _setup(register, tmp_path)
    _sync(register)
    held: list[bool] = []
    purge_before = reading_retention.purge_before

    def purge_watched(uow: Any, cut: dt.date, dry_run: bool) -> int:
        held.append(_locked(tmp_path / "archive" / "_lock"))
        return purge_before(uow, cut, dry_run)

    monkeypatch.setattr(reading_retention, "purge_before", purge_watched)
    clock.set(dt.datetime(2031, 1, 10, 12, tzinfo=dt.UTC))
    with register.unit_of_work(Actor("test")) as uow:
        retention.run(uow, dry_run=True)
        assert not _locked(tmp_path / "archive" / "_lock")  # nor later in the preview
    with register.unit_of_work(Actor("test")) as uow:
        retention.run(uow)
    assert held == [False, True]


def _waiting_on(lock: Path) -> bool:
    """Whether some process or thread waits for the flock of this file (/proc/locks lists
    waiters with `->`)."""
    inode = f":{lock.stat().st_ino} "
    lines = Path("/proc/locks").read_text(encoding="utf-8").splitlines()
    return any("->" in line and "FLOCK" in line and inode in line for line in lines)


def test_a_sync_during_an_erasure_waits_and_brings_none_of_it_back(
    register: RegisterApp, tmp_path: Path
) -> None:
    """The erasure holds the archive's lock until its transaction ends: a sync started
    meanwhile waits, then reads the database without the erased readings (red without the
    lock: the sync copies back what the open transaction is deleting)."""
    ids = _setup(register, tmp_path)
    _sync(register)
    at_a = (ids["a"], local_midnight(dt.date(2024, 11, 1)), local_midnight(MOVE))
    at_b = (ids["b"], local_midnight(MOVE), local_midnight(dt.date(2025, 2, 1)))
    # Changes elsewhere, so the sync has months to write: the next occupant's February.
    point = next(g for g, quarter in _setup_ids(register).items() if quarter)
    later = readings(point, dt.datetime(2025, 2, 2, 22, tzinfo=dt.UTC), 96, wh=lambda i: 5)
    run_import(register, write(tmp_path / "later.csv", later))
    failures: list[BaseException] = []

    def sync_meanwhile() -> None:
        try:
            _sync(register)
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)

    syncing = threading.Thread(target=sync_meanwhile)
    with register.unit_of_work(Actor("tietosuoja.dpo")) as uow:
        erasure.erase_person(
            uow, ids["mover"], Provenance.of("customer_contact", uow.now()), reason="asked"
        )
        syncing.start()
        while syncing.is_alive() and not _waiting_on(tmp_path / "archive" / "_lock"):
            pass
    syncing.join()
    assert not failures, failures
    _nothing_of(Archive(tmp_path / "archive"), ids["mover"], at_a, at_b)
    assert any(r[2] == 5 for r in _archived(register))  # the sync did write February


def test_the_register_records_one_archive_only(register: RegisterApp, tmp_path: Path) -> None:
    """The recorded directory is one row (id 1, checked by the database): two first syncs to
    different directories at once cannot both be recorded."""
    from sqlalchemy.exc import IntegrityError

    from rekisteri.adapters.schema.consumption import reading_archive

    _setup(register, tmp_path)
    _sync(register)
    for row_id in (1, 2):
        with pytest.raises(IntegrityError), register.engine.begin() as conn:
            conn.execute(
                reading_archive.insert().values(
                    id=row_id,
                    root="/elsewhere",
                    recorded_at=dt.datetime.now(dt.UTC),
                    recorded_by="x",
                )
            )
