"""Readings in day blocks (domain.reading_blocks), read and written the fastest way each
database offers, inside the caller's transaction (so a killed import leaves nothing behind).

Blocks are read with one range scan of the primary key and decoded by numpy; new blocks are bulk
loaded (SQLite: executemany in primary-key order; PostgreSQL: binary COPY into monthly
partitions made on demand); changed blocks are written back whole. The import's merging of a
file into stored blocks is adapters.reading_writer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Connection

from rekisteri.domain.consumption import HELSINKI
from rekisteri.domain.reading_blocks import (
    ABSENT,
    EPOCH,
    NO_VALUE,
    Blocks,
    Ints,
    aggregates,
    block_files,
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


def day_of(epoch: int) -> int:
    """The Helsinki day number of an epoch; far future epochs (open periods) give FAR_DAY."""
    if epoch >= 10**11:
        return FAR_DAY
    return (
        dt.datetime.fromtimestamp(max(epoch, 0), dt.UTC).astimezone(HELSINKI).date() - EPOCH
    ).days


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
        if not points:
            return empty_blocks()
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


def point_series(
    conn: Connection,
    metering_point_id: int,
    start: int,
    end: int,
    columns: Sequence[str] = ("ts", "wh", "quality"),
) -> pl.DataFrame:
    """One metering point's readings in [start, end) as columns (ts, wh, quality; `columns`
    asks for others of FRAME_COLUMNS), ordered by time: one range scan of the blocks' primary
    key, decoded by numpy (no object per reading)."""
    blocks = Store(conn).fetch(
        "metering_point_id = ? AND day >= ? AND day <= ?",
        [int(metering_point_id), day_of(int(start)), day_of(max(int(end) - 1, 0))],
    )
    return blocks_frame(blocks, start, end, columns)
