"""How long `rekisteri backup` and `rekisteri restore` take, and how much memory, beside the
database's own copy of the same register in the same run: a file copy for SQLite, `pg_dump` to
/dev/null (and `pg_restore` of that dump) for PostgreSQL.

The register is filled by the demo generator (`rekisteri demo`); each backup and restore runs
in a process of its own so that its peak memory (max RSS) is its own. Usage:

    python bench/bench_backup.py [--customers 100000] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Every measured process is started by this small launcher, itself started before anything
# heavy is imported: Linux carries a process's peak memory (max RSS) over fork and exec, so a
# child of this script (grown by the demo generator) would report the script's peak as its own.
LAUNCHER = """
import json, os, subprocess, sys, time
for line in sys.stdin:
    argv, out, env = json.loads(line)
    with open(out or os.devnull, "wb") as fh:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=fh, env=env)
        _, status, usage = os.wait4(child.pid, 0)
    print(json.dumps([os.waitstatus_to_exitcode(status), usage.ru_maxrss,
                      time.perf_counter() - started]), flush=True)
"""
_launcher = subprocess.Popen(
    [sys.executable, "-c", LAUNCHER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
)

import argparse  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from sqlalchemy import create_engine, make_url, text  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.postgres import PostgresServer  # noqa: E402

from rekisteri.adapters import db  # noqa: E402
from rekisteri.adapters.crypto import Cipher, Keyring  # noqa: E402
from rekisteri.config import Settings  # noqa: E402
from rekisteri.demo.customers import generate  # noqa: E402
from rekisteri.services.unit_of_work import RegisterApp  # noqa: E402

# What the worker process runs: one backup or one restore, through the services the commands
# call (the commands add only the login). It times the work itself, not its imports, and
# writes the seconds to its last argument.
WORKER = """
import sys, time
from pathlib import Path
from rekisteri.adapters import db
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.config import Settings
from rekisteri.services.backups import copies
from rekisteri.services.unit_of_work import Actor, RegisterApp
what, url, secret, file, seconds = sys.argv[1:6]
reg = RegisterApp(db.make_engine(url), Cipher(Keyring.from_text(secret)),
                  Settings(database_url=url, secret_key=secret))
started = time.perf_counter()
if what == "imports":  # the process with everything imported, nothing done: the baseline
    pass
elif what == "backup":
    copies.take(reg, Path(file), Actor("system:backup"))
else:
    copies.restore(reg, Path(file), Actor("restore (keyring holder)"), replace=False)
Path(seconds).write_text(str(time.perf_counter() - started))
"""


def measured(
    argv: list[str], *, out: str | None = None, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Seconds and peak memory (MB) of one process, started by the launcher."""
    assert _launcher.stdin is not None and _launcher.stdout is not None
    _launcher.stdin.write(json.dumps([argv, out, env or dict(os.environ)]) + "\n")
    _launcher.stdin.flush()
    status, max_rss_kib, seconds = json.loads(_launcher.stdout.readline())
    if status != 0:
        raise SystemExit(f"{argv[0]} failed ({status})")
    return float(seconds), max_rss_kib / 1024


def worker(what: str, url: str, secret: str, file: Path) -> tuple[float, float]:
    """The work's own seconds (imports left out) and the process's peak memory (MB)."""
    seconds = file.with_suffix(".seconds")
    _, peak = measured([sys.executable, "-c", WORKER, what, url, secret, str(file), str(seconds)])
    return float(seconds.read_text()), peak


def fill(url: str, customers: int) -> str:
    db.migrate(url)
    keyring = Keyring.generate()
    secret = keyring.to_json()
    reg = RegisterApp(
        db.make_engine(url), Cipher(keyring), Settings(database_url=url, secret_key=secret)
    )
    generate(reg, customers, seed=1)
    reg.engine.dispose()
    return secret


Row = tuple[str, str, float, float, int]  # backend, what, seconds, peak MB, bytes


def sqlite_rows(customers: int, work: Path) -> list[Row]:
    source = work / "register.db"
    url = f"sqlite:///{source}"
    secret = fill(url, customers)
    size = source.stat().st_size
    started = time.perf_counter()
    shutil.copyfile(source, work / "copy.db")
    copy_s = time.perf_counter() - started
    backup = work / "register.backup"
    _, baseline_mb = worker("imports", url, secret, work / "none")
    backup_s, backup_mb = worker("backup", url, secret, backup)
    restore_s, restore_mb = worker("restore", f"sqlite:///{work / 'restored.db'}", secret, backup)
    return [
        ("sqlite", "(imports only: baseline)", 0.0, baseline_mb, 0),
        ("sqlite", "file copy (own)", copy_s, 0.0, size),
        ("sqlite", "rekisteri backup", backup_s, backup_mb, backup.stat().st_size),
        ("sqlite", "rekisteri restore", restore_s, restore_mb, size),
    ]


def postgres_rows(customers: int, work: Path) -> list[Row]:
    server = PostgresServer()
    server.start()
    try:
        admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in ("bench", "restored", "own_restored"):
                conn.execute(text(f"CREATE DATABASE {name}"))
        url = server.url("bench")
        secret = fill(url, customers)
        with admin.connect() as conn:
            size = int(conn.execute(text("SELECT pg_database_size('bench')")).scalar_one())
        admin.dispose()
        u = make_url(url)
        env = {
            **os.environ,
            "PGHOST": u.host or "",
            "PGPORT": str(u.port),
            "PGUSER": u.username or "",
        }
        dump = work / "own.dump"
        dumping = ["pg_dump", "--format=custom", "--dbname=bench"]
        own_s, own_mb = measured(dumping, env=env)  # to /dev/null
        measured(dumping, out=str(dump), env=env)
        restoring = ["pg_restore", "--single-transaction", "--no-owner", "--dbname=own_restored"]
        own_restore_s, own_restore_mb = measured([*restoring, str(dump)], env=env)
        backup = work / "register.backup"
        _, baseline_mb = worker("imports", url, secret, work / "none")
        backup_s, backup_mb = worker("backup", url, secret, backup)
        restore_s, restore_mb = worker("restore", server.url("restored"), secret, backup)
        return [
            ("postgresql", "(imports only: baseline)", 0.0, baseline_mb, 0),
            ("postgresql", "pg_dump to /dev/null (own)", own_s, own_mb, dump.stat().st_size),
            ("postgresql", "pg_restore (own)", own_restore_s, own_restore_mb, size),
            ("postgresql", "rekisteri backup", backup_s, backup_mb, backup.stat().st_size),
            ("postgresql", "rekisteri restore", restore_s, restore_mb, size),
        ]
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"\nbackup and restore, {args.customers:,} customers (rekisteri demo, seed 1)")
    print(f"{'backend':<12}{'what':<28}{'seconds':>9}{'peak MB':>9}{'MB':>9}{'MB/s':>8}")
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as work:
            if backend == "sqlite":
                rows = sqlite_rows(args.customers, Path(work))
            else:
                rows = postgres_rows(args.customers, Path(work))
        for backend_name, what, seconds, peak, size in rows:
            print(
                f"{backend_name:<12}{what:<28}{seconds:>9.1f}{peak:>9.0f}{size / 1e6:>9.1f}"
                f"{size / 1e6 / seconds if seconds else 0:>8.1f}",
                flush=True,
            )
    print("(MB: the file written, or the database restored; peak MB: the process's max RSS)")


if __name__ == "__main__":
    main()
