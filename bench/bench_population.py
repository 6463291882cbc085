"""The population register's changes applied, beside merely looking their identity codes up
through the blind index.

Makes a register of N persons (default 1,000,000), each with a sealed identity code and its
blind index and a postal address, set-based: the codes are sealed in Python (AES-GCM and the
keyed index, as the register seals them) and bulk-loaded in batches (executemany on SQLite, COPY
on PostgreSQL), the addresses made by INSERT ... SELECT. Then a change file of C records
(default 100,000) for persons spread over the register: moves (permanent and temporary), name
and mother-tongue changes, deaths, turvakielto, guardianship and the population register's
marketing ban, a few codes the register does not hold. For SQLite and for PostgreSQL (a server
this script starts), in the same run:

- limit: the file's identity codes merely looked up through the blind index
  (services/population/matching: the keyed hash of each code, then the persons by index in
  batches), median of 3;
- apply: `apply_change_bytes` end to end (parse and check the file, match, the conflict rule,
  the write path with per-record sources and history, the addresses, tasks, the audit entry),
  in one unit of work, once.

The target is apply ≥ 0.5× the limit's speed (apply time ≤ 2× lookup time).

    python bench/bench_population.py [--persons 1000000] [--changes 100000]
        [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, create_engine, func, select, text, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.postgres import PostgresServer

from rekisteri.adapters import db, person_reach
from rekisteri.adapters.bulk import bulk_insert
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.adapters.schema.register import attribute_change, contact_point, person
from rekisteri.adapters.schema.tasks import staff_task
from rekisteri.config import Settings
from rekisteri.services.population.changes import apply_change_bytes
from rekisteri.services.population.matching import persons_by_identity_code
from rekisteri.services.unit_of_work import Actor, RegisterApp

NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
CREATED = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
FIRST_DAY = dt.date(1940, 1, 1)
DAYS = 23_000  # birth dates 1940-2002
BATCH = 50_000
ATTRIBUTE = "person.personal_identity_code"


def identity_code(x: int) -> str:
    """A valid, distinct identity code for person x (1-based): a birth date and a serial."""
    born = FIRST_DAY + dt.timedelta(days=x % DAYS)
    serial = 2 + x // DAYS
    digits = f"{born:%d%m%y}{serial:03d}"
    sign = "-" if born.year < 2000 else "A"
    return f"{born:%d%m%y}{sign}{serial:03d}{CHECK[int(digits) % 31]}"


def make_register(url: str, keyring: Keyring) -> RegisterApp:
    settings = Settings(database_url=url, secret_key=keyring.to_json())
    return RegisterApp(db.make_engine(url), Cipher(keyring), settings, clock=lambda: NOW)


def generate(reg: RegisterApp, persons: int) -> None:
    cipher = reg.cipher
    with reg.engine.begin() as conn:
        for start in range(1, persons + 1, BATCH):
            rows: list[dict[str, Any]] = []
            for x in range(start, min(start + BATCH, persons + 1)):
                sealed = cipher.seal(ATTRIBUTE, identity_code(x))
                rows.append(
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
            bulk_insert(conn, person, rows)
        day = "'2024-01-01'" if conn.dialect.name == "sqlite" else "DATE '2024-01-01'"
        stamp = (
            "'2024-01-01 00:00:00.000000'"
            if conn.dialect.name == "sqlite"
            else "TIMESTAMPTZ '2024-01-01 00:00:00+00'"
        )
        conn.execute(
            text(
                "INSERT INTO contact_point (person_id, kind, street, postal_code, post_office, "
                f"country, valid_from, source, received_at) SELECT id, 'postal', "
                f"'Katu ' || (id % 500) || ' ' || (id % 90 + 1), '00100', 'Helsinki', 'FI', "
                f"{day}, 'contract', {stamp} FROM person"
            )
        )
    if reg.engine.dialect.name == "postgresql":
        with reg.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def change_file(persons: int, changes: int) -> bytes:
    """`changes` records for persons spread over the register (one in 200 nobody's)."""
    step = max(persons // changes, 1)
    records: list[dict[str, Any]] = []
    for n in range(changes):
        x = (n * step) % persons + 1
        code = identity_code(x) if n % 200 else identity_code(persons + 1 + n)
        on = (dt.date(2026, 10, 1) + dt.timedelta(days=n % 60)).isoformat()
        base = {"change_id": f"B-{n}", "identity_code": code, "date": on}
        kind = n % 20
        if kind < 8:
            postal_code = f"{(n % 990) * 100 + 100:05d}"
            base |= {
                "kind": "permanent_address",
                "street": f"Uusikatu {n % 300}",
                "postal_code": postal_code,
                "post_office": "Espoo",
            }
        elif kind < 9:
            base |= {
                "kind": "temporary_address",
                "street": f"Kesätie {n % 50}",
                "postal_code": "21100",
                "post_office": "Naantali",
                "valid_until": "2027-05-31",
            }
        elif kind < 13:
            base |= {"kind": "name", "first_names": f"Etu{x % 3000}", "last_name": f"Uusi{n}"}
        elif kind < 15:
            base |= {"kind": "mother_tongue", "language": "sv"}
        elif kind < 16:
            base |= {"kind": "death"}
        elif kind < 17:
            base |= {"kind": "non_disclosure", "in_force": True}
        elif kind < 18:
            base |= {"kind": "guardianship", "in_force": True}
        else:
            base |= {"kind": "marketing_ban", "in_force": True}
        records.append(base)
    doc = {"format": "population-changes/1", "changes": records}
    return json.dumps(doc, ensure_ascii=False).encode()


def bench(name: str, url: str, persons: int, changes: int) -> list[list[str]]:
    db.migrate(url)
    reg = make_register(url, Keyring.generate())
    start = time.perf_counter()
    generate(reg, persons)
    made = time.perf_counter() - start
    data = change_file(persons, changes)
    codes = [c["identity_code"] for c in json.loads(data)["changes"]]

    def lookup() -> float:
        with reg.reading(Actor.system("bench")) as uow:
            began = time.perf_counter()
            found = persons_by_identity_code(uow, codes)
            spent = time.perf_counter() - began
        assert len(found) > 0.99 * len(set(codes)) - changes // 200 - 1
        return spent

    limit = statistics.median(lookup() for _ in range(3))
    before = _last_ids(reg)
    began = time.perf_counter()
    with reg.unit_of_work(Actor.system("system:import-population")) as uow:
        done = apply_change_bytes(uow, "bench.json", data)
    applied = time.perf_counter() - began
    floor, written = writes_alone(reg, before)
    reg.engine.dispose()
    rate = changes / applied
    counts = (done.matched, done.changed, done.unchanged, done.unmatched, len(done.conflicts))
    speed = f"{rate:,.0f}/s = {limit / applied:.2f}× the limit (target ≥ 0.5×)"
    return [
        [name, f"register of {persons:,} persons made", f"{made:.1f} s", ""],
        [name, f"look up {changes:,} codes (limit)", f"{limit:.2f} s", f"{changes / limit:,.0f}/s"],
        [name, f"apply {changes:,} changes", f"{applied:.2f} s", speed],
        [
            name,
            f"  its writes alone ({written})",
            f"{floor:.2f} s",
            f"{limit / floor:.2f}× the limit at best",
        ],
        [name, "  matched/changed/unchanged/unmatched/conflicts", "/".join(map(str, counts)), ""],
    ]


WRITTEN = (contact_point, attribute_change, staff_task)


def _last_ids(reg: RegisterApp) -> dict[str, int]:
    with reg.engine.connect() as conn:
        return {
            t.name: int(conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one())
            for t in WRITTEN
        }


def writes_alone(reg: RegisterApp, before: dict[str, int]) -> tuple[float, str]:
    """The floor under any apply: the rows the apply wrote, written again with no logic at all
    (the project's bulk path for the inserts, one executemany UPDATE of the persons whose
    values changed), with the contact-point triggers deferred as the apply defers them, and
    committed. Read first, outside the clock."""
    with reg.engine.connect() as conn:
        rows = {
            t.name: [
                {k: v for k, v in r._mapping.items() if k != "id"}
                for r in conn.execute(select(t).where(t.c.id > before[t.name]))
            ]
            for t in WRITTEN
        }
        changed = {
            int(r["row_id"])
            for r in rows["attribute_change"]
            if r["table_name"] == "person"
            and not r["attribute"].startswith("person.personal_identity")
        }
        ids = sorted(changed)
        columns = (person.c.id, person.c.last_name, person.c.first_names, person.c.mother_tongue)
        values = [
            {"pid": r.id, "ln": r.last_name, "fn": r.first_names, "mt": r.mother_tongue}
            for n in range(0, len(ids), 10_000)  # within both databases' parameter limits
            for r in conn.execute(select(*columns).where(person.c.id.in_(ids[n : n + 10_000])))
        ]
    again = (
        update(person)
        .where(person.c.id == bindparam("pid"))
        .values(
            last_name=bindparam("ln"), first_names=bindparam("fn"), mother_tongue=bindparam("mt")
        )
    )
    began = time.perf_counter()
    with reg.engine.begin() as conn, person_reach.deferred(conn) as moved:
        for t in WRITTEN:
            if rows[t.name]:
                bulk_insert(conn, t, rows[t.name])
        if values:
            conn.execute(again, values)
        moved.update(int(r["person_id"]) for r in rows["contact_point"])
    spent = time.perf_counter() - began
    said = ", ".join(f"{len(rows[t.name]):,} {t.name}" for t in WRITTEN)
    return spent, f"{said}, {len(values):,} person updates"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-population-") as tmp:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                url = f"sqlite:///{tmp}/bench.db"
                rows += bench("sqlite", url, args.persons, args.changes)
            elif backend == "postgresql":
                server = PostgresServer()
                server.start()
                try:
                    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
                    with admin.connect() as conn:
                        conn.execute(text("CREATE DATABASE bench"))
                    admin.dispose()
                    rows += bench("postgresql", server.url("bench"), args.persons, args.changes)
                finally:
                    server.stop()
            print_table(rows)
    print_table(rows)


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print()


if __name__ == "__main__":
    main()
