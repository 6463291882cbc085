"""Datahub's market events applied, beside merely reading the file and looking each party's
identity code up through the blind index.

Makes a register of N customers (default 10,000), each with a site, its metering point and a
sales contract in force, and a market-event file of N events: each customer switches to another
supplier. Then for SQLite and for PostgreSQL (a server this script starts), in the same run:

- import: `import_market_event_file` end to end (stream-parse and check every event, the event
  ids already read, the party through the blind index, the point, the contract ended with its
  history, the event's row, the audit entry), in one unit of work;
- limit: the same file read by the same reader and each identity code looked up through the
  blind index (what matching alone costs), in one transaction.

    python bench/bench_market_events.py [--events 10000] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.market_events import event, events_file
from tests.support.postgres import PostgresServer

from rekisteri.adapters import db
from rekisteri.adapters import market_events as reader
from rekisteri.adapters.bulk import bulk_insert
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.adapters.schema.register import contract, metering_point, person, site
from rekisteri.config import Settings
from rekisteri.demo import values as dv
from rekisteri.domain.identifiers import make_gsrn
from rekisteri.services.register.customers import find_by_identity_code
from rekisteri.services.register.market_events import import_market_event_file
from rekisteri.services.unit_of_work import Actor, RegisterApp

HUB = Actor("system:import-market-events")
WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def register(url: str, keyring: Keyring) -> RegisterApp:
    settings = Settings(database_url=url, secret_key=keyring.to_json())
    return RegisterApp(db.make_engine(url), Cipher(keyring), settings)


def codes(n: int) -> list[str]:
    rng, seen = random.Random(1), set[str]()
    while len(seen) < n:
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(60 * 365))
        seen.add(dv.hetu(rng, born))
    return sorted(seen)


def prepare(url: str, keyring: Keyring, hetus: list[str]) -> None:
    """A migrated register: a customer, a site, a point and a contract in force per code."""
    db.migrate(url)
    reg = register(url, keyring)
    prov = {"source": "contract", "received_at": WHEN}
    people, sites, points, contracts = [], [], [], []
    for i, code in enumerate(hetus, start=1):
        sealed = reg.cipher.seal("person.personal_identity_code", code)
        people.append(
            {
                "id": i,
                "customer_number": str(100000 + i),
                "kind": "natural",
                "relationship": "customer",
                "first_names": "Testi",
                "last_name": f"Asiakas{i}",
                "hetu_ct": sealed.ciphertext,
                "hetu_key": sealed.key_id,
                "hetu_bidx": sealed.blind_index,
                "restricted": False,
                "created_at": WHEN,
                **prov,
            }
        )
        sites.append(
            {
                "id": i,
                "street": f"Katu {i}",
                "postal_code": "00100",
                "post_office": "Helsinki",
                **prov,
            }
        )
        points.append(
            {
                "id": i,
                "gsrn": make_gsrn(f"643{i:014d}"),
                "site_id": i,
                "kind": "consumption",
                **prov,
            }
        )
        contracts.append(
            {
                "id": i,
                "contract_number": f"S{1000000 + i}",
                "person_id": i,
                "site_id": i,
                "kind": "sales",
                "product": "Perus",
                "start_date": dt.date(2020, 1, 1),
                **prov,
            }
        )
    with reg.engine.begin() as conn:
        for table, rows in (
            (person, people),
            (site, sites),
            (metering_point, points),
            (contract, contracts),
        ):
            bulk_insert(conn, table, rows)
    reg.engine.dispose()


def write_file(path: Path, hetus: list[str]) -> Path:
    return events_file(
        path,
        *(
            event(f"B-{i}", "switch_out", "2026-04-01", make_gsrn(f"643{i:014d}"), hetu=code)
            for i, code in enumerate(hetus, start=1)
        ),
    )


def run(url: str, keyring: Keyring, hetus: list[str], path: Path) -> tuple[float, float]:
    reg = register(url, keyring)
    started = time.perf_counter()
    with reg.unit_of_work(HUB) as uow:
        done = import_market_event_file(uow, path)
    applied = time.perf_counter() - started
    assert done.changed == len(hetus), done.describe()
    started = time.perf_counter()
    with reg.reading(HUB) as uow:
        found = [
            find_by_identity_code(uow, e.identity_code or "") for e in reader.read_file(path).events
        ]
    limit = time.perf_counter() - started
    assert all(found)
    reg.engine.dispose()
    return applied, limit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    keyring = Keyring.generate()
    hetus = codes(args.events)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = write_file(Path(tmp) / "events.xml", hetus)
        size = path.stat().st_size
        for backend in args.backends.split(","):
            if backend == "sqlite":
                url = f"sqlite:///{tmp}/bench.db"
                prepare(url, keyring, hetus)
                rows.append((backend, *run(url, keyring, hetus, path)))
                continue
            server = PostgresServer()
            server.start()
            try:
                admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text("CREATE DATABASE bench"))
                admin.dispose()
                url = server.url("bench")
                prepare(url, keyring, hetus)
                rows.append((backend, *run(url, keyring, hetus, path)))
            finally:
                server.stop()
    print(f"{args.events:,} market events (switches away), file {size / 1e6:.1f} MB")
    print(f"{'backend':<11} {'import s':>9} {'events/s':>9} {'limit s':>8} {'import/limit':>13}")
    for backend, applied, limit in rows:
        print(
            f"{backend:<11} {applied:>9.2f} {args.events / applied:>9,.0f} {limit:>8.2f} "
            f"{applied / limit:>12.1f}x"
        )


if __name__ == "__main__":
    main()
