"""How long `rekisteri backup` and `rekisteri restore` take, and how much memory, beside the
database's own copy of the same register in the same run: a file copy for SQLite, `pg_dump` to
/dev/null (and `pg_restore` of that dump) for PostgreSQL.

The register is filled with synthetic customers loaded straight into the tables (`--fill
synthetic`, the default: a million in minutes; see `synthetic`) or by the demo generator
(`--fill demo`: every kind of data the register holds, but about 78 s per 100,000 customers);
each backup and restore runs in a process of its own so that its peak memory (max RSS) is its
own. Usage:

    python bench/bench_backup.py [--customers 100000] [--backends sqlite,postgresql]
        [--fill synthetic|demo]
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
import datetime as dt  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from sqlalchemy import create_engine, make_url, text  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.postgres import PostgresServer  # noqa: E402

from rekisteri.adapters import db  # noqa: E402
from rekisteri.adapters.bulk import bulk_insert  # noqa: E402
from rekisteri.adapters.crypto import Cipher, Keyring  # noqa: E402
from rekisteri.adapters.schema.register import invoice, person  # noqa: E402
from rekisteri.config import Settings  # noqa: E402
from rekisteri.demo.customers import generate  # noqa: E402
from rekisteri.domain.references import make_invoice_reference  # noqa: E402
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


def fill(url: str, customers: int, how: str) -> str:
    db.migrate(url)
    keyring = Keyring.generate()
    secret = keyring.to_json()
    reg = RegisterApp(
        db.make_engine(url), Cipher(keyring), Settings(database_url=url, secret_key=secret)
    )
    started = time.perf_counter()
    if how == "demo":
        generate(reg, customers, seed=1)
    else:
        synthetic(reg, customers)
    print(f"  filled by {how} in {time.perf_counter() - started:.0f} s", flush=True)
    reg.engine.dispose()
    return secret


CREATED = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
BATCH = 50_000
IDENTITY_CODE = "person.personal_identity_code"


def identity_code(x: int) -> str:
    """A valid, distinct identity code for customer x (1-based): a birth date and a serial."""
    born = dt.date(1940, 1, 1) + dt.timedelta(days=x % 23_000)
    serial = 2 + x // 23_000
    sign = "-" if born.year < 2000 else "A"
    return f"{born:%d%m%y}{sign}{serial:03d}{CHECK[int(f'{born:%d%m%y}{serial:03d}') % 31]}"


def synthetic(reg: RegisterApp, customers: int) -> None:
    """Customers loaded straight into the tables (what `rekisteri demo` takes hours for at a
    million): each a person with a sealed identity code and its blind index (sealed in Python
    as the register seals it, bulk-loaded), a postal address and an e-mail address, a billing
    account, a site with a metering point, a contract and an invoice (made by INSERT ...
    SELECT from the persons, the invoices' references computed in Python)."""
    sqlite = reg.engine.dialect.name == "sqlite"
    day = "'2024-01-01'" if sqlite else "DATE '2024-01-01'"
    stamp = "'2024-01-01 00:00:00.000000'" if sqlite else "TIMESTAMPTZ '2024-01-01 00:00:00+00'"
    padded = "printf('%014d', id)" if sqlite else "lpad(id::text, 14, '0')"
    common = f"'contract', {stamp}"
    derived = [
        "INSERT INTO contact_point (person_id, kind, street, postal_code, post_office, country,"
        " valid_from, source, received_at) SELECT id, 'postal', 'Katu ' || (id % 500) || ' '"
        f" || (id % 90 + 1), '00100', 'Helsinki', 'FI', {day}, {common} FROM person",
        "INSERT INTO contact_point (person_id, kind, email, valid_from, source, received_at)"
        f" SELECT id, 'email', 'asiakas' || id || '@example.fi', {day}, {common} FROM person",
        "INSERT INTO billing_account (id, person_id, street, postal_code, post_office, country,"
        " due_day, rhythm, method, source, received_at) SELECT id, id, 'Katu ' || (id % 500),"
        f" '00100', 'Helsinki', 'FI', id % 28 + 1, 'monthly', 'e_invoice', {common} FROM person",
        "INSERT INTO site (id, street, postal_code, post_office, housing_type, source,"
        " received_at) SELECT id, 'Katu ' || (id % 500), '00100', 'Helsinki', NULL,"
        f" {common} FROM person",
        "INSERT INTO metering_point (id, gsrn, site_id, kind, source, received_at) SELECT id,"
        f" '6430' || {padded}, id, 'consumption', {common} FROM person",
        "INSERT INTO contract (id, contract_number, person_id, site_id, billing_account_id,"
        " kind, product, start_date, source, received_at) SELECT id, 'S' || id, id, id, id,"
        f" 'sales', 'Perushinta', {day}, {common} FROM person",
    ]
    cipher = reg.cipher
    with reg.engine.begin() as conn:
        for start in range(1, customers + 1, BATCH):
            people: list[dict[str, Any]] = []
            for x in range(start, min(start + BATCH, customers + 1)):
                sealed = cipher.seal(IDENTITY_CODE, identity_code(x))
                people.append(
                    {
                        "id": x,
                        "customer_number": f"B{x}",
                        "kind": "natural",
                        "relationship": "customer",
                        "first_names": f"Etu{x % 3000}",
                        "last_name": f"Suku{(x * 7919) % 20000}",
                        "mother_tongue": "fi",
                        "restricted": False,
                        "hetu_ct": sealed.ciphertext,
                        "hetu_key": sealed.key_id,
                        "hetu_bidx": sealed.blind_index,
                        "created_at": CREATED,
                        "source": "contract",
                        "received_at": CREATED,
                    }
                )
            bulk_insert(conn, person, people)
        for statement in derived:
            conn.execute(text(statement))
        for start in range(1, customers + 1, BATCH):
            bulk_insert(
                conn,
                invoice,
                [
                    {
                        "id": x,
                        "invoice_number": str(5_000_000 + x),
                        "person_id": x,
                        "billing_account_id": x,
                        "reference": make_invoice_reference(5_000_000 + x),
                        "issued_on": dt.date(2026, 11, 1),
                        "due_on": dt.date(2026, 11, 15),
                        "amount_cents": 2500 + (x * 7919) % 30000,
                        "status": "open",
                        "reminders": 0,
                        "source": "register_itself",
                        "received_at": CREATED,
                    }
                    for x in range(start, min(start + BATCH, customers + 1))
                ],
            )
        if not sqlite:
            for table in ("contact_point", "billing_account", "site", "metering_point", "contract"):
                conn.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
    if not sqlite:
        with reg.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


Row = tuple[str, str, float, float, int]  # backend, what, seconds, peak MB, bytes


def sqlite_rows(customers: int, work: Path, how: str) -> list[Row]:
    source = work / "register.db"
    url = f"sqlite:///{source}"
    secret = fill(url, customers, how)
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


def postgres_rows(customers: int, work: Path, how: str) -> list[Row]:
    server = PostgresServer()
    server.start()
    try:
        admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in ("bench", "restored", "own_restored"):
                conn.execute(text(f"CREATE DATABASE {name}"))
        url = server.url("bench")
        secret = fill(url, customers, how)
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
    parser.add_argument(
        "--fill",
        choices=("synthetic", "demo"),
        default="synthetic",
        help="synthetic: rows loaded straight into the tables (a million in minutes); demo: "
        "`rekisteri demo`'s generator, every kind of data but slow (about 78 s per 100,000)",
    )
    args = parser.parse_args()
    how = "rekisteri demo, seed 1" if args.fill == "demo" else "synthetic rows"
    print(f"\nbackup and restore, {args.customers:,} customers ({how})")
    print(f"{'backend':<12}{'what':<28}{'seconds':>9}{'peak MB':>9}{'MB':>9}{'MB/s':>8}")
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as work:
            if backend == "sqlite":
                rows = sqlite_rows(args.customers, Path(work), args.fill)
            else:
                rows = postgres_rows(args.customers, Path(work), args.fill)
        for backend_name, what, seconds, peak, size in rows:
            print(
                f"{backend_name:<12}{what:<28}{seconds:>9.1f}{peak:>9.0f}{size / 1e6:>9.1f}"
                f"{size / 1e6 / seconds if seconds else 0:>8.1f}",
                flush=True,
            )
    print("(MB: the file written, or the database restored; peak MB: the process's max RSS)")


if __name__ == "__main__":
    main()
