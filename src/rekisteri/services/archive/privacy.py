"""Privacy reaches the archive: erasure, retention and the access package.

- Erasure (`erase_periods`): the readings of the persons' contract periods (as the register
  knows them now, and as the archive's own periods file recorded them) leave every month they
  fall in, and the persons' periods leave the periods file; each file is rewritten and swapped
  in whole. The archive's lock is held until the erasure's transaction ends, so no sync copies
  back readings the transaction is deleting. Done inside the erasure, not after its commit: a
  process that dies after the commit must not leave the readings in the archive.
- Retention (`drop_before`): months wholly before the cutoff go; the month it cuts is
  rewritten without the days before it.
- Access (`archived_readings_of`): the person's archived readings of their own periods, read
  in process with pyarrow and polars (no cluster: a Spark session takes seconds to start).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from rekisteri.adapters.archive.parquet import Archive
from rekisteri.catalogue import Category
from rekisteri.domain.consumption import READING_SCHEMA, Period, Quality, local_midnight
from rekisteri.services.archive import location
from rekisteri.services.archive.sync import month_days
from rekisteri.services.consumption.attribution import attributed_points
from rekisteri.services.unit_of_work import UnitOfWork


def hold(uow: UnitOfWork) -> None:
    """Take the archive's lock for the rest of the unit of work, before it touches the
    readings in the database: a sync takes the lock first and the database after, so every
    writer must, or the two wait on each other (PostgreSQL cannot see the file lock)."""
    archive = location.in_use(uow)
    if archive is not None:
        location.held_for(uow, archive)


def erase_periods(uow: UnitOfWork, person_ids: list[int], ranges: list[tuple[int, Period]]) -> int:
    """Erase the persons' periods from the archive: `ranges` (metering point, period) are their
    periods as the register knows them; those the archive recorded are added. Returns the
    readings removed."""
    archive = location.in_use(uow)
    if archive is None:
        return 0
    location.held_for(uow, archive)
    periods = archive.read_periods()
    theirs = pc.is_in(periods.column("person_id"), pa.array(person_ids, pa.int64()))
    recorded = periods.filter(theirs)
    by_point: dict[int, list[Period]] = defaultdict(list)
    for mp, period in ranges:
        by_point[mp].append(period)
    for mp, lo, hi in zip(
        recorded.column("metering_point_id").to_pylist(),
        recorded.column("start_ts").to_pylist(),
        recorded.column("end_ts").to_pylist(),
        strict=True,
    ):
        by_point[int(mp)].append(Period(int(lo), int(hi)))
    removed = 0
    rewritten = []
    if by_point:
        for month in archive.months():
            gone = _without(archive, month, by_point)
            removed += gone
            if gone:
                rewritten.append(month)
    if rewritten:
        # Should the erasure roll back, the database still holds what the months lost: the
        # next sync must write them again, not find their fingerprints current.
        manifest = archive.manifest()
        for month in rewritten:
            entry = manifest.get("months", {}).get(month)
            if entry is not None:
                entry["fingerprint"] = None
        archive.save_manifest(manifest)
    if recorded.num_rows:
        archive.write_periods(periods.filter(pc.invert(theirs)))
    return removed


def _month_period(month: str) -> Period:
    lo, hi = month_days(month)
    first = dt.date(1970, 1, 1) + dt.timedelta(days=lo)
    last = dt.date(1970, 1, 1) + dt.timedelta(days=hi)
    return Period(local_midnight(first), local_midnight(last))


def _without(archive: Archive, month: str, by_point: dict[int, list[Period]]) -> int:
    """Rewrite the month without the readings of these points in these periods."""
    span = _month_period(month)
    touching = {
        mp: ps
        for mp, ps in by_point.items()
        if any(p.start < span.end and span.start < p.end for p in ps)
    }
    if not touching:
        return 0
    table = archive.read_month(month)
    point = table.column("metering_point_id").to_numpy().astype(np.int64)
    ts = table.column("ts").to_numpy()
    gone = np.zeros(table.num_rows, bool)
    for mp, ps in touching.items():
        at = point == mp
        for p in ps:
            gone |= at & (ts >= p.start) & (ts < p.end)
    if not gone.any():
        return 0
    archive.write_month(month, table.filter(pa.array(~gone)))
    return int(gone.sum())


def drop_before(uow: UnitOfWork, cutoff: dt.date, dry_run: bool) -> int:
    """Archived readings of the Helsinki days before `cutoff` (P14); returns how many."""
    archive = location.in_use(uow)
    if archive is None:
        return 0
    if not dry_run:
        location.held_for(uow, archive)
    cut = local_midnight(cutoff)
    count = 0
    manifest = archive.manifest()
    for month in archive.months():
        span = _month_period(month)
        if span.start >= cut:
            break
        table = archive.read_month(month)
        old = pc.less(table.column("ts"), cut)
        n = int(pc.sum(old).as_py() or 0)
        count += n
        if dry_run or not n:
            continue
        if span.end <= cut:
            archive.drop_month(month)
            manifest["months"].pop(month, None)
        else:
            archive.write_month(month, table.filter(pc.invert(old)))
    if not dry_run and count:
        archive.save_manifest(manifest)
    return count


def archived_readings_of(uow: UnitOfWork, person_id: int) -> pl.DataFrame:
    """The person's archived readings of their own periods: gsrn, ts, wh, quality (Datahub's
    word), resolution; ordered by point and time. Noted as a read when any are found."""
    names = {int(q): q.name for q in Quality}
    schema = pl.Schema([*READING_SCHEMA.items(), ("resolution", pl.Int64())])
    archive = location.in_use(uow)
    if archive is None:
        return pl.DataFrame(schema=schema)
    windows = attributed_points(uow, person_id)
    points = sorted({w.metering_point_id for w in windows})
    frames = []
    for month in archive.months() if points else []:
        span = _month_period(month)
        if not any(w.period.start < span.end and span.start < w.period.end for w in windows):
            continue
        frame = pl.from_arrow(archive.read_month(month, points))
        assert isinstance(frame, pl.DataFrame)
        inside = pl.lit(False)
        for w in windows:
            inside = inside | (
                (pl.col("metering_point_id") == w.metering_point_id)
                & (pl.col("ts") >= w.period.start)
                & (pl.col("ts") < w.period.end)
            )
        frames.append(frame.filter(inside))
    if not frames:
        return pl.DataFrame(schema=schema)
    found = (
        pl.concat(frames)
        .select(
            "gsrn",
            "ts",
            "wh",
            pl.col("quality").cast(pl.Int64).replace_strict(names, return_dtype=pl.Utf8),
            "resolution",
        )
        .cast(schema)
        .sort(["gsrn", "ts"])
    )
    if found.height:
        uow.note_read([person_id], {Category.CONSUMPTION}, "archived consumption readings")
    return found
