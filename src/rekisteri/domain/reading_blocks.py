"""Readings kept in blocks: one metering point's one Helsinki day at one resolution.

A block holds the day's slots (96 quarter hours, or 92 and 100 on the days summer time begins
and ends; 24, 23 or 25 hours) packed as little-endian arrays: Wh as int32 (NO_VALUE: the meter
sent no value, quality MISSING) and quality as int8 (ABSENT: no reading stored for the slot).
Blocks are cut at Helsinki midnights because contract periods are Helsinki dates, so attribution
never cuts a block. Everything here works on flat numpy arrays of many blocks at once: no Python
object per reading. Pure rules, no I/O: the storage is adapters.reading_store.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rekisteri.domain.consumption import Period, Quality, local_midnight, offset_changes

EPOCH = dt.date(1970, 1, 1)
NO_VALUE = -(2**31)  # Wh of a slot whose reading has no value
ABSENT = -1  # quality of a slot with no reading stored
NIGHT_FROM, NIGHT_TO = 22, 7  # night 22-07 local time (yösähkö)
Ints = npt.NDArray[np.int64]


@functools.lru_cache(maxsize=1 << 16)
def day_start(day: int) -> int:
    """00:00 Helsinki time of local day number `day` (days since 1970-01-01), UTC epoch."""
    return local_midnight(EPOCH + dt.timedelta(days=day))


def slot_count(day: int, resolution: int) -> int:
    return (day_start(day + 1) - day_start(day)) // resolution


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def helsinki_offsets(ts: Ints) -> Ints:
    """Helsinki's UTC offset in seconds at each epoch."""
    if len(ts) == 0:
        return np.zeros(0, np.int64)
    changes = offset_changes(Period(int(ts.min()), int(ts.max()) + 1))
    at = np.array([c[0] for c in changes], np.int64)
    offset = np.array([c[1] for c in changes], np.int64)
    found: Ints = offset[np.searchsorted(at, ts, side="right") - 1]
    return found


def local_day(ts: Ints) -> Ints:
    """The Helsinki day number of each epoch."""
    days: Ints = (ts + helsinki_offsets(ts)) // 86400
    return days


@dataclass
class Blocks:
    """Many blocks in flat arrays: block i's slots are wh[offset[i] : offset[i] + slots[i]]."""

    point: Ints
    day: Ints
    resolution: Ints
    start: Ints
    slots: Ints
    wh: npt.NDArray[np.int32]
    quality: npt.NDArray[np.int8]
    file: npt.NDArray[np.int32]  # the file that brought each slot's reading; 0: absent

    def __len__(self) -> int:
        return len(self.point)

    @property
    def offset(self) -> Ints:
        out: Ints = np.zeros(len(self.slots), np.int64)
        np.cumsum(self.slots[:-1], out=out[1:])
        return out

    def slot_ts(self) -> Ints:
        """The interval start of every slot."""
        within = np.arange(len(self.wh), dtype=np.int64) - np.repeat(self.offset, self.slots)
        ts: Ints = np.repeat(self.start, self.slots) + within * np.repeat(
            self.resolution, self.slots
        )
        return ts

    def take(self, which: Ints) -> Blocks:
        """The blocks at these indexes, in that order."""
        slots = self.slots[which]
        new_offset = np.zeros(len(which), np.int64)
        np.cumsum(slots[:-1], out=new_offset[1:])
        flat = np.repeat(self.offset[which], slots) + (
            np.arange(int(slots.sum()), dtype=np.int64) - np.repeat(new_offset, slots)
        )
        return Blocks(
            self.point[which],
            self.day[which],
            self.resolution[which],
            self.start[which],
            slots,
            self.wh[flat],
            self.quality[flat],
            self.file[flat],
        )


def empty_blocks() -> Blocks:
    z = np.zeros(0, np.int64)
    return Blocks(z, z, z, z, z, np.zeros(0, np.int32), np.zeros(0, np.int8), np.zeros(0, np.int32))


def blocks_of(
    point: Ints, ts: Ints, wh: Ints, quality: Ints, resolution: Ints, file_id: int
) -> Blocks:
    """Readings (distinct point and time; wh NO_VALUE for none) as blocks, ordered by point,
    day and resolution."""
    day = local_day(ts)
    order = np.lexsort((ts, resolution, day, point))
    point, ts, wh, quality, resolution, day = (
        a[order] for a in (point, ts, wh, quality, resolution, day)
    )
    n = len(ts)
    first = np.ones(n, bool)
    if n:
        first[1:] = (
            (point[1:] != point[:-1]) | (day[1:] != day[:-1]) | (resolution[1:] != resolution[:-1])
        )
    heads = np.flatnonzero(first)
    b_day, b_res = day[heads], resolution[heads]
    starts = {d: day_start(d) for d in set(b_day.tolist()) | {d + 1 for d in b_day.tolist()}}
    b_start = np.array([starts[d] for d in b_day.tolist()], np.int64)
    b_end = np.array([starts[d + 1] for d in b_day.tolist()], np.int64)
    b_slots = (b_end - b_start) // np.maximum(b_res, 1)
    out = Blocks(
        point[heads],
        b_day,
        b_res,
        b_start,
        b_slots,
        np.full(int(b_slots.sum()), NO_VALUE, np.int32),
        np.full(int(b_slots.sum()), ABSENT, np.int8),
        np.zeros(int(b_slots.sum()), np.int32),
    )
    block_of = np.cumsum(first) - 1
    pos = out.offset[block_of] + (ts - b_start[block_of]) // resolution
    out.wh[pos] = wh
    out.quality[pos] = quality
    out.file[pos] = file_id
    return out


@dataclass
class Aggregates:
    """Per block: what the summaries need, kept with the block so the database adds them up."""

    readings: Ints
    missing: Ints
    wh_sum: Ints
    night_wh: Ints
    peak_start: Ints  # the UTC start of the block's highest hour; -1: no value in the block
    peak_wh: Ints


def aggregates(blocks: Blocks) -> Aggregates:
    if len(blocks) == 0:
        z = np.zeros(0, np.int64)
        return Aggregates(z, z, z, z, z, z)
    offset = blocks.offset
    present = blocks.quality != ABSENT
    valued = blocks.wh != NO_VALUE
    value = np.where(valued, blocks.wh, 0).astype(np.int64)
    ts = blocks.slot_ts()
    hour = ((ts + helsinki_offsets(ts)) % 86400) // 3600
    night = (hour >= NIGHT_FROM) | (hour < NIGHT_TO)
    # Hours: a local day begins on a whole UTC hour (Helsinki's offsets are whole hours).
    res = np.repeat(blocks.resolution, blocks.slots)
    within = np.arange(len(ts), dtype=np.int64) - np.repeat(offset, blocks.slots)
    hour_heads = np.flatnonzero((within * res) % 3600 == 0)
    hourly = np.add.reduceat(value, hour_heads)
    hourly = np.where(np.add.reduceat(valued.astype(np.int64), hour_heads) > 0, hourly, -1)
    hours = blocks.slots * blocks.resolution // 3600
    hour_offset = np.zeros(len(hours), np.int64)
    np.cumsum(hours[:-1], out=hour_offset[1:])
    top = np.maximum.reduceat(hourly, hour_offset)
    index = np.arange(len(hourly), dtype=np.int64)
    at_top = np.where(hourly == np.repeat(top, hours), index, len(hourly))
    first_top = np.minimum.reduceat(at_top, hour_offset)
    return Aggregates(
        np.add.reduceat(present.astype(np.int64), offset),
        np.add.reduceat((blocks.quality == int(Quality.MISSING)).astype(np.int64), offset),
        np.add.reduceat(value, offset),
        np.add.reduceat(np.where(night, value, 0), offset),
        np.where(top >= 0, blocks.start + (first_top - hour_offset) * 3600, -1),
        top,
    )


def block_files(blocks: Blocks) -> tuple[Ints, npt.NDArray[np.bool_]]:
    """Per block: the file of its readings (the latest, when several), and whether its slots
    came from more than one file (then each slot's file is kept too)."""
    if len(blocks) == 0:
        return np.zeros(0, np.int64), np.zeros(0, bool)
    offset = blocks.offset
    present = blocks.quality != ABSENT
    files = blocks.file.astype(np.int64)
    latest = np.maximum.reduceat(np.where(present, files, 0), offset)
    earliest = np.minimum.reduceat(np.where(present, files, 2**40), offset)
    return latest, (earliest != latest) & (earliest < 2**40)


def pack(blocks: Blocks) -> list[tuple[bytes, bytes, bytes | None]]:
    """Each block's (wh, quality, per-slot files or None) as little-endian bytes."""
    wh = blocks.wh.astype("<i4").tobytes()
    quality = blocks.quality.astype("i1").tobytes()
    files = blocks.file.astype("<i4").tobytes()
    _, mixed = block_files(blocks)
    out = []
    for o, s, m in zip(blocks.offset.tolist(), blocks.slots.tolist(), mixed.tolist(), strict=True):
        out.append(
            (wh[4 * o : 4 * (o + s)], quality[o : o + s], files[4 * o : 4 * (o + s)] if m else None)
        )
    return out


def unpack(
    point: Ints,
    day: Ints,
    resolution: Ints,
    start: Ints,
    wh: list[bytes],
    quality: list[bytes],
    file_id: list[int],
    slot_files: list[bytes | None],
) -> Blocks:
    """Blocks as stored (the bytes of `pack`) back into flat arrays."""
    flat_q = np.frombuffer(b"".join(quality), np.int8).copy()
    slots = np.array([len(q) for q in quality], np.int64)
    files = np.repeat(np.array(file_id, np.int32), slots)
    offset = np.zeros(len(slots), np.int64)
    np.cumsum(slots[:-1], out=offset[1:])
    for i, f in enumerate(slot_files):
        if f is not None:  # rare: a block whose readings came from several files
            files[offset[i] : offset[i] + slots[i]] = np.frombuffer(f, "<i4")
    return Blocks(
        point,
        day,
        resolution,
        start,
        slots,
        np.frombuffer(b"".join(wh), "<i4").astype(np.int32),
        flat_q,
        np.where(flat_q != ABSENT, files, 0).astype(np.int32),
    )
