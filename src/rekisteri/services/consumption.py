"""A person's energy consumption: THE attribution every consumer of readings uses.

A person's readings are those of the metering points of the sites where they held a contract,
within their contract periods ([start_date, end_date) in Helsinki local dates). Customer service
views, the access and portability packages and the profiling aggregates all go through
`attributed_readings` (below), so the person who moved out never sees the next occupant's
readings, nor the other way round.

The contract periods (a handful of rows) are turned into UTC epoch ranges here with zoneinfo;
the readings themselves are selected and aggregated by the database, one primary-key range scan
per metering point and period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import polars as pl
from sqlalchemy import Select, case, func, literal, select, union_all
from sqlalchemy.sql.expression import ColumnElement

from rekisteri.adapters.reading_store import point_series
from rekisteri.adapters.schema.consumption import reading
from rekisteri.adapters.schema.register import contract, metering_point
from rekisteri.catalogue import Category
from rekisteri.domain.consumption import (
    HELSINKI,
    Period,
    Quality,
    clip,
    contract_period,
    merge_periods,
    offset_changes,
)
from rekisteri.services.unit_of_work import UnitOfWork

FAR = 253402300800  # 10000-01-01: an open contract runs on
EPOCH = dt.date(1970, 1, 1)
NIGHT_FROM, NIGHT_TO = 22, 7  # night 22-07 local time (yösähkö)
Granularity = Literal["day", "month", "year"]


class ConsumptionReading(NamedTuple):
    gsrn: str
    ts: dt.datetime  # interval start, aware UTC
    wh: int | None  # None: the meter sent no value (quality MISSING)
    quality: str  # Datahub's word: OK, ESTIMATED, MISSING, ...


@dataclass(frozen=True)
class ConsumptionTotal:
    period: str  # 2025-01-31 | 2025-01 | 2025, in Helsinki local time
    wh: int
    readings: int
    missing: int


@dataclass(frozen=True)
class ConsumptionSummary:
    start: dt.datetime
    end: dt.datetime
    by: Granularity
    totals: list[ConsumptionTotal]
    total_wh: int
    peak_hour: dt.datetime | None  # local start of the hour of the highest consumption
    peak_hour_wh: int | None
    night_share: float | None  # share of consumption 22-07 local time


def _epoch(when: dt.datetime | None, default: int) -> int:
    if when is None:
        return default
    if when.tzinfo is None:
        raise ValueError("naive datetime given as a consumption period bound")
    return int(when.timestamp())


def attribution_periods(
    uow: UnitOfWork, person_id: int, start: int = 0, end: int = FAR
) -> dict[int, list[Period]]:
    """Per site: the person's contract periods as UTC epoch ranges, merged and clipped."""
    per_site: dict[int, list[Period]] = defaultdict(list)
    rows = uow.execute(
        select(contract.c.site_id, contract.c.start_date, contract.c.end_date).where(
            contract.c.person_id == person_id
        )
    )
    for site_id, start_date, end_date in rows:
        per_site[int(site_id)].append(contract_period(start_date, end_date, FAR))
    window = Period(start, end)
    return {
        site: clipped
        for site, periods in per_site.items()
        if (clipped := clip(merge_periods(periods), window))
    }


def attributed_readings(
    uow: UnitOfWork, person_id: int, start: int = 0, end: int = FAR
) -> Select[Any] | None:
    """The person's readings as one SQL query (gsrn, ts, wh, quality, resolution); None when
    the person never held a contract. Everything that reads readings of a person builds on it."""
    parts = [
        select(
            metering_point.c.gsrn,
            reading.c.ts,
            reading.c.wh,
            reading.c.quality,
            reading.c.resolution,
        )
        .select_from(
            metering_point.join(reading, reading.c.metering_point_id == metering_point.c.id)
        )
        .where(metering_point.c.site_id == site_id, reading.c.ts >= p.start, reading.c.ts < p.end)
        for site_id, periods in sorted(attribution_periods(uow, person_id, start, end).items())
        for p in periods
    ]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return select(union_all(*parts).subquery())


READING_SCHEMA = {"gsrn": pl.Utf8, "ts": pl.Int64, "wh": pl.Int64, "quality": pl.Utf8}


def reading_frame_of(
    uow: UnitOfWork,
    person_id: int,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> pl.DataFrame:
    """The person's own readings in [start, end) as columns: gsrn, ts (interval start, UTC
    epoch seconds), wh (null: MISSING) and quality (Datahub's word), ordered by metering point
    and time. Packages, exports and views that handle many readings use this columnar form: six
    years of 15-minute readings is about 210,000 rows, too many for a Python object each."""
    uow.note_read([person_id], {Category.CONSUMPTION}, "consumption readings")
    lo, hi = _epoch(start, 0), _epoch(end, FAR)
    points = []
    for site_id, periods in attribution_periods(uow, person_id, lo, hi).items():
        rows = uow.execute(
            select(metering_point.c.id, metering_point.c.gsrn).where(
                metering_point.c.site_id == site_id
            )
        )
        points += [(str(gsrn), int(mp_id), p) for mp_id, gsrn in rows for p in periods]
    names = {int(q): q.name for q in Quality}
    frames = [
        point_series(uow.connection, mp_id, period.start, period.end).select(
            pl.lit(gsrn).alias("gsrn"),
            "ts",
            "wh",
            pl.col("quality").replace_strict(names, return_dtype=pl.Utf8),
        )
        for gsrn, mp_id, period in sorted(points, key=lambda x: (x[0], x[2].start))
    ]
    if not frames:
        return pl.DataFrame(schema=READING_SCHEMA)
    return pl.concat(frames).cast(READING_SCHEMA)  # type: ignore[arg-type]


def readings_of(
    uow: UnitOfWork,
    person_id: int,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[ConsumptionReading]:
    """The person's own readings in [start, end) as objects, for the few callers that want
    them one by one (small windows); built on `reading_frame_of`."""
    frame = reading_frame_of(uow, person_id, start, end)
    from_ts = dt.datetime.fromtimestamp
    return [ConsumptionReading(g, from_ts(t, dt.UTC), w, q) for g, t, w, q in frame.iter_rows()]


def _local_epoch(ts: Any, window: Period) -> ColumnElement[Any]:
    """UTC epoch seconds moved to Helsinki wall-clock seconds, by the offsets in force over the
    window (plain integer arithmetic, the same on both databases)."""
    changes = offset_changes(window)
    pairs = zip(changes[1:], changes, strict=False)
    whens = [(ts < at, literal(offset)) for (at, _), (_, offset) in pairs]
    offset = case(*whens, else_=literal(changes[-1][1])) if whens else literal(changes[0][1])
    moved: ColumnElement[Any] = ts + offset
    return moved


def summary(
    uow: UnitOfWork,
    person_id: int,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    by: Granularity = "month",
) -> ConsumptionSummary:
    """Totals by day, month or year (Helsinki time), the peak hour and the night share of the
    person's own consumption, computed by the database over the attributed readings."""
    uow.note_read([person_id], {Category.CONSUMPTION}, f"consumption summary by {by}")
    periods = [p for ps in attribution_periods(uow, person_id).values() for p in ps]
    lo = _epoch(start, min((p.start for p in periods), default=0))
    hi = _epoch(end, int(uow.now().timestamp()) + 86400)
    window = Period(lo, max(lo, hi))
    empty = ConsumptionSummary(
        dt.datetime.fromtimestamp(window.start, dt.UTC),
        dt.datetime.fromtimestamp(window.end, dt.UTC),
        by,
        [],
        0,
        None,
        None,
        None,
    )
    query = attributed_readings(uow, person_id, window.start, window.end)
    if query is None or window.start == window.end:
        return empty
    r = query.subquery()
    local = _local_epoch(r.c.ts, window)
    day = (local // 86400).label("day")
    missing = func.sum(case((r.c.quality == int(Quality.MISSING), 1), else_=0))
    daily = uow.execute(
        select(day, func.coalesce(func.sum(r.c.wh), 0), func.count(), missing)
        .group_by(day)
        .order_by(day)
    ).all()
    hour = (r.c.ts - r.c.ts % 3600).label("hour")
    hour_wh = func.sum(r.c.wh)
    peak = uow.execute(
        select(hour, hour_wh)
        .where(r.c.wh.is_not(None))
        .group_by(hour)
        .order_by(hour_wh.desc(), hour)
        .limit(1)
    ).first()
    local_hour = (local % 86400) // 3600
    night = case(((local_hour >= NIGHT_FROM) | (local_hour < NIGHT_TO), r.c.wh), else_=0)
    night_wh, all_wh = uow.execute(select(func.sum(night), func.sum(r.c.wh))).one()
    totals = _roll_up(daily, by)
    return ConsumptionSummary(
        empty.start,
        empty.end,
        by,
        totals,
        sum(t.wh for t in totals),
        dt.datetime.fromtimestamp(int(peak[0]), dt.UTC).astimezone(HELSINKI) if peak else None,
        int(peak[1]) if peak else None,
        (int(night_wh) / int(all_wh)) if all_wh else None,
    )


def _roll_up(daily: list[Any], by: Granularity) -> list[ConsumptionTotal]:
    """Daily sums from the database, labelled (and for months and years added up: at most a
    few thousand rows) by Helsinki calendar."""
    width = {"day": 10, "month": 7, "year": 4}[by]
    out: dict[str, list[int]] = {}
    for day, wh, count, missing in daily:
        key = (EPOCH + dt.timedelta(days=int(day))).isoformat()[:width]
        acc = out.setdefault(key, [0, 0, 0])
        acc[0] += int(wh)
        acc[1] += int(count)
        acc[2] += int(missing or 0)
    return [ConsumptionTotal(k, v[0], v[1], v[2]) for k, v in out.items()]
