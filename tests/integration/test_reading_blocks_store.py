"""Readings in day blocks on both databases: each reading keeps the file it came from, summaries
over windows that cut a day agree with the readings, and hours at two points add up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from rekisteri.adapters.schema.consumption import datahub_file, reading_block
from rekisteri.domain.consumption import HELSINKI
from rekisteri.services.consumption.attribution import reading_frame_of, summary
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.consumption import (
    new_contract,
    new_customer,
    new_gsrn,
    new_site,
    readings,
    run_import,
    stored,
    utc,
    write,
)

START = utc(2025, 1, 31, 22)  # 2025-02-01 00:00 Helsinki


def test_each_reading_keeps_the_file_it_came_from(register: RegisterApp, tmp_path: Path) -> None:
    point = new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        new_contract(uow, new_customer(uow), new_site(uow, point), dt.date(2025, 1, 1))
    run_import(register, write(tmp_path / "a.csv", readings(point, START, 96, wh=lambda i: 5)))
    fix = readings(point, START + dt.timedelta(hours=2), 4, wh=lambda i: 9)
    run_import(register, write(tmp_path / "b.csv", fix))
    with register.engine.connect() as conn:
        files = dict(conn.execute(select(datahub_file.c.name, datahub_file.c.id)).all())
        block = conn.execute(select(reading_block)).one()
    by_slot = [(r[1], r[5]) for r in stored(register)]
    fixed = {int(START.timestamp()) + 7200 + 900 * i for i in range(4)}
    assert {f for t, f in by_slot if t in fixed} == {files["b.csv"]}
    assert {f for t, f in by_slot if t not in fixed} == {files["a.csv"]}
    assert block.file_id == files["b.csv"] and block.slot_files is not None
    assert (block.readings, block.wh_sum) == (96, 92 * 5 + 4 * 9)


def test_a_summary_over_a_window_that_cuts_days_agrees_with_the_readings(
    register: RegisterApp, tmp_path: Path
) -> None:
    point = new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        me = new_customer(uow)
        new_contract(uow, me, new_site(uow, point), dt.date(2025, 1, 1))
    frame = readings(point, START, 5 * 96, wh=lambda i: (i * 37) % 500 if i % 97 else None)
    run_import(register, write(tmp_path / "r.csv", frame))
    lo = dt.datetime(2025, 2, 1, 13, 15, tzinfo=HELSINKI)
    hi = dt.datetime(2025, 2, 4, 6, 45, tzinfo=HELSINKI)
    with register.reading(Actor("test")) as uow:
        got = summary(uow, me, lo, hi, by="day")
        rows = reading_frame_of(uow, me, lo, hi)
    local = rows.with_columns(
        pl.from_epoch("ts", time_unit="s").dt.convert_time_zone(HELSINKI.key).alias("at")
    )
    daily = (
        local.group_by(pl.col("at").dt.date().cast(pl.String).alias("day"))
        .agg(pl.col("wh").sum(), pl.len())
        .sort("day")
    )
    assert [(t.period, t.wh, t.readings) for t in got.totals] == list(daily.iter_rows())
    night = local.filter((pl.col("at").dt.hour() >= 22) | (pl.col("at").dt.hour() < 7))
    assert got.night_share == pytest.approx(night["wh"].sum() / rows["wh"].sum())
    hours = (
        rows.group_by((pl.col("ts") - pl.col("ts") % 3600).alias("h"))
        .agg(pl.col("wh").sum())
        .sort(["wh", "h"], descending=[True, False])
    )
    assert got.peak_hour_wh == hours.item(0, "wh")
    assert got.peak_hour == dt.datetime.fromtimestamp(hours.item(0, "h"), HELSINKI)


def test_the_peak_hour_adds_up_two_points_of_one_site(
    register: RegisterApp, tmp_path: Path
) -> None:
    a, b = new_gsrn(), new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        me = new_customer(uow)
        new_contract(uow, me, new_site(uow, a, b), dt.date(2025, 1, 1))
    # Point a peaks at 03:00 local alone (300); together the points peak at 18:00 (2 x 200).
    peak_a = int(dt.datetime(2025, 2, 1, 3, tzinfo=HELSINKI).timestamp())
    both = int(dt.datetime(2025, 2, 1, 18, tzinfo=HELSINKI).timestamp())

    def wh_a(i: int) -> int:
        t = int(START.timestamp()) + 900 * i
        return 75 if peak_a <= t < peak_a + 3600 else (50 if both <= t < both + 3600 else 1)

    def wh_b(i: int) -> int:
        t = int(START.timestamp()) + 900 * i
        return 50 if both <= t < both + 3600 else 1

    run_import(
        register,
        write(tmp_path / "r.csv", readings(a, START, 96, wh=wh_a), readings(b, START, 96, wh=wh_b)),
    )
    with register.reading(Actor("test")) as uow:
        got = summary(uow, me, by="day")
    assert got.peak_hour == dt.datetime.fromtimestamp(both, HELSINKI)
    assert got.peak_hour_wh == 400
