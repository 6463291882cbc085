"""A person's energy consumption: THE attribution every consumer of readings uses.

A person's readings are those of the metering points of the sites where they held a contract,
within their contract periods ([start_date, end_date) in Helsinki local dates). Customer service
views, the access and portability packages and the profiling aggregates all go through
`attributed_points` (below), so the person who moved out never sees the next occupant's
readings, nor the other way round.

The contract periods (a handful of rows) are turned into UTC epoch ranges here with zoneinfo.
Readings are stored in day blocks (domain.reading_blocks): a period is one primary-key range
scan of its point's blocks, decoded by numpy; the aggregates are added up by the database from
those stored with each block.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import polars as pl
from sqlalchemy import and_, false, func, or_, select

from rekisteri.adapters.reading_store import FAR_DAY, day_of, point_series
from rekisteri.adapters.schema.consumption import reading_block
from rekisteri.adapters.schema.register import contract, metering_point
from rekisteri.catalogue import Category
from rekisteri.domain.consumption import (
    HELSINKI,
    READING_SCHEMA,
    Period,
    Quality,
    clip,
    contract_period,
    merge_periods,
)
from rekisteri.domain.reading_blocks import (
    EPOCH,
    NIGHT_FROM,
    NIGHT_TO,
    day_start,
    helsinki_offsets,
    local_day,
)
from rekisteri.services.unit_of_work import UnitOfWork

FAR = 253402300800  # 10000-01-01: an open contract runs on
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


class PointWindow(NamedTuple):
    """A metering point and one of the person's periods at it."""

    gsrn: str
    metering_point_id: int
    period: Period


def attributed_points(
    uow: UnitOfWork, person_id: int, start: int = 0, end: int = FAR
) -> list[PointWindow]:
    """THE attribution: the metering points of the person's sites, each with the person's
    contract periods there, ordered by point and time. Everything that reads a person's readings
    builds on it."""
    out = []
    for site_id, periods in attribution_periods(uow, person_id, start, end).items():
        rows = uow.execute(
            select(metering_point.c.id, metering_point.c.gsrn).where(
                metering_point.c.site_id == site_id
            )
        )
        out += [PointWindow(str(gsrn), int(mp_id), p) for mp_id, gsrn in rows for p in periods]
    return sorted(out, key=lambda w: (w.gsrn, w.period.start))


def reading_frame_of(
    uow: UnitOfWork,
    person_id: int,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    *,
    resolution: bool = False,
) -> pl.DataFrame:
    """The person's own readings in [start, end) as columns: gsrn, ts (interval start, UTC
    epoch seconds), wh (null: MISSING) and quality (Datahub's word), ordered by metering point
    and time; with `resolution`, also the interval's length in seconds. Packages, exports and
    views that handle many readings use this columnar form: six years of 15-minute readings is
    about 210,000 rows, too many for a Python object each."""
    names = {int(q): q.name for q in Quality}
    extra = ["resolution"] if resolution else []
    schema = pl.Schema([*READING_SCHEMA.items(), *((c, pl.Int64()) for c in extra)])
    frames = [
        point_series(
            uow.connection,
            w.metering_point_id,
            w.period.start,
            w.period.end,
            ("ts", "wh", "quality", *extra),
        ).select(
            pl.lit(w.gsrn).alias("gsrn"),
            "ts",
            "wh",
            pl.col("quality").replace_strict(names, return_dtype=pl.Utf8),
            *extra,
        )
        for w in attributed_points(uow, person_id, _epoch(start, 0), _epoch(end, FAR))
    ]
    found = pl.concat(frames).cast(schema) if frames else pl.DataFrame(schema=schema)
    # Noted only when readings were returned: an empty answer disclosed no consumption.
    if found.height:
        uow.note_read([person_id], {Category.CONSUMPTION}, "consumption readings")
    return found


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


def _whole_days(period: Period) -> tuple[int, int, list[Period]]:
    """The local days wholly inside the period (first, last; empty when first > last), and the
    parts of the period outside them (the edge blocks, decoded rather than summed)."""
    first, last = day_of(period.start), day_of(max(period.end - 1, 0))
    if day_start(first) < period.start:
        first += 1
    if last != FAR_DAY and day_start(last + 1) > period.end:
        last -= 1
    if first > last:
        return first, last, [period]
    edges = [Period(period.start, day_start(first))]
    if last != FAR_DAY:
        edges.append(Period(day_start(last + 1), period.end))
    return first, last, [e for e in edges if e.start < e.end]


def summary(
    uow: UnitOfWork,
    person_id: int,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    by: Granularity = "month",
) -> ConsumptionSummary:
    """Totals by day, month or year (Helsinki time), the peak hour and the night share of the
    person's own consumption. The database adds up the aggregates stored with each day block;
    only the blocks a window cuts (at most two per point and period) are decoded here. The
    read is noted when the summary holds readings (an empty one disclosed no consumption)."""
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
    windows = attributed_points(uow, person_id, window.start, window.end)
    if not windows or window.start == window.end:
        return empty
    b = reading_block.c
    whole, edges = [], []
    for w in windows:
        first, last, cut = _whole_days(w.period)
        if first <= last:
            whole.append(
                and_(b.metering_point_id == w.metering_point_id, b.day.between(first, last))
            )
        edges += [point_series(uow.connection, w.metering_point_id, e.start, e.end) for e in cut]
    where = or_(*whole) if whole else false()
    daily = {
        int(d): [int(wh), int(n), int(m)]
        for d, wh, n, m in uow.execute(
            select(b.day, func.sum(b.wh_sum), func.sum(b.readings), func.sum(b.missing))
            .where(where)
            .group_by(b.day)
        )
    }
    night_wh, all_wh = uow.execute(
        select(func.sum(b.night_wh), func.sum(b.wh_sum)).where(where)
    ).one()
    peaks = [
        (int(wh), int(at))
        for at, wh in uow.execute(
            select(b.peak_start, b.peak_wh)
            .where(where, b.peak_wh.is_not(None))
            .order_by(b.peak_wh.desc(), b.peak_start)
            .limit(1)
        )
    ]
    night, total = int(night_wh or 0), int(all_wh or 0)
    edge = pl.concat(edges) if edges else pl.DataFrame()
    if edge.height:
        for d, wh, n, m in _edge_days(edge).iter_rows():
            acc = daily.setdefault(int(d), [0, 0, 0])
            acc[0], acc[1], acc[2] = acc[0] + int(wh), acc[1] + int(n), acc[2] + int(m)
        night += _night_wh(edge)
        total += int(edge.get_column("wh").sum() or 0)
    if edge.height or _overlapping(windows):
        # Hours at several points at once (or cut blocks): the peak from the hourly sums.
        frames = (
            edges
            if not _overlapping(windows)
            else [
                point_series(uow.connection, w.metering_point_id, w.period.start, w.period.end)
                for w in windows
            ]
        )
        peaks = peaks if not _overlapping(windows) else []
        peaks += _hour_peak(pl.concat(frames))
    peak = min(((-wh, at) for wh, at in peaks), default=None)
    totals = _roll_up(sorted((d, *v) for d, v in daily.items()), by)
    if totals:
        uow.note_read([person_id], {Category.CONSUMPTION}, f"consumption summary by {by}")
    return ConsumptionSummary(
        empty.start,
        empty.end,
        by,
        totals,
        sum(t.wh for t in totals),
        dt.datetime.fromtimestamp(peak[1], dt.UTC).astimezone(HELSINKI) if peak else None,
        -peak[0] if peak else None,
        (night / total) if total else None,
    )


def _overlapping(windows: list[PointWindow]) -> bool:
    """Whether two different points' windows overlap in time (their hours add up)."""
    spans = sorted((w.period.start, w.period.end, w.metering_point_id) for w in windows)
    return any(b[0] < a[1] and a[2] != b[2] for i, a in enumerate(spans) for b in spans[i + 1 :])


def _edge_days(frame: pl.DataFrame) -> pl.DataFrame:
    day = local_day(frame.get_column("ts").to_numpy())
    return (
        frame.with_columns(pl.Series("day", day))
        .group_by("day")
        .agg(
            pl.col("wh").sum(),
            pl.len(),
            (pl.col("quality") == int(Quality.MISSING)).sum(),
        )
    )


def _night_wh(frame: pl.DataFrame) -> int:
    ts = frame.get_column("ts").to_numpy()
    hour = ((ts + helsinki_offsets(ts)) % 86400) // 3600
    wh = frame.get_column("wh").fill_null(0).to_numpy()
    return int(wh[(hour >= NIGHT_FROM) | (hour < NIGHT_TO)].sum())


def _hour_peak(frame: pl.DataFrame) -> list[tuple[int, int]]:
    hours = (
        frame.filter(pl.col("wh").is_not_null())
        .group_by((pl.col("ts") - pl.col("ts") % 3600).alias("hour"))
        .agg(pl.col("wh").sum())
        .sort(["wh", "hour"], descending=[True, False])
    )
    return [(int(hours.item(0, "wh")), int(hours.item(0, "hour")))] if hours.height else []


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


@dataclass(frozen=True)
class PointTotals:
    """One metering point's share of the person's consumption: its site and its totals."""

    site_id: int
    gsrn: str
    totals: list[ConsumptionTotal]


def totals_by_point(
    uow: UnitOfWork,
    person_id: int,
    start: dt.datetime,
    end: dt.datetime,
    by: Granularity = "month",
) -> list[PointTotals]:
    """The person's own consumption in [start, end) by day, month or year (Helsinki time), a
    list of totals per metering point, the point the person came to first first (the person
    page's chart draws a series per site, in the order the person lived there). As in
    `summary`, the database adds up the day blocks wholly inside a period and only the cut edge
    blocks are decoded. The read is noted when any totals were returned."""
    windows = attributed_points(uow, person_id, _epoch(start, 0), _epoch(end, FAR))
    b = reading_block.c
    out = []
    by_time = sorted(windows, key=lambda w: (w.period.start, w.gsrn))
    for point_id in dict.fromkeys(w.metering_point_id for w in by_time):
        mine = [w for w in windows if w.metering_point_id == point_id]
        whole, edges = [], []
        for w in mine:
            first, last, cut = _whole_days(w.period)
            if first <= last:
                whole.append(b.day.between(first, last))
            edges += [point_series(uow.connection, point_id, e.start, e.end) for e in cut]
        daily: dict[int, list[int]] = {}
        if whole:
            daily = {
                int(d): [int(wh), int(n), int(m)]
                for d, wh, n, m in uow.execute(
                    select(b.day, func.sum(b.wh_sum), func.sum(b.readings), func.sum(b.missing))
                    .where(b.metering_point_id == point_id, or_(*whole))
                    .group_by(b.day)
                )
            }
        edge = pl.concat(edges) if edges else pl.DataFrame()
        if edge.height:
            for d, wh, n, m in _edge_days(edge).iter_rows():
                acc = daily.setdefault(int(d), [0, 0, 0])
                acc[0], acc[1], acc[2] = acc[0] + int(wh or 0), acc[1] + int(n), acc[2] + int(m)
        totals = _roll_up(sorted((d, *v) for d, v in daily.items()), by)
        if totals:
            site_id = uow.execute(
                select(metering_point.c.site_id).where(metering_point.c.id == point_id)
            ).scalar_one()
            out.append(PointTotals(int(site_id), mine[0].gsrn, totals))
    if out:
        uow.note_read([person_id], {Category.CONSUMPTION}, f"consumption by metering point by {by}")
    return out
