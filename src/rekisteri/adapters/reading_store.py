"""Readings in blocks (domain.reading_blocks), written and read the fastest way each database
offers, inside the caller's transaction (so a killed import leaves nothing behind).

A file's readings are grouped into day blocks per chunk. Blocks no one stored before are bulk
loaded (SQLite: executemany in primary-key order; PostgreSQL: binary COPY). A block already
stored (an earlier chunk of this file or an earlier file) is read, merged slot by slot and
written back: a different value from an earlier file is a correction (the old value goes to
reading_correction), a different value from this same file is a bad row (StatedTwice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Connection

from rekisteri.adapters.db import sqlite_cache_pragma
from rekisteri.adapters.schema.consumption import reading_correction
from rekisteri.domain.reading_blocks import (
    ABSENT,
    EPOCH,
    NO_VALUE,
    Blocks,
    Ints,
    aggregates,
    block_files,
    blocks_of,
    empty_blocks,
    pack,
    unpack,
)

COLUMNS = ("metering_point_id", "ts", "wh", "quality", "resolution")
BLOCK_COLUMNS = (
    "metering_point_id", "day", "resolution", "start_ts", "slots", "wh", "quality", "file_id",
    "slot_files", "readings", "missing", "wh_sum", "night_wh", "peak_start", "peak_wh",
)  # fmt: skip
_PG_TYPES = (
    "int4", "int4", "int2", "int8", "int2", "bytea", "bytea", "int4",
    "bytea", "int2", "int2", "int8", "int8", "int8", "int8",
)  # fmt: skip
FRAME_COLUMNS = ("metering_point_id", "ts", "wh", "quality", "resolution", "file_id")
_READ = "metering_point_id, day, resolution, start_ts, wh, quality, file_id, slot_files"
FAR_DAY = 2**31 - 1


class StatedTwice(Exception):
    """This file states the reading of (point id, ts) twice with different values."""

    def __init__(self, point: int, ts: int) -> None:
        super().__init__(point, ts)
        self.point, self.ts = point, ts


def day_of(epoch: int) -> int:
    """The Helsinki day number of an epoch; far future epochs (open periods) give FAR_DAY."""
    if epoch >= 10**11:
        return FAR_DAY
    return (
        dt.datetime.fromtimestamp(max(epoch, 0), dt.UTC).astimezone(_helsinki()).date() - EPOCH
    ).days


def _helsinki() -> dt.tzinfo:
    from rekisteri.domain.consumption import HELSINKI

    return HELSINKI


class Store:
    """Block reads and writes over the driver connection of a SQLAlchemy connection."""

    def __init__(self, connection: Connection) -> None:
        self.conn = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.raw: Any = connection.connection.driver_connection
        self.partitions: set[str] | None = None

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def fetch(self, where: str, params: Sequence[Any]) -> Blocks:
        """Stored blocks matching `where` (placeholders ?), ordered by the primary key."""
        sql = self._sql(
            f"SELECT {_READ} FROM reading_block WHERE {where} "  # noqa: S608
            "ORDER BY metering_point_id, day, resolution"
        )
        if self.postgres:
            with self.raw.cursor(binary=True) as cur:
                rows = cur.execute(sql, params).fetchall()
        else:
            rows = self.raw.execute(sql, params).fetchall()
        if not rows:
            return empty_blocks()
        cols = list(zip(*rows, strict=True))
        return unpack(
            np.array(cols[0], np.int64),
            np.array(cols[1], np.int64),
            np.array(cols[2], np.int64),
            np.array(cols[3], np.int64),
            [bytes(b) for b in cols[4]],
            [bytes(b) for b in cols[5]],
            [int(f) for f in cols[6]],
            [None if b is None else bytes(b) for b in cols[7]],
        )

    def fetch_points(self, points: Sequence[int], first_day: int, last_day: int) -> Blocks:
        parts = []
        for i in range(0, len(points), 500):
            part = [int(p) for p in points[i : i + 500]]
            marks = ", ".join("?" * len(part))
            parts.append(
                self.fetch(
                    f"metering_point_id IN ({marks}) AND day >= ? AND day <= ?",
                    [*part, first_day, last_day],
                )
            )
        if len(parts) == 1:
            return parts[0]
        return _concat(parts)

    @staticmethod
    def rows(blocks: Blocks) -> list[tuple[Any, ...]]:
        agg = aggregates(blocks)
        files, _ = block_files(blocks)
        packed = pack(blocks)
        peak = agg.peak_start >= 0
        return [
            (
                p,
                d,
                r,
                s,
                n,
                wh,
                q,
                f,
                sf,
                c,
                m,
                total,
                night,
                ps if has else None,
                pw if has else None,
            )
            for p, d, r, s, n, (wh, q, sf), f, c, m, total, night, ps, pw, has in zip(
                blocks.point.tolist(),
                blocks.day.tolist(),
                blocks.resolution.tolist(),
                blocks.start.tolist(),
                blocks.slots.tolist(),
                packed,
                files.tolist(),
                agg.readings.tolist(),
                agg.missing.tolist(),
                agg.wh_sum.tolist(),
                agg.night_wh.tolist(),
                agg.peak_start.tolist(),
                agg.peak_wh.tolist(),
                peak.tolist(),
                strict=True,
            )
        ]

    def insert(self, blocks: Blocks) -> None:
        if len(blocks) == 0:
            return
        rows = self.rows(blocks)
        if self.postgres:
            self.ensure_partitions(int(blocks.day.min()), int(blocks.day.max()))
            with (
                self.raw.cursor() as cur,
                cur.copy(
                    f"COPY reading_block ({', '.join(BLOCK_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
                ) as copy,
            ):
                copy.set_types(_PG_TYPES)
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(BLOCK_COLUMNS))
            self.raw.executemany(
                f"INSERT INTO reading_block ({', '.join(BLOCK_COLUMNS)}) VALUES ({marks})",  # noqa: S608
                rows,
            )

    def replace(self, blocks: Blocks) -> None:
        """Write changed blocks back; a block left without readings goes."""
        if len(blocks) == 0:
            return
        rows = self.rows(blocks)
        keep = [(*r[5:], r[0], r[1], r[2]) for r in rows if r[9] > 0]
        gone = [(r[0], r[1], r[2]) for r in rows if r[9] == 0]
        key = "WHERE metering_point_id = ? AND day = ? AND resolution = ?"
        cur = self.raw.cursor()
        try:
            if keep:
                sets = ", ".join(f"{c} = ?" for c in BLOCK_COLUMNS[5:])
                cur.executemany(self._sql(f"UPDATE reading_block SET {sets} {key}"), keep)  # noqa: S608
            if gone:
                cur.executemany(self._sql(f"DELETE FROM reading_block {key}"), gone)  # noqa: S608
        finally:
            cur.close()

    def ensure_partitions(self, first_day: int, last_day: int) -> None:
        """Monthly partitions (Helsinki months) for these days, made on demand inside the
        caller's transaction: created and attached (attaching locks out no readers)."""
        if self.partitions is None:
            self.partitions = {
                str(n)
                for (n,) in self.conn.exec_driver_sql(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = 'reading_block'::regclass"
                )
            }
        for month in months_between(first_day, last_day):
            name = partition_name(month)
            if name in self.partitions:
                continue
            lo, hi = day_number(month), day_number(next_month(month))
            self.conn.exec_driver_sql(
                f"CREATE TABLE IF NOT EXISTS {name} (LIKE reading_block INCLUDING DEFAULTS)"
            )
            self.conn.exec_driver_sql(
                f"ALTER TABLE {name} ADD CONSTRAINT {name}_pkey "
                "PRIMARY KEY (metering_point_id, day, resolution)"
            )
            self.conn.exec_driver_sql(
                f"ALTER TABLE reading_block ATTACH PARTITION {name} "
                f"FOR VALUES FROM ({lo}) TO ({hi})"
            )
            self.partitions.add(name)


def _concat(parts: Sequence[Blocks]) -> Blocks:
    return Blocks(
        *(np.concatenate([getattr(b, f) for b in parts]) for f in Blocks.__dataclass_fields__)
    )


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def months_between(first_day: int, last_day: int) -> list[dt.date]:
    """The first dates of the months that local days first_day..last_day fall in."""
    d = EPOCH + dt.timedelta(days=first_day)
    month = dt.date(d.year, d.month, 1)
    out = []
    while day_number(month) <= last_day:
        out.append(month)
        month = next_month(month)
    return out


def next_month(month: dt.date) -> dt.date:
    return (
        dt.date(month.year + 1, 1, 1)
        if month.month == 12
        else dt.date(month.year, month.month + 1, 1)
    )


def partition_name(month: dt.date) -> str:
    return f"reading_block_{month:y%Ym%m}"


class ReadingWriter:
    """Writes one file's readings, chunk by chunk, within one transaction."""

    def __init__(self, connection: Connection, file_id: int, now: dt.datetime) -> None:
        self.store = Store(connection)
        self.conn = connection
        self.file_id = file_id
        self.now = now
        self.new = 0
        self.corrected = 0
        if not self.store.postgres:
            # A big page cache keeps the primary-key b-tree in memory during the load.
            connection.exec_driver_sql(sqlite_cache_pragma())

    def write(self, frame: pl.DataFrame) -> None:
        """Store a chunk (columns COLUMNS); raises StatedTwice."""
        frame = frame.select(COLUMNS).sort("metering_point_id", "ts")
        point = frame.get_column("metering_point_id").to_numpy().astype(np.int64)
        ts = frame.get_column("ts").to_numpy().astype(np.int64)
        wh = frame.get_column("wh").fill_null(NO_VALUE).to_numpy().astype(np.int64)
        quality = frame.get_column("quality").to_numpy().astype(np.int64)
        res = frame.get_column("resolution").to_numpy().astype(np.int64)
        twice = (point[1:] == point[:-1]) & (ts[1:] == ts[:-1])
        if twice.any():
            differ = twice & ((wh[1:] != wh[:-1]) | (quality[1:] != quality[:-1]))
            if differ.any():
                i = int(np.flatnonzero(differ)[0]) + 1
                raise StatedTwice(int(point[i]), int(ts[i]))
            keep = np.concatenate([[True], ~twice])
            point, ts, wh, quality, res = (a[keep] for a in (point, ts, wh, quality, res))
        incoming = blocks_of(point, ts, wh, quality, res, self.file_id)
        stored = self.store.fetch_points(
            np.unique(incoming.point).tolist(), int(incoming.day.min()), int(incoming.day.max())
        )
        if len(stored) == 0:
            self.store.insert(incoming)
            self.new += int(np.count_nonzero(incoming.quality != ABSENT))
            return
        self._merge(incoming, stored, _point_ranges(point, ts, res))

    def _merge(
        self, incoming: Blocks, stored: Blocks, ranges: dict[int, tuple[int, int, int]]
    ) -> None:
        keys = {
            k: i
            for i, k in enumerate(
                zip(
                    incoming.point.tolist(),
                    incoming.day.tolist(),
                    incoming.resolution.tolist(),
                    strict=True,
                )
            )
        }
        merged: set[int] = set()
        changed: list[int] = []
        history: list[dict[str, Any]] = []
        in_off, st_off, st_ts = incoming.offset, stored.offset, stored.slot_ts()
        for i, (p, d, r) in enumerate(
            zip(stored.point.tolist(), stored.day.tolist(), stored.resolution.tolist(), strict=True)
        ):
            a, n = int(st_off[i]), int(stored.slots[i])
            ew, eq, ef, ets = (
                x[a : a + n] for x in (stored.wh, stored.quality, stored.file, st_ts)
            )
            j = keys.get((p, d, r))
            if j is not None:
                merged.add(j)
                b = int(in_off[j])
                iw, iq = incoming.wh[b : b + n], incoming.quality[b : b + n]
                arriving = iq != ABSENT
                had = eq != ABSENT
                differ = arriving & had & ((ew != iw) | (eq != iq))
                if (differ & (ef == self.file_id)).any():
                    k = int(np.flatnonzero(differ & (ef == self.file_id))[0])
                    raise StatedTwice(p, int(ets[k]))
                fresh = arriving & ~had
                if not (fresh.any() or differ.any()):
                    continue
                history += self._history(p, r, ets, ew, eq, ef, differ)
                take = fresh | differ
                ew[take], eq[take], ef[take] = iw[take], iq[take], self.file_id
                self.new += int(fresh.sum())
                self.corrected += int(differ.sum())
                changed.append(i)
            elif p in ranges and ranges[p][2] != r:
                # A file is the truth for its points' time ranges at its resolution: stored
                # readings of the other resolution overlapping them become history.
                lo, hi, _ = ranges[p]
                covered = (eq != ABSENT) & (ets < hi) & (ets + r > lo)
                if covered.any():
                    history += self._history(p, r, ets, ew, eq, ef, covered)
                    ew[covered], eq[covered], ef[covered] = NO_VALUE, ABSENT, 0
                    changed.append(i)
        if history:
            self.conn.execute(reading_correction.insert(), history)
        self.store.replace(stored.take(np.array(changed, np.int64)))
        fresh_blocks = np.array([j for j in range(len(incoming)) if j not in merged], np.int64)
        added = incoming.take(fresh_blocks)
        self.store.insert(added)
        self.new += int(np.count_nonzero(added.quality != ABSENT))

    def _history(
        self, point: int, res: int, ts: Any, wh: Any, quality: Any, files: Any, which: Any
    ) -> list[dict[str, Any]]:
        return [
            {
                "metering_point_id": point,
                "ts": t,
                "wh": None if w == NO_VALUE else w,
                "quality": q,
                "resolution": res,
                "file_id": f,
                "replaced_by_file_id": self.file_id,
                "replaced_at": self.now,
            }
            for t, w, q, f in zip(
                ts[which].tolist(),
                wh[which].tolist(),
                quality[which].tolist(),
                files[which].tolist(),
                strict=True,
            )
        ]


def _point_ranges(point: Ints, ts: Ints, res: Ints) -> dict[int, tuple[int, int, int]]:
    """Per point (rows sorted by point and time): [first start, last end) and resolution."""
    heads = np.flatnonzero(np.concatenate([[True], point[1:] != point[:-1]]))
    tails = np.concatenate([heads[1:] - 1, [len(point) - 1]])
    return {
        int(point[h]): (int(ts[h]), int(ts[t] + res[t]), int(res[h]))
        for h, t in zip(heads.tolist(), tails.tolist(), strict=True)
    }


def blocks_frame(
    blocks: Blocks, start: int = 0, end: int = 2**62, columns: Sequence[str] = FRAME_COLUMNS
) -> pl.DataFrame:
    """The stored readings of blocks within [start, end) as columns (of metering_point_id, ts,
    wh, quality, resolution, file_id), ordered by point and time. Built straight from numpy
    arrays: no polars expression, no object per reading."""
    ts = blocks.slot_ts()
    keep = (blocks.quality != ABSENT) & (ts >= start) & (ts < end)
    if len(blocks) and len(np.unique(blocks.resolution)) > 1:
        # A day with readings at both resolutions: its two blocks interleave in time.
        order = np.lexsort((ts, np.repeat(blocks.point, blocks.slots)))
        keep = order[keep[order]]
    make: dict[str, Callable[[], Any]] = {
        "metering_point_id": lambda: np.repeat(blocks.point, blocks.slots)[keep],
        "ts": lambda: ts[keep],
        "wh": lambda: _with_nulls(blocks.wh[keep].astype(np.int64)),
        "quality": lambda: blocks.quality[keep].astype(np.int16),
        "resolution": lambda: np.repeat(blocks.resolution, blocks.slots)[keep],
        "file_id": lambda: blocks.file[keep].astype(np.int64),
    }
    return pl.DataFrame({c: make[c]() for c in columns})


def _with_nulls(wh: Ints) -> pl.Series:
    return pl.Series("wh", wh).scatter(np.flatnonzero(wh == NO_VALUE), None)


def point_series(conn: Connection, metering_point_id: int, start: int, end: int) -> pl.DataFrame:
    """One metering point's readings in [start, end) as columns (ts, wh, quality), ordered by
    time: one range scan of the blocks' primary key, decoded by numpy (no object per reading)."""
    blocks = Store(conn).fetch(
        "metering_point_id = ? AND day >= ? AND day <= ?",
        [int(metering_point_id), day_of(int(start)), day_of(max(int(end) - 1, 0))],
    )
    return blocks_frame(blocks, start, end, ("ts", "wh", "quality"))


def erase_range(conn: Connection, points: Sequence[int], start: int, end: int) -> int:
    """Remove the readings of these points in [start, end) (and their replaced values);
    returns how many readings went. Whole days go as rows, a partial day is rewritten."""
    store = Store(conn)
    first, last = day_of(start), day_of(max(end - 1, 0))
    blocks = store.fetch_points(list(points), first, last)
    if len(blocks) == 0:
        return 0
    ts = blocks.slot_ts()
    inside = (ts >= start) & (ts < end) & (blocks.quality != ABSENT)
    erased = int(inside.sum())
    blocks.wh[inside], blocks.quality[inside], blocks.file[inside] = NO_VALUE, ABSENT, 0
    touched = np.flatnonzero(np.add.reduceat(inside.astype(np.int64), blocks.offset) > 0)
    store.replace(blocks.take(touched))
    return erased
