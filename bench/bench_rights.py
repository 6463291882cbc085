"""Benchmark of the person's rights: the access package of one customer (JSON+CSV, and PDF,
separately) and the retention run over a demo register.

    python bench/bench_rights.py [--customers 100000] [--readings 0] [--database-url URL]
                                 [--keep DIR] [--postgresql]

--keep DIR keeps the generated SQLite register (and its key) in DIR and reuses it in later runs:
each run works on a fresh copy, so the retention run is measured on the untouched register
(a 1,000,000-customer register takes minutes to generate). --postgresql runs on a PostgreSQL
server the script starts (as bench_demo.py does), instead of a SQLite file. --years-ahead Y runs
the retention as Y years later (the demo register has no customer ended ten years ago: with 11,
the purge of whole customers is measured too). --audit-per-day K writes K read entries a day
(each naming one person) into the audit trail over those years before the run, as a register in
use would hold, so the run's pruning of entries past their period is measured on a real trail.

--readings N imports N 15-minute readings (six years is about 210,000) through the Datahub import
path for a customer whose contract has run longer than that, and builds that customer's package:
the readings come from the database through the real attribution, as in production.
--invoice-years Y bills that customer monthly for Y years back (ten by default) through the
register's own imports: the billing system's Finvoice batch, then the bank's camt.054
notification of the payments (each month's amount is its energy at a retail price plus the
basic fee, the energy from the customer's readings). The issue's figure is
`--readings 210240 --invoice-years 10`.
Each figure is printed beside a limit of this machine measured in the same run, with the wall
time and this process's CPU time (less noisy on a shared machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import polars as pl
from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.postgres import PostgresServer

from rekisteri.adapters import db
from rekisteri.adapters.camt054_writer import OutPayment, write_notification_file
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.adapters.datahub_writer import write_datahub_file
from rekisteri.adapters.finvoice_writer import OutInvoice, write_batch_file
from rekisteri.adapters.reports import access
from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.register import contract, invoice, metering_point, payment, person
from rekisteri.catalogue import Category
from rekisteri.config import Settings
from rekisteri.demo import customers as demo
from rekisteri.domain.references import make_invoice_reference
from rekisteri.services.billing.invoices import import_invoice_file
from rekisteri.services.billing.payments import import_payment_file
from rekisteri.services.consumption.imports import import_datahub_file
from rekisteri.services.rights import package, retention
from rekisteri.services.unit_of_work import Actor, RegisterApp, utc_now

ACTOR = Actor("bench")


def _customer_with_long_contract(reg: RegisterApp, n: int) -> tuple[int, str]:
    """A person whose open contract began before the first of the n readings, and its GSRN."""
    since = reg.clock().date() - dt.timedelta(minutes=15 * n) - dt.timedelta(days=2)
    with reg.reading(ACTOR) as uow:
        row = uow.execute(
            select(contract.c.person_id, metering_point.c.gsrn)
            .join(metering_point, metering_point.c.site_id == contract.c.site_id)
            .where(contract.c.start_date <= since, contract.c.end_date.is_(None))
            .order_by(contract.c.id)
            .limit(1)
        ).one()
    return int(row.person_id), str(row.gsrn)


def _import_readings(reg: RegisterApp, gsrn: str, n: int, where: Path) -> None:
    end = int(dt.datetime.combine(reg.clock().date(), dt.time(), dt.UTC).timestamp())
    first = end - n * 900
    frame = pl.DataFrame(
        {
            "gsrn": [gsrn] * n,
            "ts": list(range(first, end, 900)),
            "wh": [100 + i % 700 for i in range(n)],
            "quality": ["OK"] * n,
            "resolution": [900] * n,
        }
    )
    path = where / "readings.csv"
    write_datahub_file(path, [frame])
    with reg.unit_of_work(ACTOR) as uow:
        import_datahub_file(uow, path)


# A household's retail price and monthly basic fee: each invoice is its month's energy at these.
CENTS_PER_KWH, BASIC_FEE_CENTS = 11.5, 490


def _months_back(today: dt.date, years: int) -> list[dt.date]:
    first = dt.date(today.year - years, today.month, 1)
    months = []
    while first < dt.date(today.year, today.month, 1):
        months.append(first)
        first = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return months


def _bill(reg: RegisterApp, pid: int, years: int, where: Path) -> tuple[int, int]:
    """Monthly invoices for `years` back and their payments, through the register's imports
    (Finvoice, then camt.054); returns (invoices, payments) of the customer afterwards."""
    with reg.reading(ACTOR) as uow:
        who = uow.execute(select(person).where(person.c.id == pid)).one()
        number = (
            uow.execute(
                select(contract.c.contract_number)
                .where(contract.c.person_id == pid, contract.c.end_date.is_(None))
                .order_by(contract.c.id)
            )
            .scalars()
            .first()
        )
        kwh = {m.month: m.kwh for m in package.build(uow, pid).monthly}
        # Months the register has billed already (the demo's last year) are not billed twice.
        billed = {
            f"{d:%Y-%m}"
            for d in uow.execute(
                select(invoice.c.issued_on).where(invoice.c.person_id == pid)
            ).scalars()
        }
    by_calendar_month: dict[int, list[float]] = {}
    for month, amount in kwh.items():
        by_calendar_month.setdefault(int(month[5:]), []).append(amount)
    buyer = " ".join(x for x in (who.first_names, who.last_name) if x) or who.organisation_name
    today = reg.clock().date()
    invoices, payments = [], []
    with reg.unit_of_work(ACTOR) as uow:  # numbers taken as the services take them
        for month in _months_back(today, years):
            if f"{month:%Y-%m}" in billed:
                continue
            # The month's own energy; before the readings, the same calendar month's average.
            same = by_calendar_month.get(month.month) or [300.0]
            energy = kwh.get(f"{month:%Y-%m}", sum(same) / len(same))
            cents = round(energy * CENTS_PER_KWH) + BASIC_FEE_CENTS
            n = uow.next_number("invoice", 5000001)
            issued = month + dt.timedelta(days=4)
            due = issued + dt.timedelta(days=14)
            ref = make_invoice_reference(n)
            invoices.append(
                OutInvoice(str(n), who.customer_number, buyer, number, ref, issued, due, cents)
            )
            paid_on = due - dt.timedelta(days=n % 4)
            if paid_on < today:
                payments.append(
                    OutPayment(
                        f"BENCH{n}", ref, f"{cents // 100}.{cents % 100:02d}", paid_on, buyer
                    )
                )
    write_batch_file(where / "finvoice.xml", invoices)
    write_notification_file(where / "camt054.xml", payments, message_id="BENCH-1")
    with reg.unit_of_work(ACTOR) as uow:
        import_invoice_file(uow, where / "finvoice.xml")
    with reg.unit_of_work(ACTOR) as uow:
        import_payment_file(uow, where / "camt054.xml")
    with reg.reading(ACTOR) as uow:
        mine = select(invoice.c.id).where(invoice.c.person_id == pid)
        n_inv = uow.execute(select(func.count()).where(invoice.c.person_id == pid)).scalar_one()
        n_pay = uow.execute(select(func.count()).where(payment.c.invoice_id.in_(mine))).scalar_one()
    return int(n_inv), int(n_pay)


class Took(NamedTuple):
    wall: float  # best of the repeats, seconds
    cpu: float  # this process's CPU seconds in that repeat (less noisy on a shared machine)


def timed(fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    best, result = Took(float("inf"), 0.0), None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        took = Took(time.perf_counter() - t, time.process_time() - c)
        best = min(best, took)
    return best, result


def _new_register(url: str, keyring: Keyring) -> RegisterApp:
    db.migrate(url)
    settings = Settings(database_url=url, secret_key=keyring.to_json())
    return RegisterApp(db.make_engine(url), Cipher(keyring), settings)


def _generate(
    reg: RegisterApp, customers: int, readings: int, tmp: Path, invoice_years: int = 0
) -> tuple[int, str]:
    t0 = time.perf_counter()
    demo.generate(reg, customers, seed=1)
    took = time.perf_counter() - t0
    print(f"demo register: {customers:,} customers in {took:.1f} s ({reg.engine.url.drivername})")
    pid, gsrn = _customer_with_long_contract(reg, readings)
    if readings:
        t0 = time.perf_counter()
        _import_readings(reg, gsrn, readings, tmp)
        print(f"imported {readings:,} readings in {time.perf_counter() - t0:.1f} s")
    if invoice_years:
        t0 = time.perf_counter()
        n_inv, n_pay = _bill(reg, pid, invoice_years, tmp)
        took = time.perf_counter() - t0
        print(f"the customer holds {n_inv} invoices and {n_pay} payments ({took:.1f} s to import)")
    return pid, gsrn


def _kept_register(
    keep: Path, customers: int, readings: int, tmp: Path, invoice_years: int
) -> tuple[RegisterApp, int, str]:
    """The register kept in `keep` (generated there the first time), opened on a fresh copy."""
    kept, key, about = keep / "register.db", keep / "keyring.json", keep / "about.json"
    if not about.exists():
        keep.mkdir(parents=True, exist_ok=True)
        keyring = Keyring.generate()
        reg = _new_register(f"sqlite:///{kept}", keyring)
        pid, gsrn = _generate(reg, customers, readings, tmp, invoice_years)
        reg.engine.dispose()
        key.write_text(keyring.to_json())
        facts = {
            "customers": customers,
            "readings": readings,
            "invoice_years": invoice_years,
            "person": pid,
            "gsrn": gsrn,
        }
        about.write_text(json.dumps(facts))
    facts = json.loads(about.read_text())
    print(
        f"kept register: {facts['customers']:,} customers, {facts['readings']:,} readings, "
        f"{facts.get('invoice_years', 0)} years of invoices"
    )
    shutil.copyfile(kept, tmp / "bench.db")
    reg = _new_register(f"sqlite:///{tmp / 'bench.db'}", Keyring.from_text(key.read_text()))
    return reg, int(facts["person"]), str(facts["gsrn"])


def _fill_trail(reg: RegisterApp, span: dt.timedelta, per_day: int) -> int:
    """`per_day` read entries a day, each naming one person, from now over `span`: the trail a
    register in use holds when the run comes (each day one unit of work at that day's clock)."""
    with reg.engine.connect() as conn:
        ids = [int(i) for i in conn.execute(select(person.c.id).order_by(person.c.id)).scalars()]
    start, written = utc_now(), 0
    for day in range(span.days):
        at = start + dt.timedelta(days=day)
        reg.clock = lambda at=at: at
        with reg.reading(ACTOR) as uow:
            for k in range(per_day):
                pid = ids[(day * per_day + k) % len(ids)]
                uow.note_read([pid], [Category.IDENTITY, Category.CONTACT], "customer service")
        written += per_day
    reg.clock = utc_now
    return written


def _trail_size(reg: RegisterApp) -> int:
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_entry)).scalar_one())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--readings", type=int, default=0)
    ap.add_argument(
        "--invoice-years", type=int, default=10, help="years of monthly invoices and payments"
    )
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    ap.add_argument("--keep", type=Path, help="keep the generated SQLite register here")
    ap.add_argument("--postgresql", action="store_true", help="start a PostgreSQL server")
    ap.add_argument(
        "--years-ahead",
        type=float,
        default=0,
        help="run the retention as this many years later (11: ended customers are purged)",
    )
    ap.add_argument(
        "--audit-per-day",
        type=int,
        default=0,
        help="read entries a day written into the trail over the years ahead before the run",
    )
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-rights-"))
    server = None
    if args.postgresql:
        server = PostgresServer()
        server.start()
        admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE bench"))
        admin.dispose()
        args.database_url = server.url("bench")
    if args.keep:
        reg, pid, _ = _kept_register(
            args.keep, args.customers, args.readings, tmp, args.invoice_years
        )
        url = str(reg.engine.url)
    else:
        url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
        reg = _new_register(url, Keyring.generate())
        pid, _ = _generate(reg, args.customers, args.readings, tmp, args.invoice_years)
    rows: list[tuple[str, Took, str]] = []
    with reg.reading(ACTOR) as uow:

        def json_csv() -> int:
            p = package.build(uow, pid)
            access.to_json(p)
            out = io.StringIO()
            return access.write_readings_csv(p.readings, out)

        t_jc, n_read = timed(json_csv)
        p = package.build(uow, pid)
        t_build, _ = timed(lambda: package.build(uow, pid))
        plain = p.as_dict()
        t_dump, _ = timed(lambda: json.dumps(plain, default=str))
        frame = p.readings.clone()
        t_csv_limit, _ = timed(lambda: frame.write_csv())
        html = access.to_html(p)
        access.to_pdf(p, "<p>warm</p>")  # the first call loads fonts
        t_pdf_all, pdf = timed(lambda: access.to_pdf(package.build(uow, pid)), repeat=2)
        t_pdf, _ = timed(lambda: access.to_pdf(p, html), repeat=2)
        t_pdf_min, _ = timed(lambda: access.to_pdf(p, "<p>1</p>"), repeat=2)
    rows.append((f"access package JSON+CSV ({n_read:,} readings)", t_jc, "target < 1 s"))
    rows.append(("  of which package.build (sections, readings, monthly)", t_build, ""))
    rows.append(("  limit: json.dumps of the same package", t_dump, ""))
    rows.append((f"  limit: polars write_csv of the {n_read:,} readings", t_csv_limit, ""))
    rows.append((f"access package PDF, build+HTML+PDF ({len(pdf) // 1024} KiB)", t_pdf_all, ""))
    rows.append(("  PDF from the HTML alone", t_pdf, "target < 3 s"))
    rows.append(("  limit: WeasyPrint PDF of a one-line page", t_pdf_min, ""))

    if args.years_ahead:
        later = dt.timedelta(days=365.25 * args.years_ahead)
        if args.audit_per_day:
            t0 = time.perf_counter()
            written = _fill_trail(reg, later, args.audit_per_day)
            took = time.perf_counter() - t0
            print(f"audit trail: {written:,} read entries over the years ahead in {took:.1f} s")
        reg.clock = lambda: utc_now() + later
        print(f"retention run as of {reg.clock():%Y-%m-%d} ({args.years_ahead:g} years ahead)")
    with reg.reading(ACTOR) as uow:

        def scan() -> int:
            total = 0
            for t in metadata.sorted_tables:
                total += int(uow.execute(select(func.count()).select_from(t)).scalar_one())
            return total

        t_scan, total_rows = timed(scan)
    with reg.unit_of_work(ACTOR) as uow:
        t_dry, dry = timed(lambda: retention.run(uow, dry_run=True), repeat=1)
    trail_before = _trail_size(reg)
    with reg.unit_of_work(ACTOR) as uow:
        t_run, done = timed(lambda: retention.run(uow), repeat=1)
    trail_after = _trail_size(reg)
    with reg.unit_of_work(ACTOR) as uow:
        t_again, again = timed(lambda: retention.run(uow), repeat=1)
    changed = sum(done.counts.values())
    rows.append((f"retention run, dry run ({sum(dry.counts.values()):,} rows due)", t_dry, ""))
    rows.append((f"retention run ({changed:,} rows changed)", t_run, ""))
    rows.append(
        (f"retention run again, idempotent ({sum(again.counts.values())} rows)", t_again, "")
    )
    rows.append((f"  limit: count(*) of every table ({total_rows:,} rows)", t_scan, ""))

    width = max(len(r[0]) for r in rows)
    print(f"\n{'what':<{width}}  {'seconds':>8}  {'cpu s':>8}  note")
    for what, secs, note in rows:
        print(f"{what:<{width}}  {secs.wall:8.3f}  {secs.cpu:8.3f}  {note}")
    for note in done.notes:
        print(f"note: {note}")
    print(f"audit trail: {trail_before:,} entries before the run, {trail_after:,} after")
    print("\nretention by category:")
    for k, v in done.counts.items():
        if v:
            print(f"  {k}: {v:,}")
    reg.engine.dispose()
    if server:
        server.stop()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
