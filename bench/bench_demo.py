"""How fast `rekisteri demo` fills a register, and how big the register gets.

Prints customers/s and rows/s end to end, the database's share of the time, and the size on
disk, for SQLite (a file) and PostgreSQL (a server this script starts); then the time the last
days' traffic takes through the doors (demo/doors.py: files written and imported by the
register's import services) beside the bulk load, with the doors' share (target: at most 25 %
more than the bulk load alone). Usage:

    python bench/bench_demo.py [--customers 100000] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.postgres import PostgresServer

from rekisteri.adapters import db
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.config import Settings
from rekisteri.demo.customers import generate
from rekisteri.demo.doors import through_the_doors
from rekisteri.demo.traffic import DOOR_DAYS
from rekisteri.services.unit_of_work import RegisterApp


def run(url: str, customers: int) -> tuple[float, int, float, float, float, list[str]]:
    db.migrate(url)
    keyring = Keyring.generate()
    scratch = Path(tempfile.mkdtemp())
    reg = RegisterApp(
        db.make_engine(url),
        Cipher(keyring),
        Settings(database_url=url, secret_key=keyring.to_json(), file_store_dir=scratch / "files"),
    )
    started = time.perf_counter()
    result = generate(reg, customers, seed=1)
    elapsed = time.perf_counter() - started
    assert result.traffic is not None
    started = time.perf_counter()
    doors = through_the_doors(reg, result.traffic, scratch / "doors")
    through = time.perf_counter() - started
    reg.engine.dispose()
    rows = sum(result.rows.values())
    return elapsed, rows, result.generating_seconds, result.inserting_seconds, through, doors.lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    rows_out = []
    for backend in args.backends.split(","):
        if backend == "sqlite":
            path = Path(tempfile.mkdtemp()) / "bench.db"
            elapsed, rows, gen, ins, through, lines = run(f"sqlite:///{path}", args.customers)
            size = sum(p.stat().st_size for p in path.parent.glob("bench.db*"))
        else:
            server = PostgresServer()
            server.start()
            try:
                admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text("CREATE DATABASE bench"))
                elapsed, rows, gen, ins, through, lines = run(server.url("bench"), args.customers)
                with admin.connect() as conn:
                    size = int(conn.execute(text("SELECT pg_database_size('bench')")).scalar_one())
                admin.dispose()
            finally:
                server.stop()
        rows_out.append((backend, elapsed, rows, gen, ins, size, through, lines))
    print(f"\nrekisteri demo, {args.customers:,} customers (seed 1)")
    print(
        f"{'backend':<11}{'seconds':>9}{'customers/s':>13}{'rows':>12}{'rows/s':>11}"
        f"{'python s':>10}{'database s':>12}{'size MB':>9}{'bytes/cust':>12}"
    )
    for backend, elapsed, rows, gen, ins, size, _, _ in rows_out:
        print(
            f"{backend:<11}{elapsed:>9.1f}{args.customers / elapsed:>13,.0f}{rows:>12,}"
            f"{rows / elapsed:>11,.0f}{gen:>10.1f}{ins:>12.1f}{size / 1e6:>9.1f}"
            f"{size / args.customers:>12,.0f}"
        )
    print(
        "python s = building rows (names, identifiers, AES-GCM); database s = executemany"
        " inserts, the database's own share (its limit at this row shape)"
    )
    print(f"\nthe last {DOOR_DAYS} days through the doors (files written and imported)")
    print(f"{'backend':<11}{'bulk s':>9}{'doors s':>9}{'total s':>9}{'doors/bulk':>12}")
    for backend, elapsed, _, _, _, _, through, _ in rows_out:
        print(
            f"{backend:<11}{elapsed:>9.1f}{through:>9.1f}{elapsed + through:>9.1f}"
            f"{through / elapsed:>11.0%}"
        )
    print("doors/bulk: what the doors add to the bulk load alone (target: at most 25 %)")
    for backend, *_, lines in rows_out:
        print(f"{backend}:")
        for line in lines:
            print("  " + line)


if __name__ == "__main__":
    main()
