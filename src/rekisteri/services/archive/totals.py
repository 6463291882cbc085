"""`archive totals`: the consumption job on the archive's engine, its results to the register.

The job (adapters/archive/spark_jobs) adds up the archived readings by person, metering point
and Helsinki month, with the register's attribution, and finds each person's peak hour. Its
results replace those of the previous run in consumption_month and consumption_peak: segments
on measured consumption (P6; services/marketing/segments), the person page and the person's
own package read them. A person who objected to profiling is left out of those segments where
segments are evaluated, as for every rule.

The job reads the archive as the last sync wrote it, so it runs only on a current archive: its
contract periods must be the register's (a late move-out, a contract corrected to another
person, a restriction) and each month's readings those the database holds; otherwise it is
refused until `archive sync` has run. The check is made again before the results are written,
so contracts changed during the run are not attributed by the old periods.

The archive's lock is held from the first check to the commit, so no sync, erasure or
retention run changes the files under the job (an erasure waits for it). No database
transaction is open while the job runs: on SQLite a writer would hold the one write lock for
the job's minutes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Table, delete, insert, select

from rekisteri.adapters.archive.parquet import Archive
from rekisteri.adapters.archive.spark_jobs import PeakHour, PointMonth
from rekisteri.adapters.schema.consumption import consumption_month, consumption_peak
from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Category
from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.services.archive import location
from rekisteri.services.archive import sync as archive_sync
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork

Job = Callable[[Archive], tuple[list[PointMonth], list[PeakHour]]]
CHUNK = 5000
RUN_SYNC = "run archive sync first"


@dataclass
class TotalsResult:
    persons: int = 0  # persons with totals
    months: int = 0  # rows of (person, metering point, month)
    peaks: int = 0
    left_out: list[int] = field(default_factory=list)  # the job's persons the register lacks


# local, local[N], local[*]; spark://host:port (a standalone cluster, or several masters).
MASTER = re.compile(
    r"local(\[([1-9][0-9]{0,3}|\*)\])?"
    r"|spark://[A-Za-z0-9.-]{1,253}:[0-9]{1,5}(,[A-Za-z0-9.-]{1,253}:[0-9]{1,5})*",
    re.ASCII,
)


def spark_job(master: str) -> Job:
    """The consumption job on the Spark master `master` (the setting REKISTERI_SPARK_MASTER)."""
    if not MASTER.fullmatch(master):
        raise InvalidInput("master", f"{master[:80]!r} is not local, local[N] or spark://host:port")

    def run(archive: Archive) -> tuple[list[PointMonth], list[PeakHour]]:
        try:
            from rekisteri.adapters.archive import spark_jobs

            spark = spark_jobs.session(master)
        except ImportError:
            raise RuleViolation(
                "PySpark is not installed where this runs (pip install 'rekisteri[spark]', and "
                "a Java 17 runtime)"
            ) from None
        except Exception as exc:  # Py4J/Spark: no Java, an unreachable master
            raise RuleViolation(f"Spark could not start on {master}: {str(exc)[:300]}") from None
        try:
            return spark_jobs.consumption_totals(spark, archive.root)
        finally:
            spark.stop()  # the job's executors go back to the cluster; a local JVM ends

    return run


def compute(reg: RegisterApp, actor: Actor, job: Job) -> TotalsResult:
    with reg.unit_of_work(actor) as uow:
        archive = location.in_use(uow)
        if archive is None or location.recorded_root(uow) is None:
            raise InvalidInput(
                "REKISTERI_ARCHIVE_DIR", f"the register has no readings archive yet: {RUN_SYNC}"
            )
    lock = archive.lock()
    lock.acquire()
    try:
        with reg.unit_of_work(actor) as uow:
            # What a writer that died left (a staged month, an undo set) is settled first.
            archive.clean_staging()
            location.settle(uow, archive)
            _current(uow, archive)
        months, peaks = job(archive)
        with reg.unit_of_work(actor) as uow:
            _current(uow, archive)
            return _write_back(uow, months, peaks)
    finally:
        lock.release()


def _current(uow: UnitOfWork, archive: Archive) -> None:
    """Refuse an archive whose periods or months are not the register's."""
    if not archive.read_periods().equals(archive_sync.period_table(uow)):
        raise RuleViolation(
            f"the archive's contract periods are not the register's current ones: {RUN_SYNC}"
        )
    written = archive.manifest().get("months", {})
    for month, fingerprint in archive_sync.fingerprints(uow).items():
        entry = written.get(month)
        if entry is None or entry["fingerprint"] != fingerprint:
            raise RuleViolation(f"the readings of {month} changed since the archive's: {RUN_SYNC}")


def _write_back(uow: UnitOfWork, months: list[PointMonth], peaks: list[PeakHour]) -> TotalsResult:
    named = {m.person_id for m in months} | {p.person_id for p in peaks}
    held = _held_persons(uow, named)
    result = TotalsResult(left_out=sorted(named - held))
    if named:
        what = "archived readings read by the consumption job"
        uow.note_read(sorted(named), {Category.CONSUMPTION}, what)
    at = uow.now()
    # Whose earlier totals this run replaces or removes: their data changes too.
    before = set(uow.execute(select(consumption_month.c.person_id).distinct()).scalars())
    before |= set(uow.execute(select(consumption_peak.c.person_id)).scalars())
    uow.execute(delete(consumption_month))
    uow.execute(delete(consumption_peak))
    rows: list[dict[str, object]] = [
        {
            "person_id": m.person_id,
            "metering_point_id": m.metering_point_id,
            "gsrn": m.gsrn,
            "month": dt.date.fromisoformat(f"{m.month}-01"),
            "wh": m.wh,
            "readings": m.readings,
            "missing": m.missing,
            "night_wh": m.night_wh,
            "peak_start": (
                None if m.peak_start is None else dt.datetime.fromtimestamp(m.peak_start, dt.UTC)
            ),
            "peak_wh": m.peak_wh,
            "computed_at": at,
        }
        for m in months
        if m.person_id in held
    ]
    _insert(uow, consumption_month, rows)
    tops: list[dict[str, object]] = [
        {
            "person_id": p.person_id,
            "hour_start": dt.datetime.fromtimestamp(p.start, dt.UTC),
            "wh": p.wh,
            "computed_at": at,
        }
        for p in peaks
        if p.person_id in held
    ]
    _insert(uow, consumption_peak, tops)
    result.persons = len({r["person_id"] for r in rows})
    result.months, result.peaks = len(rows), len(tops)
    changed = held | {int(p) for p in before}
    if changed:
        what = "consumption totals from the archive"
        uow.note_change(sorted(changed), {Category.CONSUMPTION}, what)
    return result


def _insert(uow: UnitOfWork, table: Table, rows: list[dict[str, object]]) -> None:
    for i in range(0, len(rows), CHUNK):
        uow.execute(insert(table), rows[i : i + CHUNK])


def _held_persons(uow: UnitOfWork, ids: Iterable[int]) -> set[int]:
    """Of the job's persons, those the register holds and has not restricted (a guard: a
    current archive names no one else)."""
    found: set[int] = set()
    wanted = sorted(ids)
    for i in range(0, len(wanted), CHUNK):
        found |= {
            int(p)
            for p in uow.execute(
                select(person.c.id).where(
                    person.c.id.in_(wanted[i : i + CHUNK]), person.c.restricted.is_(False)
                )
            ).scalars()
        }
    return found
