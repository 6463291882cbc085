"""End-to-end Datahub import against the database's own bulk load, and one point's six years.

Generates a Datahub CSV of N readings (default 10,000,000: 1,000 metering points x 10,000
quarter hours, ids 18 digits), then for SQLite and for PostgreSQL (a server this script starts):

- import: `import_datahub_file` end to end (hash, parse, validate, resolve GSRNs, store) in a
  child process, with that process's peak memory (VmHWM);
- limit: the database's own bulk load of the same rows already parsed, into a table with the
  same primary key: SQLite executemany of tuples in one transaction; PostgreSQL COPY of a text
  file;
- read: one metering point's six years at 15 minutes (210,432 readings), ordered by time,
  median of 5: the point's day blocks decoded (`point_series`), and the holder's readings as
  columns through the attribution (`reading_frame_of`);
- size: bytes per reading on disk of the register's day blocks, beside the limit's
  row-per-reading table.

    python bench/bench_import.py [--rows 10000000] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.postgres import PostgresServer

from rekisteri.adapters import db
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.adapters.datahub_writer import write_datahub_file
from rekisteri.adapters.reading_store import point_series
from rekisteri.config import Settings
from rekisteri.domain.identifiers import make_gsrn
from rekisteri.services.consumption.attribution import reading_frame_of
from rekisteri.services.consumption.imports import import_datahub_file
from rekisteri.services.unit_of_work import Actor, RegisterApp

START = int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp())
SIX_YEARS = (dt.date(2026, 1, 1) - dt.date(2020, 1, 1)).days * 96
QUALITY = {"OK": 0, "MISSING": 9}


def gsrn(i: int) -> str:
    return make_gsrn(f"6430000{i:010d}")


def frames(points: int, per_point: int, first_point: int = 0, start: int = START) -> Any:
    """Readings point by point (as a per-point Datahub export is ordered), in blocks."""
    for p in range(first_point, first_point + points):
        ts = pl.int_range(start, start + per_point * 900, 900, dtype=pl.Int64, eager=True)
        yield pl.DataFrame({"ts": ts}).select(
            pl.lit(gsrn(p)).alias("gsrn"),
            "ts",
            ((pl.col("ts") // 900 * 7919 + p) % 2000).alias("wh"),
            pl.lit("OK").alias("quality"),
            pl.lit(900, dtype=pl.Int64).alias("resolution"),
        )


def register(url: str) -> RegisterApp:
    keyring = Keyring.generate()
    settings = Settings(database_url=url, secret_key=keyring.to_json())
    return RegisterApp(db.make_engine(url), Cipher(keyring), settings)


def prepare(url: str, points: int) -> None:
    """A migrated register with the file's metering points (one site each) and a customer
    holding the six-year point."""
    db.migrate(url)
    now = dt.datetime.now(dt.UTC)
    prov = {"source": "contract", "source_detail": None, "received_at": now}
    eng = create_engine(url)
    with eng.begin() as conn:
        sites = [
            {"id": i + 1, "street": "Katu 1", "postal_code": "00100", "post_office": "Helsinki"}
            for i in range(points + 1)
        ]
        conn.execute(text(_insert("site", sites[0])), [s | prov for s in sites])
        conn.execute(
            text(_insert("metering_point", {"id": 0, "site_id": 0, "gsrn": "", "kind": ""})),
            [
                {"id": i + 1, "site_id": i + 1, "gsrn": gsrn(i), "kind": "consumption"} | prov
                for i in range(points + 1)
            ],
        )
        conn.execute(
            text(
                "INSERT INTO person (id, customer_number, kind, relationship, organisation_name,"
                " restricted, created_at, source, received_at) VALUES (1, '100001', 'legal',"
                " 'customer', 'Bench Oy', false, :now, 'contract', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO contract (id, contract_number, person_id, site_id, kind, product,"
                " start_date, source, received_at) VALUES (1, 'S1', 1, :site, 'sales', 'x',"
                " '2019-01-01', 'contract', :now)"
            ),
            {"site": points + 1, "now": now},
        )
    eng.dispose()


def _insert(table: str, sample: dict[str, Any]) -> str:
    cols = [*sample, "source", "source_detail", "received_at"]
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"


def child_import(url: str, path: str) -> None:
    """Runs in its own process, so its peak memory is the import's alone."""
    reg = register(url)
    started = time.perf_counter()
    with reg.unit_of_work(Actor("bench")) as uow:
        done = import_datahub_file(uow, Path(path))
    elapsed = time.perf_counter() - started
    peak_kib = peak_memory_kib()
    print(json.dumps({"seconds": elapsed, "rows": done.rows, "new": done.new, "kib": peak_kib}))


def peak_memory_kib() -> int:
    """This process's own peak resident memory. VmHWM, not ru_maxrss: Linux carries the
    parent's peak into a forked child's ru_maxrss, and the parent holds 10 M parsed rows."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_import(url: str, path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child-import", url, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def parsed(points: int, per_point: int) -> pl.DataFrame:
    """The same rows as the file, already parsed: (point id, ts, wh, quality, resolution)."""
    return pl.concat(
        f.with_row_index("n").select(
            pl.lit(p + 1, dtype=pl.Int64).alias("metering_point_id"),
            "ts",
            "wh",
            pl.lit(0, dtype=pl.Int64).alias("quality"),
            "resolution",
        )
        for p, f in enumerate(frames(points, per_point))
    )


def sqlite_limit(workdir: Path, rows: pl.DataFrame) -> float:
    import sqlite3

    path = workdir / "limit.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE bulk (metering_point_id INTEGER NOT NULL, ts INTEGER NOT NULL, wh INTEGER,"
        " quality INTEGER NOT NULL, resolution INTEGER NOT NULL, file_id INTEGER NOT NULL,"
        " PRIMARY KEY (metering_point_id, ts)) WITHOUT ROWID"
    )
    tuples = [(*r, 1) for r in rows.iter_rows()]
    started = time.perf_counter()
    conn.executemany("INSERT INTO bulk VALUES (?, ?, ?, ?, ?, ?)", tuples)
    conn.commit()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def table_bytes(url: str, table: str) -> int:
    """On-disk bytes of a table with its indexes (all partitions on PostgreSQL)."""
    eng = create_engine(url)
    with eng.connect() as conn:
        if url.startswith("sqlite"):
            sql = f"SELECT sum(pgsize) FROM dbstat WHERE name = '{table}'"
        else:
            sql = (
                f"SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) "
                f"+ pg_total_relation_size('{table}') FROM pg_inherits "
                f"WHERE inhparent = '{table}'::regclass"
            )
        found = int(conn.exec_driver_sql(sql).scalar() or 0)
    eng.dispose()
    return found


def postgres_limit(url: str, workdir: Path, rows: pl.DataFrame) -> float:
    text_file = workdir / "limit.txt"
    rows.with_columns(pl.lit(1).alias("file_id")).write_csv(
        text_file, include_header=False, separator="\t"
    )
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE bulk (metering_point_id integer NOT NULL, ts bigint NOT NULL,"
            " wh integer, quality smallint NOT NULL, resolution smallint NOT NULL,"
            " file_id integer NOT NULL, PRIMARY KEY (metering_point_id, ts))"
        )
    raw = eng.raw_connection()
    started = time.perf_counter()
    cur = raw.driver_connection.cursor()  # type: ignore[union-attr]
    with cur.copy("COPY bulk FROM STDIN (FORMAT text)") as copy, text_file.open("rb") as f:
        while block := f.read(1 << 20):
            copy.write(block)
    cur.close()
    raw.commit()
    elapsed = time.perf_counter() - started
    raw.close()
    eng.dispose()
    return elapsed


def six_years(url: str, workdir: Path, point: int) -> tuple[float, float]:
    """Import one point's six years, then read them: the blocks decoded, and through the
    attribution as the holder's columns."""
    path = workdir / "six-years.csv"
    start = int(dt.datetime(2020, 1, 1, tzinfo=dt.UTC).timestamp())
    write_datahub_file(path, frames(1, SIX_YEARS, first_point=point, start=start))
    reg = register(url)
    with reg.unit_of_work(Actor("bench")) as uow:
        import_datahub_file(uow, path)
    raw_times, attributed_times = [], []
    with reg.engine.connect() as conn:
        for _ in range(5):
            started = time.perf_counter()
            got = point_series(conn, point + 1, 0, 2**40)
            raw_times.append(time.perf_counter() - started)
            assert got.height == SIX_YEARS, got.height
    with reg.reading(Actor("bench")) as uow:
        for _ in range(5):
            started = time.perf_counter()
            frame = reading_frame_of(uow, 1)
            attributed_times.append(time.perf_counter() - started)
            assert frame.height == SIX_YEARS
    reg.engine.dispose()
    return statistics.median(raw_times), statistics.median(attributed_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child-import", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        child_import(*args.child_import)
        return
    points = min(args.points, args.rows)
    per_point = args.rows // points
    total = points * per_point
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    csv = workdir / "datahub.csv"
    started = time.perf_counter()
    write_datahub_file(csv, frames(points, per_point))
    print(
        f"generated {csv.stat().st_size / 1e6:,.0f} MB, {total:,} readings "
        f"({points} points x {per_point} quarter hours) in {time.perf_counter() - started:.1f} s"
    )
    rows = parsed(points, per_point)
    results = []
    for backend in args.backends.split(","):
        server = None
        if backend == "sqlite":
            url = f"sqlite:///{workdir / 'register.db'}"
        else:
            server = PostgresServer()
            server.start()
            admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("CREATE DATABASE bench"))
            admin.dispose()
            url = server.url("bench")
        try:
            prepare(url, points)
            imported = run_import(url, csv)
            assert imported["new"] == total, imported
            size = table_bytes(url, "reading_block") / total
            limit = (
                sqlite_limit(workdir, rows)
                if backend == "sqlite"
                else postgres_limit(url, workdir, rows)
            )
            limit_url = f"sqlite:///{workdir / 'limit.db'}" if backend == "sqlite" else url
            limit_size = table_bytes(limit_url, "bulk") / total
            read_raw, read_attributed = six_years(url, workdir, points)
        finally:
            if server:
                server.stop()
        results.append((backend, imported, limit, read_raw, read_attributed, size, limit_size))
    print(f"\nDatahub import of {total:,} readings, and one point's six years ({SIX_YEARS:,})")
    print(
        f"{'backend':<11}{'import s':>9}{'import rows/s':>15}{'limit rows/s':>14}{'ratio':>7}"
        f"{'peak MB':>9}{'point_series ms':>17}{'reading_frame_of ms':>21}"
        f"{'B/reading':>11}{'limit B/reading':>17}"
    )
    for backend, imp, limit, read_raw, read_attr, size, limit_size in results:
        rate = total / imp["seconds"]
        print(
            f"{backend:<11}{imp['seconds']:>9.1f}{rate:>15,.0f}{total / limit:>14,.0f}"
            f"{rate / (total / limit):>7.2f}{imp['kib'] / 1024:>9.0f}"
            f"{read_raw * 1000:>17.1f}{read_attr * 1000:>21.1f}{size:>11.1f}{limit_size:>17.1f}"
        )
    print(
        "limit = the database's own bulk load of the same rows already parsed into a"
        " row-per-reading table with primary key (point, ts) (SQLite executemany in one"
        " transaction; PostgreSQL COPY of a text file).\n"
        "targets: import >= 0.5 x limit; six years of one point < 50 ms."
        " peak MB = peak resident memory (VmHWM) of the import process.\n"
        "B/reading = on-disk bytes of the register's day blocks (with primary key) per reading,"
        " beside the limit's row-per-reading table."
    )


if __name__ == "__main__":
    main()
