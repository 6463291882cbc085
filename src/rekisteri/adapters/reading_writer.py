"""One Datahub file's readings merged into the day blocks, chunk by chunk, in one transaction.

A chunk's readings become blocks (numpy, no object per reading). Blocks no one stored before
are bulk loaded; a block already stored (by an earlier chunk of this file or an earlier file) is
merged slot by slot and written back: a different value from an earlier file is a correction
(the old value, its file and the replacing file go to reading_correction), a different value
from this same file is a bad row (StatedTwice). A file is the truth for its points' time ranges
at its resolution: stored readings of the other resolution overlapping them become history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Connection

from rekisteri.adapters.db import sqlite_cache_pragma
from rekisteri.adapters.reading_store import COLUMNS, Store
from rekisteri.adapters.schema.consumption import reading_correction
from rekisteri.domain.reading_blocks import ABSENT, NO_VALUE, Blocks, Ints, blocks_of


class StatedTwice(Exception):
    """This file states the reading of (point id, ts) twice with different values."""

    def __init__(self, point: int, ts: int) -> None:
        super().__init__(point, ts)
        self.point, self.ts = point, ts


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
        if frame.height == 0:
            return
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
