"""Benchmark of the person's rights: the access package of one customer (JSON+CSV, and PDF,
separately) and the retention run over a demo register.

    python bench/bench_rights.py [--customers 100000] [--readings 0] [--database-url URL]

--readings N plugs a synthetic readings provider of N 15-minute values (six years is about
210,000) into the package until issue 6's real provider is wired; 0 keeps the provider empty.
Each figure is printed beside a limit of this machine measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select

from rekisteri.adapters import db
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.adapters.reports import access
from rekisteri.adapters.schema import metadata
from rekisteri.config import Settings
from rekisteri.services import demo
from rekisteri.services.rights import package, retention
from rekisteri.services.unit_of_work import Actor, RegisterApp

ACTOR = Actor("bench")


def _synthetic_readings(gsrn: str, n: int) -> Iterator[package.Reading]:
    start = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    step = dt.timedelta(minutes=15)
    for i in range(n):
        yield package.Reading(gsrn, start + i * step, 100 + i % 700, "OK")


def _monthly(n: int) -> list[package.MonthlyTotal]:
    months = max(1, n // (4 * 24 * 30))
    return [
        package.MonthlyTotal(f"{2019 + m // 12}-{m % 12 + 1:02d}", 400 + (m * 37) % 600)
        for m in range(months)
    ]


def timed(fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--readings", type=int, default=0)
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-rights-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    db.migrate(url)
    keyring = Keyring.generate()
    settings = Settings(database_url=url, secret_key=keyring.to_json())
    reg = RegisterApp(db.make_engine(url), Cipher(keyring), settings)
    t0 = time.perf_counter()
    made = demo.generate(reg, args.customers, seed=1)
    took = time.perf_counter() - t0
    print(f"demo register: {args.customers:,} customers in {took:.1f} s ({url.split(':')[0]})")

    if args.readings:
        package.READINGS_PROVIDERS.append(
            lambda uow, pid: _synthetic_readings("643000000000000017", args.readings)
        )
        package.MONTHLY_PROVIDERS.append(lambda uow, pid: _monthly(args.readings))
    number = made.sample_customer_numbers[0]
    rows: list[tuple[str, float, str]] = []
    with reg.reading(ACTOR) as uow:
        from rekisteri.services.customer_view import resolve_person

        pid = resolve_person(uow, number)

        def json_csv() -> int:
            p = package.build(uow, pid)
            access.to_json(p)
            out = io.StringIO()
            return access.write_readings_csv(p.readings(), out)

        t_jc, n_read = timed(json_csv)
        p = package.build(uow, pid)
        plain = access.as_dict(p)
        t_dump, _ = timed(lambda: json.dumps(plain, default=str))
        html = access.to_html(p)
        access.to_pdf(p, "<p>warm</p>")  # the first call loads fonts
        t_pdf, pdf = timed(lambda: access.to_pdf(p, html), repeat=2)
        t_pdf_min, _ = timed(lambda: access.to_pdf(p, "<p>1</p>"), repeat=2)
    rows.append((f"access package JSON+CSV ({n_read:,} readings)", t_jc, "target < 1 s"))
    rows.append(("  limit: json.dumps of the same package", t_dump, ""))
    rows.append((f"access package PDF ({len(pdf) // 1024} KiB)", t_pdf, "target < 3 s"))
    rows.append(("  limit: WeasyPrint PDF of a one-line page", t_pdf_min, ""))

    with reg.reading(ACTOR) as uow:

        def scan() -> int:
            total = 0
            for t in metadata.sorted_tables:
                total += int(uow.execute(select(func.count()).select_from(t)).scalar_one())
            return total

        t_scan, total_rows = timed(scan)
    with reg.unit_of_work(ACTOR) as uow:
        t_dry, dry = timed(lambda: retention.run(uow, dry_run=True), repeat=1)
    with reg.unit_of_work(ACTOR) as uow:
        t_run, done = timed(lambda: retention.run(uow), repeat=1)
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
    print(f"\n{'what':<{width}}  {'seconds':>8}  note")
    for what, secs, note in rows:
        print(f"{what:<{width}}  {secs:8.3f}  {note}")
    print("\nretention by category:")
    for k, v in done.counts.items():
        if v:
            print(f"  {k}: {v:,}")
    reg.engine.dispose()


if __name__ == "__main__":
    main()
