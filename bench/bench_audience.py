"""Audience benchmark: 1,000,000 persons, 5,000,000 ledger events, 100,000 ASML bans.

Builds a synthetic register set-based in SQL (a sequence table and INSERT ... SELECT; the
database's own triggers fill person_reach as the rows go in), builds the ledger's current state
(consent_state) from the ledger as migration 0007 does, then times on SQLite and PostgreSQL,
each the median of 3 runs:

- the audience: each person's exclusion reason and the counts by reason;
- the audience and writing its CSV file, as `rekisteri audience --out` does (with the audit
  entry that names every listed person);
- the limits, in the same run: the database merely reading the rows the audience reads (a count
  of each: persons, the (purpose, channel) slice of consent_state, person_reach, the channel's
  bans), and joining them as the audience does (persons outer-joined to the state slice and to
  person_reach); and, for the older way, merely counting the base rows person_reach spares the
  audience (the contact points of the kind, the contacts of the last 12 months);
- what keeping the copies costs the writers (each rolled back): recording a campaign to the
  e-mail audience and adding one contact point, with person_reach's triggers and without them;
  appending one ledger event, the insert alone (as before consent_state) and with its
  consent_state upsert.

    .venv/bin/python bench/bench_audience.py [--persons N] [--events N] [--bans N]
        [--backends sqlite,postgresql] [--keep DIR]

With --keep DIR the generated SQLite register is kept in DIR/bench.db and reused by the next
run with the same DIR (generation and the state backfill are then skipped and not timed; new
migrations are applied to it first).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rekisteri.adapters import db
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.adapters.schema.register import consent_event, contact_point
from rekisteri.config import Settings
from rekisteri.domain.consent import Channel
from rekisteri.domain.marketing import AudiencePurpose
from rekisteri.entrypoints.cli.marketing import ADDRESS_COLUMNS
from rekisteri.services import exports
from rekisteri.services.marketing import audience, campaigns, ledger_state, reach
from rekisteri.services.unit_of_work import Actor, RegisterApp

NOW = dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)
BASE_EPOCH = int(dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp())
NOW_EPOCH = int(NOW.timestamp())


def _ts(dialect: str, seconds: str) -> str:
    """A UTC timestamp from epoch seconds, stored as the register stores it."""
    if dialect == "sqlite":
        return f"strftime('%Y-%m-%d %H:%M:%S.000000', {seconds}, 'unixepoch')"
    return f"to_timestamp({seconds})"


def _date(dialect: str, iso: str) -> str:
    return f"'{iso}'" if dialect == "sqlite" else f"DATE '{iso}'"


def _bool(dialect: str, condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END" if dialect == "sqlite" else f"({condition})"


def _letters(number: str) -> str:
    """A number spelled in letters (0 a, 1 b ...): names hold no digits, which the ban key's
    normalisation would drop (and every name would then normalise alike)."""
    out = f"CAST({number} AS TEXT)"
    for digit, letter in zip("0123456789", "abcdefghij", strict=True):
        out = f"replace({out}, '{digit}', '{letter}')"
    return out


def _postal_code(dialect: str, number: str) -> str:
    padded = f"'0000' || ({number})"
    return f"substr({padded}, -5)" if dialect == "sqlite" else f"right({padded}, 5)"


def generate(engine: Engine, persons: int, events: int, bans: int, contacts: int) -> None:
    d = engine.dialect.name
    biggest = max(persons, events, bans, contacts)
    h = "((x * 2654435761) % 1000003)"  # a cheap deterministic scatter
    ban_person = f"((x * 7) % {persons}) + 1"  # the person ban x names
    ban_person_of_b = f"((b.id * 7) % {persons}) + 1"
    statements = [
        "CREATE TABLE bench_seq (x INTEGER PRIMARY KEY)",
        (
            "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < "
            f"{biggest}) INSERT INTO bench_seq SELECT x FROM s"
            if d == "sqlite"
            else f"INSERT INTO bench_seq SELECT generate_series(1, {biggest})"
        ),
        f"""INSERT INTO person (id, customer_number, kind, relationship, first_names, last_name,
            organisation_name, mother_tongue, deceased_on, restricted, created_at, source,
            received_at)
        SELECT x, 'B' || x,
            CASE WHEN x % 20 = 0 THEN 'legal' ELSE 'natural' END,
            CASE WHEN x % 10 = 3 THEN 'prospect' ELSE 'customer' END,
            CASE WHEN x % 20 = 0 THEN NULL ELSE 'Etu' || {_letters("x % 3000")} END,
            CASE WHEN x % 20 = 0 THEN NULL ELSE 'Suku' || {_letters(f"{h} % 20000")} END,
            CASE WHEN x % 20 = 0 THEN 'Yritys ' || x END,
            CASE WHEN x % 17 = 0 THEN 'sv' WHEN x % 29 = 0 THEN 'en' ELSE 'fi' END,
            CASE WHEN x % 97 = 0 THEN {_date(d, "2025-06-01")} END,
            {_bool(d, "x % 101 = 0")},
            {_ts(d, str(BASE_EPOCH))}, 'contract', {_ts(d, str(BASE_EPOCH))}
        FROM bench_seq WHERE x <= {persons}""",
        # Postal addresses for 12 of 13 (in 3,000 postal codes), e-mail for 7 of 10, phone
        # numbers for 6 of 10.
        f"""INSERT INTO contact_point (person_id, kind, street, postal_code, post_office,
            country, valid_from, source, received_at)
        SELECT x, 'postal', 'Katu ' || (x % 500) || ' ' || (x % 90 + 1),
            {_postal_code(d, "(x % 3000) * 33")}, 'Helsinki',
            'FI', {_date(d, "2024-01-01")}, 'contract', {_ts(d, str(BASE_EPOCH))}
        FROM bench_seq WHERE x <= {persons} AND x % 13 <> 0""",
        f"""INSERT INTO contact_point (person_id, kind, email, valid_from, source, received_at)
        SELECT x, 'email', 'p' || x || '@example.fi', {_date(d, "2024-01-01")}, 'contract',
            {_ts(d, str(BASE_EPOCH))}
        FROM bench_seq WHERE x <= {persons} AND x % 10 < 7""",
        f"""INSERT INTO contact_point (person_id, kind, phone, valid_from, source, received_at)
        SELECT x, 'phone', '+35840' || x, {_date(d, "2024-01-01")}, 'contract',
            {_ts(d, str(BASE_EPOCH))}
        FROM bench_seq WHERE x <= {persons} AND x % 10 >= 4""",
        # Ledger: events of persons in rounds, each round later than the one before.
        f"""INSERT INTO consent_event (person_id, purpose, channel, event, at, captured_how,
            captured_by, wording, wording_version, expires_at, source, received_at)
        SELECT ((x - 1) % {persons}) + 1,
            CASE WHEN {h} % 10 < 4 THEN 'own_marketing' WHEN {h} % 10 < 6 THEN 'group_marketing'
                 WHEN {h} % 10 < 7 THEN 'research' WHEN {h} % 10 < 8 THEN 'profiling'
                 WHEN {h} % 10 < 9 THEN 'newsletter' ELSE 'magazine' END,
            CASE WHEN {h} % 10 = 7 THEN 'any'
                 WHEN ({h} / 10) % 5 < 2 THEN 'email' WHEN ({h} / 10) % 5 = 2 THEN 'sms'
                 WHEN ({h} / 10) % 5 = 3 THEN 'letter' ELSE 'phone' END,
            CASE WHEN ({h} / 50) % 10 < 7 THEN 'granted'
                 WHEN ({h} / 50) % 10 < 9 THEN 'withdrawn' ELSE 'prohibited' END,
            {_ts(d, f"{BASE_EPOCH} + ((x - 1) / {persons}) * 8640000 + {h} % 86400")},
            'web_form', 'person', 'Saa lähettää tarjouksia.', '2024-1',
            CASE WHEN ({h} / 500) % 20 = 0 THEN {_ts(d, f"{BASE_EPOCH} + 31536000")} END,
            'customer_contact', {_ts(d, str(BASE_EPOCH))}
        FROM bench_seq WHERE x <= {events}""",
        # Bans of register persons, as ASML's file names them: 3 of 5 postal (a person's name
        # and current address; 1 of 10 at another address), the rest phone numbers (1 of 25
        # not the register's). The audience matches them itself; marketing_ban_match holds
        # what an import would have recorded (the audience read it before).
        f"""INSERT INTO marketing_ban (id, kind, last_name, first_names, street, postal_code,
            phone, match_key, registered_on, expires_on, source, received_at)
        SELECT x, 'postal', p.last_name, p.first_names, cp.street, cp.postal_code, NULL,
            lower(p.last_name) || '|' || lower(p.first_names) || '|'
                || lower(cp.street) || CASE WHEN x % 10 = 0 THEN ' muu' ELSE '' END
                || '|' || cp.postal_code,
            {_date(d, "2025-01-01")}, NULL, 'marketing_ban_register', {_ts(d, str(BASE_EPOCH))}
        FROM bench_seq
        JOIN person p ON p.id = {ban_person} AND p.kind = 'natural'
        JOIN contact_point cp ON cp.person_id = p.id AND cp.kind = 'postal'
        WHERE x <= {bans} AND x % 5 < 3""",
        f"""INSERT INTO marketing_ban (id, kind, phone, match_key, registered_on, expires_on,
            source, received_at)
        SELECT x, 'phone', n, n, {_date(d, "2025-01-01")}, {_date(d, "2028-01-01")},
            'marketing_ban_register', {_ts(d, str(BASE_EPOCH))}
        FROM (SELECT x, CASE WHEN x % 25 = 3 THEN '+35850' || x
                ELSE '+35840' || ({ban_person}) END AS n
              FROM bench_seq WHERE x <= {bans} AND x % 5 >= 3) numbers""",
        f"""INSERT INTO marketing_ban_match (ban_id, person_id, channel, matched_at)
        SELECT b.id, cp.person_id, CASE WHEN b.kind = 'postal' THEN 'letter' ELSE 'phone' END,
            {_ts(d, str(BASE_EPOCH))}
        FROM marketing_ban b JOIN contact_point cp ON cp.person_id = {ban_person_of_b}
            AND cp.kind = CASE WHEN b.kind = 'postal' THEN 'postal' ELSE 'phone' END
        WHERE (b.kind = 'postal' AND b.id % 10 <> 0)
            OR (b.kind = 'phone' AND cp.phone = b.phone)""",
        f"""INSERT INTO campaign (id, name, purpose, channel, sent_by, sent_at, recipients)
        SELECT x, 'Kampanja ' || x, 'own_marketing', 'email', 'bench',
            {_ts(d, f"{NOW_EPOCH} - x * 1209600")}, 0
        FROM bench_seq WHERE x <= 26""",
        f"""INSERT INTO marketing_contact (person_id, campaign_id, purpose, channel, sent_at)
        SELECT (({h} + x) % {max(persons // 2, 1)}) + 1, (x % 26) + 1, 'own_marketing', 'email',
            {_ts(d, f"{NOW_EPOCH} - ((x % 26) + 1) * 1209600")}
        FROM bench_seq WHERE x <= {contacts}""",
        "DROP TABLE bench_seq",
    ]
    if d == "postgresql":  # the campaigns were given their ids: the next one takes 27
        statements.append("SELECT setval(pg_get_serial_sequence('campaign', 'id'), 26)")
    with engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))


def _analyze(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def _timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_backend(
    name: str, url: str, args: argparse.Namespace, out: Path, reuse: bool = False
) -> list[list[str]]:
    rows: list[list[str]] = []
    if reuse:
        db.migrate(url)
        engine = db.make_engine(url)
        rows.append([name, "generate the register", "kept from an earlier run", ""])
    else:
        db.migrate(url)
        engine = db.make_engine(url)
        start = time.perf_counter()
        generate(engine, args.persons, args.events, args.bans, args.contacts)
        made = time.perf_counter() - start
        start = time.perf_counter()
        with engine.begin() as conn:
            # The events went in by plain SQL: their current state is built as the migration
            # that introduced consent_state builds it for an existing ledger.
            ledger_state.refresh(conn)
        backfilled = time.perf_counter() - start
        _analyze(engine)
        rows += [
            [name, "generate the register", f"{made:.1f} s", ""],
            [name, "consent_state from the whole ledger", f"{backfilled:.1f} s", ""],
        ]
    reg = RegisterApp(
        engine, Cipher(Keyring.generate()), Settings(database_url=url), clock=lambda: NOW
    )
    with engine.connect() as conn:
        counted = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("person", "consent_event", "consent_state", "contact_point", "marketing_ban")
        }
    rows.append([name, "rows", ", ".join(f"{t} {n:,}" for t, n in counted.items()), ""])
    for purpose, channel, kind in (
        (AudiencePurpose.OWN_MARKETING, Channel.EMAIL, "email"),
        (AudiencePurpose.OWN_MARKETING, Channel.LETTER, "postal"),
        (AudiencePurpose.OWN_MARKETING, Channel.PHONE, "phone"),
    ):
        spec = audience.AudienceSpec(purpose, channel)

        def read_inputs(purpose: str = purpose.value, ch: str = channel.value) -> int:
            # The rows the audience reads, merely counted: persons, the slice of the ledger's
            # state, person_reach and the bans of the channel (which it matches itself).
            sql = text(
                """SELECT (SELECT count(*) FROM person)
                 + (SELECT count(*) FROM consent_state WHERE purpose = :p AND channel = :c)
                 + (SELECT count(*) FROM person_reach)
                 + (SELECT count(*) FROM marketing_ban WHERE kind = :k)"""
            )
            kind = {"letter": "postal", "phone": "phone"}.get(ch, "none")
            with engine.connect() as conn:
                return int(conn.execute(sql, {"p": purpose, "c": ch, "k": kind}).scalar_one())

        def join_inputs(purpose: str = purpose.value, ch: str = channel.value) -> int:
            # Counting the joined columns: a count(*) would let either database leave out
            # an outer join on a key (nothing of it read).
            sql = text(
                """SELECT count(e.event) + count(r.contacted_1_at) FROM person p
                LEFT JOIN consent_state e
                  ON e.person_id = p.id AND e.purpose = :p AND e.channel = :c
                LEFT JOIN person_reach r ON r.person_id = p.id"""
            )
            with engine.connect() as conn:
                return int(conn.execute(sql, {"p": purpose, "c": ch}).scalar_one())

        def read_base_rows(kind: str = kind) -> int:
            # What person_reach copies, merely counted: the audience no longer reads these.
            sql = text(
                """SELECT (SELECT count(*) FROM contact_point WHERE kind = :k)
                 + (SELECT count(*) FROM marketing_contact WHERE sent_at > :since)"""
            )
            since = NOW - dt.timedelta(days=365)
            with engine.connect() as conn:
                return int(conn.execute(sql, {"k": kind, "since": since}).scalar_one())

        def build(spec: audience.AudienceSpec = spec) -> dict[str, int]:
            with reg.reading(Actor.system("bench")) as uow, audience.build(uow, spec) as a:
                return a.counts()

        def build_and_write(spec: audience.AudienceSpec = spec) -> dict[str, int]:
            with reg.reading(Actor.system("bench")) as uow, audience.build(uow, spec) as a:
                counts = a.counts()
                # As `rekisteri audience --out` writes it: batches of tuples, their cells made
                # safe for a spreadsheet, csv.writerows, whole or not at all.
                columns = ["id", "customer_number", "name", *ADDRESS_COLUMNS[spec.channel]]
                columns.append("language")
                exports.write_table(out, columns, a.batches(columns), settings=reg.settings)
                return counts

        t_read, _ = _timed(read_inputs)
        t_join, _ = _timed(join_inputs)
        t_base, _ = _timed(read_base_rows)
        t_build, counts = _timed(build)
        t_all, _ = _timed(build_and_write)
        label = f"{purpose.value}/{channel.value}"
        rows += [
            [name, f"{label}: read the input rows (count)", f"{t_read:.2f} s", "limit"],
            [name, f"{label}: join the inputs (count)", f"{t_join:.2f} s", "limit"],
            [name, f"{label}: read the copied base rows (count)", f"{t_base:.2f} s", "spared"],
            [name, f"{label}: audience, counts by reason", f"{t_build:.2f} s", ""],
            [name, f"{label}: audience + CSV file", f"{t_all:.2f} s", ""],
            [name, f"{label}: counts", ", ".join(f"{k} {v:,}" for k, v in counts.items()), ""],
        ]
    rows += _campaign_costs(name, reg)
    rows += _append_costs(name, engine, args.persons)
    engine.dispose()
    return rows


def _drop_triggers(conn: Connection, which: str) -> None:
    """Drop the triggers that keep person_reach on contact_point (`which` "_point_") or
    marketing_contact ("_contact_"), in the caller's transaction (rolled back by the caller,
    so they come back)."""
    table = "contact_point" if which == "_point_" else "marketing_contact"
    if conn.dialect.name == "sqlite":
        # pysqlite opens its transaction at the first data statement only: DDL before one
        # would commit at once (and the triggers would stay dropped).
        conn.execute(text("DELETE FROM person_reach WHERE 0 = 1"))
    for trigger in sorted(t for t in reach.TRIGGERS[conn.dialect.name] if which in t):
        on = f" ON {table}" if conn.dialect.name == "postgresql" else ""
        conn.execute(text(f"DROP TRIGGER {trigger}{on}"))


def _campaign_costs(name: str, reg: RegisterApp) -> list[list[str]]:
    """Recording a campaign to the e-mail audience (one marketing_contact per contactable
    person) with person_reach kept by its triggers, and without them; each rolled back."""
    spec = audience.AudienceSpec(AudiencePurpose.OWN_MARKETING, Channel.EMAIL)

    def recorded(keep_reach: bool) -> tuple[float, int]:
        # reading(): its transaction is rolled back, so the register stays as generated.
        with reg.reading(Actor.system("bench")) as uow, audience.build(uow, spec) as a:
            sent = a.counts()["contactable"]
            if not keep_reach:
                _drop_triggers(uow.connection, "_contact_")
            start = time.perf_counter()
            campaigns.record(a, "bench")
            return time.perf_counter() - start, sent

    with_reach = statistics.median(recorded(True)[0] for _ in range(3))
    plain = [recorded(False) for _ in range(3)]
    without, sent = statistics.median(t for t, _ in plain), plain[0][1]
    return [
        [name, f"record a campaign to {sent:,}: contacts alone", f"{without:.2f} s", "before"],
        [name, "record a campaign: + person_reach (triggers)", f"{with_reach:.2f} s", ""],
    ]


def _append_costs(name: str, engine: Engine, persons: int, n: int = 2000) -> list[list[str]]:
    """Microseconds per appended ledger event, without and with keeping consent_state; rolled
    back, so the register stays as generated."""

    def event(i: int) -> dict[str, Any]:
        return {
            "person_id": (i * 7919) % persons + 1,
            "purpose": "own_marketing",
            "channel": ("email", "sms", "letter", "phone")[i % 4],
            "event": ("granted", "withdrawn")[i % 2],
            "at": NOW + dt.timedelta(seconds=i),
            "captured_how": "web_form",
            "captured_by": "person",
            "wording": "Saa lähettää tarjouksia.",
            "wording_version": "2024-1",
            "ip_address": "192.0.2.1",
            "user_agent": "bench",
            "source": "customer_contact",
            "received_at": NOW,
        }

    def appended(keep_state: bool) -> float:
        with engine.connect() as conn:
            tx = conn.begin()
            start = time.perf_counter()
            for i in range(n):
                row = event(i)
                new_id = conn.execute(consent_event.insert().values(row)).inserted_primary_key[0]
                if keep_state:
                    ledger_state.keep_latest(conn, {**row, "id": new_id, "expires_at": None})
            spent = time.perf_counter() - start
            tx.rollback()
        return spent / n * 1e6

    def point_added(keep_reach: bool) -> float:
        with engine.connect() as conn:
            tx = conn.begin()
            if not keep_reach:
                _drop_triggers(conn, "_point_")
            start = time.perf_counter()
            for i in range(n):
                conn.execute(
                    contact_point.insert().values(
                        person_id=(i * 7919) % persons + 1,
                        kind="email",
                        email=f"uusi{i}@example.fi",
                        valid_from=NOW.date(),
                        source="customer_contact",
                        received_at=NOW,
                    )
                )
            spent = time.perf_counter() - start
            tx.rollback()
        return spent / n * 1e6

    before = statistics.median(appended(False) for _ in range(3))
    after = statistics.median(appended(True) for _ in range(3))
    plain = statistics.median(point_added(False) for _ in range(3))
    kept = statistics.median(point_added(True) for _ in range(3))
    return [
        [name, "append one ledger event: insert alone", f"{before:.0f} µs", "before"],
        [name, "append one ledger event: + consent_state", f"{after:.0f} µs", ""],
        [name, "add one contact point: insert alone", f"{plain:.0f} µs", "before"],
        [name, "add one contact point: + person_reach (trigger)", f"{kept:.0f} µs", ""],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--bans", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=2_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the SQLite register here")
    args = parser.parse_args()
    results: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-audience-") as tmp:
        out = Path(tmp) / "audience.csv"
        for backend in args.backends.split(","):
            if backend == "sqlite":
                where = args.keep or Path(tmp)
                where.mkdir(parents=True, exist_ok=True)
                kept = (where / "bench.db").exists()
                url = f"sqlite:///{where}/bench.db"
                results += bench_backend("sqlite", url, args, out, reuse=kept)
                print_table(results, header=False)  # partial figures survive a later failure
            elif backend == "postgresql":
                from tests.support.postgres import PostgresServer

                server = PostgresServer()
                server.start()
                try:
                    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
                    with admin.connect() as conn:
                        conn.execute(text("CREATE DATABASE bench"))
                    admin.dispose()
                    results += bench_backend("postgresql", server.url("bench"), args, out)
                    print_table([r for r in results if r[0] == "postgresql"], header=False)
                finally:
                    server.stop()
    print_table(results)


def print_table(rows: list[list[str]], header: bool = True) -> None:
    if not rows:
        return
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    if header:
        print("persons, ledger events, bans as given; median of 3 runs; 'limit' rows are the")
        print("database merely reading the same input rows in the same run; 'spared': the base")
        print("rows person_reach spares the audience; 'before': the write without what it keeps")
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


if __name__ == "__main__":
    main()
