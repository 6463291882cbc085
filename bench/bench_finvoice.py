"""A Finvoice batch of 100,000 invoices imported, beside parsing it and bulk-inserting its rows.

Generates one batch file of N Finvoice 3.0 messages (default 100,000, each behind its SOAP
envelope, from the sample in tests/data/finvoice/) for C customers with one contract and one
billing account each, then for SQLite and for PostgreSQL (a server this script starts):

- import: `import_invoice_file` end to end (hash, parse with defusedxml, match customer and
  contract numbers, the write path, the change audit, store) in a child process;
- limit: in the same run, the time to merely parse the same file (`adapters.finvoice`, the same
  safe parser) plus the database's own bulk load of the same rows already matched (SQLite
  executemany in one transaction; PostgreSQL COPY) into a table shaped like `invoice`.

    python bench/bench_finvoice.py [--invoices 100000] [--customers 20000]
                                   [--backends sqlite,postgresql]

Target: import >= 0.5 x limit (the ratio printed is limit seconds / import seconds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import finvoice as samples
from tests.support.postgres import PostgresServer

from rekisteri.adapters import db
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.adapters.finvoice import read_invoices
from rekisteri.config import Settings
from rekisteri.domain.references import make_invoice_reference
from rekisteri.services.billing.invoices import import_invoice_file
from rekisteri.services.unit_of_work import Actor, RegisterApp

FIRST_INVOICE = 3_000_000_001
FIRST_CUSTOMER = 100_001


def template() -> str:
    """The sample message and its envelope with placeholders for what changes per invoice."""
    one = samples.batch(
        samples.message("{number}", customer="{customer}", contract="{contract}", reference="0")
    ).decode("utf-8")
    return re.sub(r"(<EpiRemittanceInfoIdentifier [^>]*>)0<", r"\1{reference}<", one)


def write_batch(path: Path, invoices: int, customers: int) -> None:
    form = _format_safe(template())
    with path.open("w", encoding="utf-8") as out:
        for i in range(invoices):
            number = FIRST_INVOICE + i
            c = i % customers
            out.write(
                form.format(
                    number=number,
                    customer=FIRST_CUSTOMER + c,
                    contract=f"S{FIRST_CUSTOMER + c}",
                    reference=make_invoice_reference(number),
                )
            )


def _format_safe(text_: str) -> str:
    """Braces of the message doubled, the four placeholders kept for str.format."""
    names = ("number", "customer", "contract", "reference")
    escaped = text_.replace("{", "{{").replace("}", "}}")
    for name in names:
        escaped = escaped.replace("{{" + name + "}}", "{" + name + "}")
    return escaped


def register(url: str) -> RegisterApp:
    keyring = Keyring.generate()
    settings = Settings(database_url=url, secret_key=keyring.to_json())
    return RegisterApp(db.make_engine(url), Cipher(keyring), settings)


def prepare(url: str, customers: int) -> None:
    """A migrated register with the customers, each with a site, billing account, contract."""
    db.migrate(url)
    now = dt.datetime.now(dt.UTC)
    prov = {"source": "contract", "source_detail": None, "received_at": now}
    ids = range(1, customers + 1)
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO person (id, customer_number, kind, relationship, organisation_name,"
                " restricted, created_at, source, source_detail, received_at) VALUES (:id, :n,"
                " 'legal', 'customer', 'Bench Oy', false, :received_at, :source, :source_detail,"
                " :received_at)"
            ),
            [{"id": i, "n": str(FIRST_CUSTOMER + i - 1)} | prov for i in ids],
        )
        conn.execute(
            text(
                "INSERT INTO site (id, street, postal_code, post_office, source, source_detail,"
                " received_at) VALUES (:id, 'Katu 1', '00100', 'Helsinki', :source,"
                " :source_detail, :received_at)"
            ),
            [{"id": i} | prov for i in ids],
        )
        conn.execute(
            text(
                "INSERT INTO billing_account (id, person_id, street, postal_code, post_office,"
                " country, due_day, rhythm, method, source, source_detail, received_at) VALUES"
                " (:id, :id, 'Katu 1', '00100', 'Helsinki', 'FI', 15, 'monthly', 'e_invoice',"
                " :source, :source_detail, :received_at)"
            ),
            [{"id": i} | prov for i in ids],
        )
        conn.execute(
            text(
                "INSERT INTO contract (id, contract_number, person_id, site_id,"
                " billing_account_id, kind, product, start_date, source, source_detail,"
                " received_at) VALUES (:id, :n, :id, :id, :id, 'sales', 'x', '2019-01-01',"
                " :source, :source_detail, :received_at)"
            ),
            [{"id": i, "n": f"S{FIRST_CUSTOMER + i - 1}"} | prov for i in ids],
        )
    eng.dispose()


def child_import(url: str, path: str) -> None:
    """Runs in its own process: the import alone, as `rekisteri import invoices` runs it."""
    reg = register(url)
    started = time.perf_counter()
    with reg.unit_of_work(Actor.system("system:import-invoices")) as uow:
        done = import_invoice_file(uow, Path(path))
    elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "new": done.new}))


def run_import(url: str, path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child-import", url, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


COLUMNS = (
    "invoice_number, person_id, billing_account_id, contract_id, reference, issued_on, due_on,"
    " amount_cents, status, paid_on, reminders, delivery_method, source, source_detail,"
    " received_at"
)


def parse(path: Path, customers: int) -> tuple[float, list[tuple[Any, ...]]]:
    """The file parsed by the register's own parser, and its rows matched by arithmetic (the
    ids `prepare` gave): the least any import must do before storing."""
    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    rows = []
    with path.open("rb") as f:
        for inv in read_invoices(f, path.name):
            pid = int(inv.customer_number) - FIRST_CUSTOMER + 1
            rows.append(
                (
                    inv.invoice_number,
                    pid,
                    pid,
                    pid,
                    inv.reference,
                    inv.issued_on,
                    inv.due_on,
                    inv.amount_cents,
                    inv.status.value,
                    None,
                    0,
                    inv.delivery_method.value,
                    "register_itself",
                    "Finvoice bench",
                    now,
                )
            )
    return time.perf_counter() - started, rows


def sqlite_insert(workdir: Path, rows: list[tuple[Any, ...]]) -> float:
    import sqlite3

    conn = sqlite3.connect(workdir / "limit.db")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE bulk (id INTEGER PRIMARY KEY, invoice_number VARCHAR(16) NOT NULL UNIQUE,"
        " person_id INTEGER NOT NULL, billing_account_id INTEGER NOT NULL, contract_id INTEGER,"
        " reference VARCHAR(20) NOT NULL, issued_on DATE NOT NULL, due_on DATE NOT NULL,"
        " amount_cents INTEGER NOT NULL, status VARCHAR(14) NOT NULL, paid_on DATE,"
        " reminders INTEGER NOT NULL, delivery_method VARCHAR(16), source VARCHAR(40) NOT NULL,"
        " source_detail VARCHAR(200), received_at VARCHAR(40) NOT NULL)"
    )
    conn.execute("CREATE INDEX bulk_person ON bulk (person_id)")
    conn.execute("CREATE INDEX bulk_account ON bulk (billing_account_id)")
    conn.execute("CREATE INDEX bulk_contract ON bulk (contract_id)")
    values = [
        (*r[:5], r[5].isoformat(), r[6].isoformat(), *r[7:14], r[14].isoformat()) for r in rows
    ]
    started = time.perf_counter()
    conn.executemany(f"INSERT INTO bulk ({COLUMNS}) VALUES ({', '.join('?' * 15)})", values)
    conn.commit()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def postgres_insert(url: str, rows: list[tuple[Any, ...]]) -> float:
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE bulk (LIKE invoice INCLUDING ALL)")
    raw = eng.raw_connection()
    started = time.perf_counter()
    cur = raw.driver_connection.cursor()  # type: ignore[union-attr]
    with cur.copy(f"COPY bulk ({COLUMNS}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cur.close()
    raw.commit()
    elapsed = time.perf_counter() - started
    raw.close()
    eng.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child-import", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        child_import(*args.child_import)
        return
    customers = min(args.customers, args.invoices)
    workdir = Path(tempfile.mkdtemp(prefix="bench-finvoice-"))
    batch = workdir / "invoices.xml"
    started = time.perf_counter()
    write_batch(batch, args.invoices, customers)
    print(
        f"generated {batch.stat().st_size / 1e6:,.0f} MB, {args.invoices:,} Finvoice messages "
        f"for {customers:,} customers in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
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
            prepare(url, customers)
            imported = run_import(url, batch)
            assert imported["new"] == args.invoices, imported
            parse_s, rows = parse(batch, customers)
            insert_s = (
                sqlite_insert(workdir, rows) if backend == "sqlite" else postgres_insert(url, rows)
            )
        finally:
            if server:
                server.stop()
        results.append((backend, imported["seconds"], parse_s, insert_s))
        print(f"{backend}: {json.dumps(results[-1][1:])}", flush=True)  # seen while running
    n = args.invoices
    print(f"\nFinvoice import of {n:,} invoices in one batch file")
    print(
        f"{'backend':<11}{'import s':>9}{'invoices/s':>12}{'parse s':>9}{'insert s':>10}"
        f"{'limit s':>9}{'limit /s':>10}{'ratio':>7}"
    )
    for backend, imp, parse_s, insert_s in results:
        limit = parse_s + insert_s
        print(
            f"{backend:<11}{imp:>9.1f}{n / imp:>12,.0f}{parse_s:>9.1f}{insert_s:>10.1f}"
            f"{limit:>9.1f}{n / limit:>10,.0f}{limit / imp:>7.2f}"
        )
    print(
        "limit = parsing the same file with the register's parser plus the database's own bulk"
        " load of the same rows already matched (SQLite executemany in one transaction;"
        " PostgreSQL COPY) into a table shaped like invoice.\n"
        "target: import >= 0.5 x limit (ratio = limit s / import s)."
    )


if __name__ == "__main__":
    main()
