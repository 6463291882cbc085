"""The readings archive at scale: sync, size, and the consumption job on a Spark cluster beside
the single-process limit of the same files.

Builds a register (SQLite, the embedded default) of POINTS metering points, one site and one
customer each (every tenth site with a move in the middle of the period: two customers), and
DAYS days of quarter-hour readings per point in the demo's shapes (rekisteri.demo.readings:
heating season, daily rhythm, night tariffs, noise, missing and estimated readings), imported
through the register's Datahub import, 250 points a file. Default: 3,000 points x 350 days =
100,800,000 readings. Then, in the same run:

- sync: `archive sync` from the day blocks to the archive, seconds and readings/s;
- size: bytes per reading of the archive's readings files (the issue's target: <= 1.5), beside
  the database's day blocks;
- job: `consumption_totals` (monthly totals per person and point by contract period, night
  Wh, peak hours) on a standalone cluster of WORKERS one-core workers started here, its
  session start apart;
- limit: the same job in one process with polars over the same files (all cores), and a plain
  scan (sum of Wh per point and month, no attribution): what one machine does with the files
  without an engine. The two jobs' monthly totals are compared: they must be equal.
- on paper: from the job's readings per core-second, the cores to run Finland's six years
  (3.8 M points x 96 a day x 6 years, about 0.8 trillion readings) in an hour.

    python bench/bench_archive.py [--points 3000] [--days 350] [--workers 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.spark_cluster import standalone_cluster

from rekisteri.adapters import db
from rekisteri.adapters.archive import spark_jobs
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.adapters.datahub_writer import write_datahub_file
from rekisteri.adapters.schema.consumption import reading_block
from rekisteri.config import Settings
from rekisteri.demo.readings import POINTS_PER_FILE, profile_frame
from rekisteri.domain.consumption import HELSINKI, Quality, local_midnight
from rekisteri.domain.identifiers import make_gsrn
from rekisteri.services.archive import sync as archive_sync
from rekisteri.services.consumption.imports import import_datahub_file
from rekisteri.services.unit_of_work import Actor, RegisterApp

FIRST_DAY = dt.date(2025, 1, 1)
HEATING = ["electric", "heat_pump", "district", "district", "oil", "ground_source"]
FINLAND_READINGS = 3_800_000 * 96 * 365.25 * 6


def gsrn(i: int) -> str:
    return make_gsrn(f"6430000{i:010d}")


def register(url: str, archive: Path) -> RegisterApp:
    keyring = Keyring.generate()
    settings = Settings(database_url=url, secret_key=keyring.to_json(), archive_dir=archive)
    return RegisterApp(db.make_engine(url), Cipher(keyring), settings)


def prepare(url: str, points: int, days: int, rng: random.Random) -> list[tuple[Any, ...]]:
    """Sites, points and customers straight into a migrated register (the bench is about the
    readings); returns each point's profile (GSRN, heating, usage timing, yearly kWh)."""
    db.migrate(url)
    now = dt.datetime.now(dt.UTC)
    prov = {"source": "contract", "source_detail": None, "received_at": now}
    profiles = [
        (
            gsrn(i),
            rng.choice(HEATING),
            "time_of_day" if rng.random() < 0.2 else None,
            rng.randint(2000, 25000),
        )
        for i in range(points)
    ]
    move = FIRST_DAY + dt.timedelta(days=days // 2)
    persons, contracts = [], []
    for i in range(points):
        holders = [(FIRST_DAY, move), (move, None)] if i % 10 == 0 else [(FIRST_DAY, None)]
        for start, end in holders:
            pid = len(persons) + 1
            persons.append(
                {
                    "id": pid,
                    "customer_number": f"{100000 + pid}",
                    "kind": "natural",
                    "relationship": "customer",
                    "first_names": "Bench",
                    "last_name": f"Asiakas{pid}",
                    "restricted": False,
                    "created_at": now,
                }
                | prov
            )
            contracts.append(
                {
                    "id": len(contracts) + 1,
                    "contract_number": f"S{len(contracts) + 1}",
                    "person_id": pid,
                    "site_id": i + 1,
                    "kind": "sales",
                    "product": "Pörssisähkö",
                    "start_date": start,
                    "end_date": end,
                }
                | prov
            )
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(
            text(
                _insert(
                    "site",
                    ["id", "street", "postal_code", "post_office", "heating_type", "usage_timing"],
                )
            ),
            [
                {
                    "id": i + 1,
                    "street": "Katu 1",
                    "postal_code": "00100",
                    "post_office": "Helsinki",
                    "heating_type": p[1],
                    "usage_timing": p[2],
                }
                | prov
                for i, p in enumerate(profiles)
            ],
        )
        conn.execute(
            text(_insert("metering_point", ["id", "site_id", "gsrn", "kind"])),
            [
                {"id": i + 1, "site_id": i + 1, "gsrn": p[0], "kind": "consumption"} | prov
                for i, p in enumerate(profiles)
            ],
        )
        conn.execute(text(_insert("person", [k for k in persons[0] if k not in prov])), persons)
        keys = [k for k in contracts[0] if k not in prov]
        conn.execute(text(_insert("contract", keys)), contracts)
    eng.dispose()
    return profiles


def _insert(table: str, cols: list[str]) -> str:
    every = [*cols, "source", "source_detail", "received_at"]
    return f"INSERT INTO {table} ({', '.join(every)}) VALUES ({', '.join(':' + c for c in every)})"


def fill(reg: RegisterApp, profiles: list[tuple[Any, ...]], days: int, work: Path) -> int:
    """The readings through the register's import, a file of 250 points at a time."""
    start = local_midnight(FIRST_DAY)
    end = local_midnight(FIRST_DAY + dt.timedelta(days=days))
    rows = 0
    for i in range(0, len(profiles), POINTS_PER_FILE):
        path = work / f"datahub-{i:06d}.csv"
        write_datahub_file(
            path, [profile_frame(profiles[i : i + POINTS_PER_FILE], start, end, 900, 1)]
        )
        with reg.unit_of_work(Actor("bench")) as uow:
            rows += import_datahub_file(uow, path).rows
        path.unlink()
        print(f"  imported {rows:,} readings", flush=True)
    return rows


def polars_job(root: Path) -> pl.DataFrame:
    """The consumption job's monthly totals and each month's peak hour at each point, in one
    process with polars (all cores): the same arithmetic as the Spark job."""
    readings = pl.scan_parquet(root / "readings" / "*" / "*.parquet", hive_partitioning=False)
    periods = pl.scan_parquet(root / "periods" / "part-0.parquet")
    local = pl.from_epoch("ts", time_unit="s").dt.convert_time_zone(HELSINKI.key)
    value = pl.col("wh").fill_null(0).cast(pl.Int64)
    hours = (
        readings.join(
            periods.select("person_id", "metering_point_id", "start_ts", "end_ts"),
            on="metering_point_id",
        )
        .filter((pl.col("ts") >= pl.col("start_ts")) & (pl.col("ts") < pl.col("end_ts")))
        .with_columns(local.dt.strftime("%Y-%m").alias("month"), local.dt.hour().alias("h"))
        .group_by("person_id", "metering_point_id", "month", (pl.col("ts") - pl.col("ts") % 3600))
        .agg(
            pl.col("wh").cast(pl.Int64).sum().alias("wh"),
            pl.col("wh").is_not_null().any().alias("valued"),
            pl.len().alias("readings"),
            (pl.col("quality") == int(Quality.MISSING)).sum().alias("missing"),
            pl.when((pl.col("h") >= 22) | (pl.col("h") < 7)).then(value).otherwise(0).sum()
            .alias("night_wh"),
        )
    )  # fmt: skip
    return (
        hours.sort(["wh", "ts"], descending=[True, False])
        .group_by("person_id", "metering_point_id", "month")
        .agg(
            pl.col("wh").sum(),
            pl.col("readings").sum(),
            pl.col("missing").sum(),
            pl.col("night_wh").sum(),
            pl.col("ts").filter(pl.col("valued")).first().alias("peak_start"),
            pl.col("wh").filter(pl.col("valued")).first().alias("peak_wh"),
        )
        .collect()
    )


def plain_scan(root: Path) -> int:
    """Sum of Wh per point and month over the files, nothing else: the floor of any job."""
    frame = (
        pl.scan_parquet(root / "readings" / "*" / "*.parquet", hive_partitioning=True)
        .group_by("metering_point_id", "month")
        .agg(pl.col("wh").sum())
        .collect()
    )
    return frame.height


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - started, out


def fill_and_sync(
    reg: RegisterApp, url: str, points: int, days: int, work: Path
) -> archive_sync.SyncResult:
    print(f"{points:,} points x {days} days of quarter hours, in {work}", flush=True)
    profiles = prepare(url, points, days, random.Random(1))
    seconds, readings = timed(fill, reg, profiles, days, work)
    print(f"import: {readings:,} readings in {seconds:.0f} s ({readings / seconds / 1e6:.2f} M/s)")

    def sync() -> archive_sync.SyncResult:
        with reg.unit_of_work(Actor("system:archive")) as uow:
            return archive_sync.sync(uow, archive_sync.required_archive(uow.settings))

    seconds, synced = timed(sync)
    print(
        f"sync: {synced.readings:,} readings, {len(synced.written)} months in {seconds:.1f} s "
        f"({synced.readings / seconds / 1e6:.2f} M readings/s)"
    )
    return synced


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=3000)
    parser.add_argument("--days", type=int, default=350)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: measure the kept archive again"
    )
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-archive-"))
    work.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{work / 'rekisteri.db'}"
    reg = register(url, work / "archive")
    if args.reuse and (work / "archive" / "_manifest.json").exists():
        print(f"the register and archive kept in {work}", flush=True)
        with reg.unit_of_work(Actor("system:archive")) as uow:
            synced = archive_sync.sync(uow, archive_sync.required_archive(uow.settings))
        synced.readings = int(
            pl.scan_parquet(work / "archive" / "readings" / "*" / "*.parquet")
            .select(pl.len())
            .collect()
            .item()
        )
    else:
        synced = fill_and_sync(reg, url, args.points, args.days, work)
    root = work / "archive"
    files = sum(p.stat().st_size for p in (root / "readings").rglob("*.parquet"))
    with reg.engine.connect() as conn:
        in_db = conn.execute(
            text("SELECT sum(pgsize) FROM dbstat WHERE name = 'reading_block'")
        ).scalar_one()
        blocks = conn.execute(select(func.count()).select_from(reading_block)).scalar_one()
    print(
        f"size: archive {files / synced.readings:.2f} bytes/reading (target <= 1.5; "
        f"{files / 1e6:.0f} MB), database day blocks {in_db / synced.readings:.2f} bytes/reading "
        f"({blocks:,} blocks)"
    )
    seconds, plain = timed(plain_scan, root)
    print(
        f"limit, plain scan (polars, one process, all cores): {seconds:.1f} s "
        f"({synced.readings / seconds / 1e6:.1f} M readings/s; {plain:,} point-months)"
    )
    seconds, local = timed(polars_job, root)
    print(
        f"limit, the same job (polars, one process, all cores): {seconds:.1f} s "
        f"({synced.readings / seconds / 1e6:.1f} M readings/s)"
    )
    with standalone_cluster(work / "spark", workers=args.workers, memory="2g") as master:
        started, spark = timed(spark_jobs.session, master)
        seconds, (months, peaks) = timed(spark_jobs.consumption_totals, spark, root)
        spark.stop()
    rate = synced.readings / seconds
    print(
        f"job on the cluster ({args.workers} one-core workers): {seconds:.1f} s "
        f"({rate / 1e6:.2f} M readings/s, {rate / args.workers / 1e6:.2f} M per core-second; "
        f"session start {started:.1f} s); {len(months):,} person-point-months, "
        f"{len(peaks):,} peak hours"
    )
    spark_rows = sorted(
        (
            m.person_id, m.metering_point_id, m.month, m.wh, m.readings, m.missing,
            m.night_wh, m.peak_start, m.peak_wh,
        )
        for m in months
    )  # fmt: skip
    polars_rows = sorted(
        local.select(
            "person_id",
            "metering_point_id",
            "month",
            "wh",
            "readings",
            "missing",
            "night_wh",
            "peak_start",
            "peak_wh",
        ).iter_rows()
    )
    same = spark_rows == polars_rows
    print(f"check: the cluster's totals equal the single process's: {same}")
    core_hours = FINLAND_READINGS / (rate / args.workers) / 3600
    print(
        f"on paper: Finland's six years ({FINLAND_READINGS / 1e12:.2f} trillion readings) at "
        f"{rate / args.workers / 1e6:.2f} M readings per core-second: {core_hours:,.0f} "
        f"core-hours, i.e. {core_hours:,.0f} cores for an hour's run "
        f"({core_hours / 24:,.0f} cores for a day's)"
    )
    if not same:
        sys.exit("the cluster's totals differ from the single process's")


if __name__ == "__main__":
    main()
