"""`archive sync`: the readings of the day blocks to the archive, month by month.

Incremental and idempotent: each month's fingerprint (counts, sums and the files of its
blocks, added up by the database) is kept in the archive's manifest, and only a month whose
fingerprint changed (new readings, corrections) is written again. A month is written whole from
the database while the database holds it whole; a month the database no longer holds
(`REKISTERI_DB_READING_MONTHS`: older months are kept in the archive only) gets later readings
merged in, reading by reading, and the archived readings such a late correction replaces are
kept in reading_correction (P12) as the import keeps those of months the database holds. The
person-to-point periods are rewritten from the contracts when they changed; those of
restricted persons (an erasure keeps their contracts, restricted) are left out.

Runs under the archive's lock until its unit of work ends, the files it replaces kept in an
undo set until then (services/archive/location.held_for): an erasure holds the lock the same
way, so a sync never reads readings an erasure is removing, and a sync killed before its
commit leaves the archive as it was.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
from sqlalchemy import delete, func, select

from rekisteri.adapters.archive.parquet import PERIOD_SCHEMA, Archive
from rekisteri.adapters.reading_store import Store, blocks_frame, day_number, next_month
from rekisteri.adapters.schema.consumption import reading_block, reading_correction
from rekisteri.adapters.schema.register import contract, metering_point, person
from rekisteri.catalogue import Category
from rekisteri.config import Settings
from rekisteri.domain.consumption import Period, contract_period, merge_periods
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.reading_blocks import EPOCH
from rekisteri.domain.requests import add_months
from rekisteri.services.archive import location
from rekisteri.services.consumption.attribution import FAR
from rekisteri.services.unit_of_work import UnitOfWork

COLUMNS = ("metering_point_id", "ts", "wh", "quality", "resolution")


@dataclass
class SyncResult:
    written: list[str] = field(default_factory=list)  # months written (YYYY-MM)
    unchanged: int = 0  # months whose archive file was already current
    readings: int = 0  # readings in the months written
    periods: int | None = None  # periods written; None: unchanged
    trimmed: list[str] = field(default_factory=list)  # months now kept in the archive only
    corrections: int = 0  # archived readings a later file replaced (to reading_correction)


def archive_of(settings: Settings) -> Archive | None:
    return None if settings.archive_dir is None else Archive(Path(settings.archive_dir))


def required_archive(settings: Settings) -> Archive:
    found = archive_of(settings)
    if found is None:
        raise InvalidInput(
            "REKISTERI_ARCHIVE_DIR", "is not set: the archive's directory is needed to sync"
        )
    return found


def month_of(day: int) -> str:
    return f"{EPOCH + dt.timedelta(days=day):%Y-%m}"


def month_days(month: str) -> tuple[int, int]:
    """The first local day of the month and the first of the next."""
    first = dt.date.fromisoformat(f"{month}-01")
    return day_number(first), day_number(next_month(first))


def sync(uow: UnitOfWork, archive: Archive) -> SyncResult:
    result = SyncResult()
    # Held until the unit of work ends, the month files it replaces kept until then: a sync
    # killed before its commit is undone whole (its trims and its corrections roll back too).
    location.held_for(uow, archive)
    location.record(uow, archive)
    manifest = archive.manifest()
    months: dict[str, dict[str, object]] = manifest.setdefault("months", {})
    for month, fingerprint in fingerprints(uow).items():
        entry = months.get(month)
        if entry is not None and entry["fingerprint"] == fingerprint:
            result.unchanged += 1
            continue
        trimmed = bool(entry and entry.get("trimmed"))
        frame = _month_blocks(uow, month)
        table = month_readings(uow, frame)
        if trimmed:
            archived = archive.read_month(month)
            result.corrections += _record_corrections(uow, archived, frame)
            table = _merged(archived, table)
        archive.write_month(month, table)
        months[month] = {"fingerprint": fingerprint, "trimmed": trimmed}
        archive.save_manifest(manifest)
        result.written.append(month)
        result.readings += table.num_rows
    periods = period_table(uow)
    if not archive.read_periods().equals(periods):
        archive.write_periods(periods)
        result.periods = periods.num_rows
    result.trimmed = _trim(uow, archive, manifest)
    if result.written or result.periods is not None:
        persons = sorted(set(periods.column("person_id").to_pylist()))
        uow.note_read(persons, {Category.CONSUMPTION}, "readings and contract periods archived")
    return result


def fingerprints(uow: UnitOfWork) -> dict[str, list[int]]:
    """Per month held in the database: blocks, readings, Wh, missing, and the files the
    blocks came from (a correction comes in a new file, so it changes the sum)."""
    b = reading_block.c
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for day, *sums in uow.execute(
        select(
            b.day,
            func.count(),
            func.sum(b.readings),
            func.sum(b.wh_sum),
            func.sum(b.missing),
            func.sum(b.file_id),
        ).group_by(b.day)
    ):
        acc = out[month_of(int(day))]
        for i, value in enumerate(sums):
            acc[i] += int(value or 0)
    return dict(sorted(out.items()))


def _month_blocks(uow: UnitOfWork, month: str) -> pl.DataFrame:
    """The month's readings the database holds, with the file of each (one read of the
    blocks: the archive's month and the corrections both come from it)."""
    lo, hi = month_days(month)
    return blocks_frame(Store(uow.connection).fetch("day >= ? AND day < ?", [lo, hi]))


def month_readings(uow: UnitOfWork, blocks: pl.DataFrame) -> pa.Table:
    """The month's readings from its day blocks (`_month_blocks`), with each point's GSRN."""
    frame = blocks.select(COLUMNS)
    gsrns = dict(
        uow.execute(
            select(metering_point.c.id, metering_point.c.gsrn).where(
                metering_point.c.id.in_(frame.get_column("metering_point_id").unique().to_list())
            )
        ).all()
    )
    points = frame.get_column("metering_point_id").to_list()
    table = frame.to_arrow()
    return table.append_column("gsrn", pa.array([gsrns.get(p) for p in points], pa.string()))


def _merged(archived: pa.Table, fresh: pa.Table) -> pa.Table:
    """The archived month with the database's readings in place of the archived ones of the
    same point, time and resolution. Reading by reading, not block by block: a correction of
    a month kept in the archive only comes as a block holding just the corrected slots, and
    the day's other readings must stay."""
    if fresh.num_rows == 0:
        return archived
    keys = ["metering_point_id", "ts", "resolution"]
    old = pl.from_arrow(archived)
    new = pl.from_arrow(fresh)
    assert isinstance(old, pl.DataFrame) and isinstance(new, pl.DataFrame)
    kept = old.join(new.select(keys), on=keys, how="anti").to_arrow()
    return pa.concat_tables(
        [kept.cast(archived.schema), fresh.select(archived.column_names).cast(archived.schema)]
    )


def _record_corrections(uow: UnitOfWork, archived: pa.Table, fresh: pl.DataFrame) -> int:
    """A month kept in the archive only that a later file corrects: the archived readings the
    correction replaces go to reading_correction with their old value (P12), as the import
    records them for a month the database holds. The archive keeps no file per reading, so
    the replaced reading's file is left empty; the replacing file is the block's."""
    if fresh.height == 0 or archived.num_rows == 0:
        return 0
    keys = ["metering_point_id", "ts", "resolution"]
    whole = pl.from_arrow(archived.select([*keys, "wh", "quality"]))
    assert isinstance(whole, pl.DataFrame)
    as_int = [pl.col(c).cast(pl.Int64) for c in (*keys, "wh", "quality")]
    old = whole.select(as_int)
    new = fresh.select([*as_int, pl.col("file_id").cast(pl.Int64)])
    replaced = old.join(new, on=keys, how="inner", suffix="_new").filter(
        pl.col("wh").ne_missing(pl.col("wh_new")) | (pl.col("quality") != pl.col("quality_new"))
    )
    if replaced.height == 0:
        return 0
    now = uow.now()
    uow.execute(
        reading_correction.insert(),
        [
            {
                "metering_point_id": r["metering_point_id"],
                "ts": r["ts"],
                "wh": r["wh"],
                "quality": r["quality"],
                "resolution": r["resolution"],
                "file_id": None,
                "replaced_by_file_id": r["file_id"],
                "replaced_at": now,
            }
            for r in replaced.iter_rows(named=True)
        ],
    )
    return replaced.height


def period_table(uow: UnitOfWork) -> pa.Table:
    """Every person's contract periods at each metering point (merged per person and site),
    but those of restricted persons."""
    per_site: dict[tuple[int, int], list[Period]] = defaultdict(list)
    rows = uow.execute(
        select(contract.c.person_id, contract.c.site_id, contract.c.start_date, contract.c.end_date)
        .join(person, person.c.id == contract.c.person_id)
        .where(person.c.restricted.is_(False))
    )
    for pid, site, start, end in rows:
        per_site[int(pid), int(site)].append(contract_period(start, end, FAR))
    points: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for mp, site, gsrn in uow.execute(
        select(metering_point.c.id, metering_point.c.site_id, metering_point.c.gsrn)
    ):
        points[int(site)].append((int(mp), str(gsrn)))
    out: dict[str, list[object]] = {n: [] for n in PERIOD_SCHEMA.names}
    for (pid, site), periods in sorted(per_site.items()):
        for p in merge_periods(periods):
            for mp, gsrn in points.get(site, []):
                for name, value in zip(
                    PERIOD_SCHEMA.names, (pid, mp, gsrn, p.start, p.end), strict=True
                ):
                    out[name].append(value)
    return pa.table(out, schema=PERIOD_SCHEMA).sort_by(
        [("metering_point_id", "ascending"), ("start_ts", "ascending")]
    )


def _trim(uow: UnitOfWork, archive: Archive, manifest: dict[str, object]) -> list[str]:
    """Months before the database's window, now current in the archive, leave the database
    (the setting REKISTERI_DB_READING_MONTHS; unset: the database keeps every month)."""
    keep = uow.settings.db_reading_months
    if keep is None:
        return []
    today = uow.today()
    cut = f"{add_months(dt.date(today.year, today.month, 1), 1 - keep):%Y-%m}"
    months = manifest["months"]
    assert isinstance(months, dict)
    trimmed = []
    for month, entry in sorted(months.items()):
        if month >= cut or not _held(uow, month):
            continue
        lo, hi = month_days(month)
        b = reading_block.c
        uow.execute(delete(reading_block).where(b.day >= lo, b.day < hi))
        entry["trimmed"] = True
        trimmed.append(month)
    if trimmed:
        archive.save_manifest(manifest)
    return trimmed


def _held(uow: UnitOfWork, month: str) -> bool:
    """Whether the database still holds blocks of the month."""
    lo, hi = month_days(month)
    b = reading_block.c
    found = uow.execute(select(b.day).where(b.day >= lo, b.day < hi).limit(1)).first()
    return found is not None
