"""Day blocks of readings: packing round trips, Helsinki days with 92/100 quarter hours, and the
aggregates stored with each block agree with the readings they sum."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from rekisteri.adapters.reading_store import blocks_frame
from rekisteri.domain.consumption import HELSINKI, Quality, local_midnight
from rekisteri.domain.reading_blocks import (
    NO_VALUE,
    aggregates,
    block_files,
    blocks_of,
    day_number,
    day_start,
    pack,
    slot_count,
    unpack,
)

QUALITIES = [int(q) for q in Quality]


def test_dst_days_have_92_and_100_quarter_hours() -> None:
    spring, autumn, plain = dt.date(2025, 3, 30), dt.date(2025, 10, 26), dt.date(2025, 6, 1)
    assert slot_count(day_number(spring), 900) == 92
    assert slot_count(day_number(autumn), 900) == 100
    assert slot_count(day_number(plain), 900) == 96
    assert [slot_count(day_number(d), 3600) for d in (spring, autumn, plain)] == [23, 25, 24]


@given(st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)))
def test_a_day_block_starts_at_helsinki_midnight_and_fills_the_day(day: dt.date) -> None:
    n = day_number(day)
    assert day_start(n) == local_midnight(day)
    assert dt.datetime.fromtimestamp(day_start(n), HELSINKI).time() == dt.time(0)
    length = day_start(n + 1) - day_start(n)
    assert length in (23 * 3600, 24 * 3600, 25 * 3600)
    assert slot_count(n, 900) * 900 == length and slot_count(n, 3600) * 3600 == length


@st.composite
def readings(draw: st.DrawFn) -> pl.DataFrame:
    """Readings of a few points over a few days around a DST change, some without value."""
    first = local_midnight(draw(st.sampled_from([dt.date(2025, 3, 29), dt.date(2025, 10, 25)])))
    rows = {}
    for point in range(1, draw(st.integers(1, 3)) + 1):
        res = draw(st.sampled_from([900, 3600]))
        count = 3 * 86400 // res
        slots = draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=60, unique=True))
        for slot in slots:
            missing = draw(st.booleans())
            wh = None if missing else draw(st.integers(0, 2**31 - 1))
            quality = int(Quality.MISSING) if missing else draw(st.sampled_from(QUALITIES))
            rows[(point, first + slot * res)] = (wh, quality, res)
    return pl.DataFrame(
        [(p, t, wh, q, r) for (p, t), (wh, q, r) in sorted(rows.items())],
        schema={
            "metering_point_id": pl.Int64,
            "ts": pl.Int64,
            "wh": pl.Int64,
            "quality": pl.Int16,
            "resolution": pl.Int64,
        },
        orient="row",
    )


def _blocks(frame: pl.DataFrame, file_id: int = 7):  # type: ignore[no-untyped-def]
    return blocks_of(
        frame["metering_point_id"].to_numpy().astype(np.int64),
        frame["ts"].to_numpy().astype(np.int64),
        frame["wh"].fill_null(NO_VALUE).to_numpy().astype(np.int64),
        frame["quality"].to_numpy().astype(np.int64),
        frame["resolution"].to_numpy().astype(np.int64),
        file_id,
    )


@settings(max_examples=60, deadline=None)
@given(readings())
def test_packing_round_trips_values_nulls_and_files(frame: pl.DataFrame) -> None:
    blocks = _blocks(frame)
    assert set(blocks.slots.tolist()) <= {92, 96, 100, 23, 24, 25}
    packed = pack(blocks)
    assert all(f is None for _, _, f in packed)  # one file: no per-slot files kept
    back = unpack(
        blocks.point,
        blocks.day,
        blocks.resolution,
        blocks.start,
        [p[0] for p in packed],
        [p[1] for p in packed],
        [7] * len(packed),
        [p[2] for p in packed],
    )
    decoded = blocks_frame(back)
    assert decoded.drop("file_id").equals(frame)
    assert set(decoded["file_id"].to_list()) == {7}
    # A second file's slot in one block: each slot's file is kept, and comes back.
    back.file[int(np.flatnonzero(back.quality != -1)[0])] = 9
    again = pack(back)
    files = [p[2] for p in again]
    first_block_readings = int(np.count_nonzero(back.quality[: back.slots[0]] != -1))
    assert sum(f is not None for f in files) == (1 if first_block_readings > 1 else 0)
    latest, mixed = block_files(back)
    assert latest[0] == 9 and bool(mixed[0]) == (first_block_readings > 1)
    restored = unpack(
        back.point,
        back.day,
        back.resolution,
        back.start,
        [p[0] for p in again],
        [p[1] for p in again],
        latest.tolist(),
        files,
    )
    assert blocks_frame(restored)["file_id"].to_list() == blocks_frame(back)["file_id"].to_list()


@settings(max_examples=60, deadline=None)
@given(readings())
def test_block_aggregates_agree_with_the_readings(frame: pl.DataFrame) -> None:
    blocks = _blocks(frame)
    agg = aggregates(blocks)
    local = frame.with_columns(
        pl.from_epoch("ts", time_unit="s").dt.convert_time_zone(HELSINKI.key).alias("at")
    ).with_columns(pl.col("at").dt.date().alias("date"), pl.col("at").dt.hour().alias("hour"))
    expected = (
        local.group_by("metering_point_id", "date", maintain_order=True)
        .agg(
            pl.len().alias("readings"),
            (pl.col("quality") == int(Quality.MISSING)).sum().alias("missing"),
            pl.col("wh").sum().alias("wh_sum"),
            pl.col("wh").filter((pl.col("hour") >= 22) | (pl.col("hour") < 7)).sum().alias("night"),
        )
        .sort("metering_point_id", "date")
    )
    assert agg.readings.tolist() == expected["readings"].to_list()
    assert agg.missing.tolist() == expected["missing"].to_list()
    assert agg.wh_sum.tolist() == expected["wh_sum"].to_list()
    assert agg.night_wh.tolist() == expected["night"].to_list()
    hours = (
        local.filter(pl.col("wh").is_not_null())
        .group_by("metering_point_id", "date", (pl.col("ts") - pl.col("ts") % 3600).alias("h"))
        .agg(pl.col("wh").sum())
        .sort(["metering_point_id", "date", "wh", "h"], descending=[False, False, True, False])
        .group_by("metering_point_id", "date", maintain_order=True)
        .first()
    )
    peaks = {(p, d): (h, w) for p, d, h, w in hours.iter_rows()}
    for i, (p, d) in enumerate(expected.select("metering_point_id", "date").iter_rows()):
        want = peaks.get((p, d), (-1, -1))
        assert (int(agg.peak_start[i]), int(agg.peak_wh[i])) == want
