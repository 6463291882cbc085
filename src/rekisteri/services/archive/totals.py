"""`archive totals`: the consumption job on the archive's engine, its results to the register.

The job (adapters/archive/spark_jobs) adds up the archived readings by person, metering point
and Helsinki month, with the register's attribution, and finds each person's peak hour. Its
results replace those of the previous run in consumption_month and consumption_peak: segments
on measured consumption (P6; services/marketing/segments) and the person's own package read
them. A person who objected to profiling is left out of those segments where segments are
evaluated, as for every rule.

Runs under the archive's lock, as a sync and an erasure do: an erasure waits for the job rather
than having its person's totals written back after it. A person the archive still names but
the register no longer holds (purged since the last sync rewrote the periods) and a restricted
person get no rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Table, delete, insert, select

from rekisteri.adapters.archive.parquet import Archive
from rekisteri.adapters.archive.spark_jobs import PeakHour, PointMonth
from rekisteri.adapters.schema.consumption import consumption_month, consumption_peak
from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Category
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.archive import location
from rekisteri.services.unit_of_work import UnitOfWork

Job = Callable[[Archive], tuple[list[PointMonth], list[PeakHour]]]
CHUNK = 5000


@dataclass
class TotalsResult:
    persons: int = 0  # persons with totals
    months: int = 0  # rows of (person, metering point, month)
    peaks: int = 0
    left_out: list[int] = field(default_factory=list)  # archive's persons the register lacks


def spark_job(master: str) -> Job:
    """The consumption job on the Spark master `master` (the setting REKISTERI_SPARK_MASTER)."""

    def run(archive: Archive) -> tuple[list[PointMonth], list[PeakHour]]:
        from rekisteri.adapters.archive import spark_jobs

        return spark_jobs.consumption_totals(spark_jobs.session(master), archive.root)

    return run


def compute(uow: UnitOfWork, job: Job) -> TotalsResult:
    archive = location.in_use(uow)
    if archive is None or location.recorded_root(uow) is None:
        raise InvalidInput(
            "REKISTERI_ARCHIVE_DIR", "the register has no readings archive yet: run archive sync"
        )
    location.held_for(uow, archive)
    months, peaks = job(archive)
    named = {m.person_id for m in months} | {p.person_id for p in peaks}
    held = _held_persons(uow, named)
    result = TotalsResult(left_out=sorted(named - held))
    at = uow.now()
    # Whose earlier totals this run replaces or removes: their data changes too.
    before = set(uow.execute(select(consumption_month.c.person_id).distinct()).scalars())
    before |= set(uow.execute(select(consumption_peak.c.person_id)).scalars())
    uow.execute(delete(consumption_month))
    uow.execute(delete(consumption_peak))
    rows = [
        {
            "person_id": m.person_id,
            "metering_point_id": m.metering_point_id,
            "gsrn": m.gsrn,
            "month": dt.date.fromisoformat(f"{m.month}-01"),
            "wh": m.wh,
            "readings": m.readings,
            "missing": m.missing,
            "night_wh": m.night_wh,
            "computed_at": at,
        }
        for m in months
        if m.person_id in held
    ]
    _insert(uow, consumption_month, rows)
    tops = [
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
    """Of the archive's persons, those the register holds and has not restricted."""
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
