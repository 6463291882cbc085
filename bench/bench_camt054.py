"""camt.054 payments imported and matched, beside merely parsing the file and bulk-loading the
same payment rows.

Makes a register of N customers with one open invoice each (default 100,000) and a camt.054
file of N payments: most pay their invoice exactly, some partly, some too much, a few name no
invoice (quarantined with a staff task). Then for SQLite and for PostgreSQL (a server this
script starts), in the same run:

- import: `import_payment_file` end to end (hash, stream-parse, check, match by reference,
  payment rows, invoice status and paid_on through the write path with their history, the
  quarantine and tasks, the audit entry), in one unit of work;
- limit: the same file parsed by the same reader (no checks, no matching) and the same number
  of payment rows bulk-loaded (adapters/bulk: executemany on SQLite, COPY on PostgreSQL) into
  an identical register, in one transaction.

    python bench/bench_camt054.py [--payments 100000] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.postgres import PostgresServer

from rekisteri.adapters import camt054, db
from rekisteri.adapters.bulk import bulk_insert
from rekisteri.adapters.camt054_writer import OutPayment, write_notification_file
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.adapters.schema.register import invoice, payment
from rekisteri.config import Settings
from rekisteri.domain.references import make_invoice_reference
from rekisteri.services.billing.payments import import_payment_file
from rekisteri.services.unit_of_work import Actor, RegisterApp

FIRST_INVOICE = 5_000_000
BOOKED = dt.date(2026, 11, 30)


def amount(i: int) -> int:
    return 2500 + (i * 7919) % 30000


def register(url: str) -> RegisterApp:
    keyring = Keyring.generate()
    settings = Settings(database_url=url, secret_key=keyring.to_json())
    return RegisterApp(db.make_engine(url), Cipher(keyring), settings)


def prepare(url: str, n: int) -> None:
    """A migrated register: n customers, a billing account and one open invoice each."""
    db.migrate(url)
    now = dt.datetime.now(dt.UTC)
    prov = {"source": "contract", "source_detail": None, "received_at": now}
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO person (id, customer_number, kind, relationship, first_names,"
                " last_name, restricted, created_at, source, source_detail, received_at)"
                " VALUES (:id, :num, 'natural', 'customer', 'Maija', 'Virtanen', false, :now,"
                " :source, :source_detail, :received_at)"
            ),
            [{"id": i + 1, "num": str(100001 + i), "now": now} | prov for i in range(n)],
        )
        conn.execute(
            text(
                "INSERT INTO billing_account (id, person_id, street, postal_code, post_office,"
                " country, due_day, rhythm, method, source, source_detail, received_at) VALUES"
                " (:id, :id, 'Katu 1', '00100', 'Helsinki', 'FI', 15, 'monthly', 'paper',"
                " :source, :source_detail, :received_at)"
            ),
            [{"id": i + 1} | prov for i in range(n)],
        )
        conn.execute(
            text(
                "INSERT INTO invoice (id, invoice_number, person_id, billing_account_id,"
                " reference, issued_on, due_on, amount_cents, status, reminders, source,"
                " source_detail, received_at) VALUES (:id, :num, :id, :id, :ref, '2026-11-01',"
                " '2026-11-15', :amount, 'open', 0, 'register_itself', null, :received_at)"
            ),
            [
                {
                    "id": i + 1,
                    "num": str(FIRST_INVOICE + i),
                    "ref": make_invoice_reference(FIRST_INVOICE + i),
                    "amount": amount(i),
                    "received_at": now,
                }
                for i in range(n)
            ],
        )
    if url.startswith("postgresql"):
        with eng.begin() as conn:
            for t in ("person", "billing_account", "invoice"):
                conn.execute(text(f"SELECT setval('{t}_id_seq', (SELECT max(id) FROM {t}))"))
    eng.dispose()


def payments(n: int) -> Any:
    """Per 1,000: 960 exact, 20 partial, 10 over, 10 to no invoice."""
    for i in range(n):
        ref = make_invoice_reference(FIRST_INVOICE + i)
        cents = amount(i)
        kind = i % 1000
        if kind < 20:
            cents //= 2
        elif kind < 30:
            cents += 1000
        elif kind < 40:
            ref = make_invoice_reference(9_000_000 + i)
        yield OutPayment(
            f"2611305934{i:08d}",
            ref,
            f"{cents // 100}.{cents % 100:02d}",
            BOOKED,
            "VIRTANEN MAIJA",
        )


def run_import(url: str, path: Path) -> tuple[float, Any]:
    reg = register(url)
    started = time.perf_counter()
    with reg.unit_of_work(Actor.system("system:import-payments")) as uow:
        done = import_payment_file(uow, path)
    elapsed = time.perf_counter() - started
    with reg.engine.connect() as conn:
        paid = conn.execute(
            select(func.count()).select_from(invoice).where(invoice.c.status == "paid")
        ).scalar()
    reg.engine.dispose()
    return elapsed, (done, paid)


def run_limit(url: str, path: Path) -> float:
    """Parse the file with the same reader and bulk-load as many payment rows, one transaction."""
    eng = create_engine(url)
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    with path.open("rb") as f:
        rows = [
            {
                "invoice_id": p.entry_no,
                "paid_on": BOOKED,
                "amount_cents": 100,
                "method": "bank_transfer",
                "bank_ref": p.bank_ref,
                "excess_cents": None,
                "source": "other_company",
                "source_detail": "camt.054",
                "received_at": now,
            }
            for p in camt054.Notification(f, path.name)
        ]
    with eng.begin() as conn:
        bulk_insert(conn, payment, rows)
    elapsed = time.perf_counter() - started
    eng.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    n = args.payments
    workdir = Path(tempfile.mkdtemp(prefix="bench-camt054-"))
    xml = workdir / "payments.xml"
    started = time.perf_counter()
    write_notification_file(xml, payments(n))
    print(
        f"generated {xml.stat().st_size / 1e6:,.0f} MB, {n:,} payments in "
        f"{time.perf_counter() - started:.1f} s"
    )
    results = []
    for backend in args.backends.split(","):
        server = None
        if backend == "sqlite":
            url, limit_url = (f"sqlite:///{workdir / name}" for name in ("reg.db", "limit.db"))
        else:
            server = PostgresServer()
            server.start()
            admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("CREATE DATABASE bench"))
                conn.execute(text("CREATE DATABASE benchlimit"))
            admin.dispose()
            url, limit_url = server.url("bench"), server.url("benchlimit")
        try:
            prepare(url, n)
            prepare(limit_url, n)
            seconds, (done, paid) = run_import(url, xml)
            limit = run_limit(limit_url, xml)
        finally:
            if server:
                server.stop()
        results.append((backend, seconds, limit, done, paid))
    print(f"\ncamt.054 import of {n:,} payments, matched to {n:,} open invoices")
    print(
        f"{'backend':<11}{'import s':>9}{'payments/s':>12}{'limit s':>9}{'limit/s':>10}"
        f"{'ratio':>7}  applied/partial/over/quarantined, invoices paid"
    )
    for backend, seconds, limit, done, paid in results:
        print(
            f"{backend:<11}{seconds:>9.1f}{n / seconds:>12,.0f}{limit:>9.1f}{n / limit:>10,.0f}"
            f"{limit / seconds:>7.2f}  {done.applied:,}/{done.partial:,}/{done.over:,}/"
            f"{len(done.quarantined):,}, {paid:,}"
        )
    print(
        "limit = the same file parsed by the same streaming reader, and as many payment rows"
        " bulk-loaded (SQLite executemany, PostgreSQL COPY) in one transaction.\n"
        "target: import >= 0.5 x limit (ratio = limit s / import s)."
    )


if __name__ == "__main__":
    main()
