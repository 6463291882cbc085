"""person_reach, kept by the database's triggers, says what the base tables say, whatever writes
them; the audiences that read it decide as lookups in the base tables would (both databases)."""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Connection, delete, func, insert, literal, select, text
from sqlalchemy.exc import IntegrityError

from rekisteri.adapters import person_reach
from rekisteri.adapters.schema.marketing import (
    campaign,
    marketing_contact,
    person_reach_deferral,
)
from rekisteri.adapters.schema.marketing import person_reach as person_reach_table
from rekisteri.adapters.schema.register import contact_point, person
from rekisteri.config import Settings
from rekisteri.domain.consent import Channel
from rekisteri.domain.drafts import ContactPointDraft, PersonDraft
from rekisteri.domain.marketing import AudiencePurpose
from rekisteri.domain.register import ContactKind, PersonKind, Provenance
from rekisteri.services.marketing import audience, campaigns, reach
from rekisteri.services.population.changes import apply_change_bytes
from rekisteri.services.register import customers
from rekisteri.services.rights.erasure import erase_person
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.marketing_helpers import (
    STAFF,
    add_person,
    assert_decided_as_looked_up,
    hetu,
)
from tests.support.clock import FakeClock

OWN = AudiencePurpose.OWN_MARKETING
KEPT = dt.timedelta(days=366)
KINDS = ("postal", "email", "phone")


def kept(conn: Connection) -> dict[int, tuple[object, ...]]:
    """person_reach as stored, rows with nothing in them left out."""
    rows = {int(r[0]): tuple(r[1:]) for r in conn.execute(select(person_reach_table))}
    return {p: r for p, r in rows.items() if any(v is not None for v in r)}


def from_the_base_tables(conn: Connection) -> dict[int, tuple[object, ...]]:
    """What person_reach should hold, computed here in Python from contact_point and
    marketing_contact: the newest point of each kind by (valid_from, id), and the latest 12
    contacts, newest first, without those 366 days or more older than the newest."""
    points: dict[tuple[int, str], tuple[dt.date, int, dt.date | None]] = {}
    for r in conn.execute(
        select(
            contact_point.c.person_id,
            contact_point.c.kind,
            contact_point.c.valid_from,
            contact_point.c.id,
            contact_point.c.valid_to,
        )
    ):
        key = (int(r.person_id), r.kind)
        if key not in points or (r.valid_from, r.id) > points[key][:2]:
            points[key] = (r.valid_from, int(r.id), r.valid_to)
    sent: dict[int, list[dt.datetime]] = {}
    for pid, at in conn.execute(select(marketing_contact.c.person_id, marketing_contact.c.sent_at)):
        sent.setdefault(int(pid), []).append(at)
    expected: dict[int, tuple[object, ...]] = {}
    for pid in {p for p, _ in points} | set(sent):
        row: list[object] = []
        for kind in KINDS:
            newest = points.get((pid, kind))
            row += [newest[1], newest[0], newest[2]] if newest else [None, None, None]
        times = sorted(sent.get(pid, []), reverse=True)[:12]
        row += [t if t > times[0] - KEPT else None for t in times]
        row += [None] * (12 - len(times))
        expected[pid] = tuple(row)
    return expected


def _campaign(conn: Connection, at: dt.datetime) -> int:
    return int(
        conn.execute(
            insert(campaign).values(
                name="Testi",
                purpose="own_marketing",
                channel="letter",
                sent_by="t",
                sent_at=at,
                recipients=0,
            )
        ).inserted_primary_key[0]
    )


def test_the_migrated_database_keeps_person_reach_by_its_triggers(register: RegisterApp) -> None:
    with register.engine.connect() as conn:
        assert reach.trusted(conn)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_person_reach_equals_the_base_tables_after_random_writes(
    register: RegisterApp, clock: FakeClock, seed: int
) -> None:
    """Contact points added (some valid only later), ended and deleted; contacts recorded now,
    after the fact and ahead of time, and deleted: by the services and by plain SQL alike."""
    rng = random.Random(seed)
    people = [add_person(register, email=rng.random() < 0.5) for _ in range(5)]
    for step in range(60):
        pid = rng.choice(people)
        action = rng.choice(["add", "add", "end", "delete", "send", "send", "forget", "later"])
        with register.unit_of_work(STAFF) as uow:
            conn, today, now = uow.connection, uow.today(), uow.now()
            prov = Provenance.of("customer_contact", now)
            points = [
                (int(r.id), r.valid_from)
                for r in conn.execute(
                    select(contact_point.c.id, contact_point.c.valid_from).where(
                        contact_point.c.person_id == pid
                    )
                )
            ]
            if action == "add":
                kind = rng.choice(list(ContactKind))
                since = today + dt.timedelta(days=rng.randint(-400, 60))
                value = {
                    ContactKind.EMAIL: {"value": f"s{step}@example.fi"},
                    ContactKind.PHONE: {"value": f"040 666 {step:04d}"},
                    ContactKind.POSTAL: {
                        "street": f"Uusikatu {step}",
                        "postal_code": "00100",
                        "post_office": "Helsinki",
                    },
                }[kind]
                draft = ContactPointDraft(kind, valid_from=since, **value)  # type: ignore[arg-type]
                customers.add_contact_point(uow, pid, draft, prov)
            elif action == "end" and points:
                point, since = rng.choice(points)
                until = since + dt.timedelta(days=rng.randint(0, 300))
                customers.end_contact_point(uow, point, until, "muutti", prov)
            elif action == "delete" and points:
                conn.execute(
                    delete(contact_point).where(contact_point.c.id == rng.choice(points)[0])
                )
            elif action == "send":
                at = now - dt.timedelta(days=rng.choice([0, 0, 0, 30, 200, 370, 800]))
                if rng.random() < 0.1:
                    at = now + dt.timedelta(days=10)  # recorded ahead of the clock
                conn.execute(
                    insert(marketing_contact).values(
                        person_id=pid,
                        campaign_id=_campaign(conn, at),
                        purpose="own_marketing",
                        channel="letter",
                        sent_at=at,
                    )
                )
            elif action == "forget":
                ids = list(
                    conn.execute(
                        select(marketing_contact.c.id).where(marketing_contact.c.person_id == pid)
                    ).scalars()
                )
                if ids:
                    conn.execute(
                        delete(marketing_contact).where(marketing_contact.c.id == rng.choice(ids))
                    )
            elif action == "later":
                clock.advance(days=rng.randint(1, 120))
        with register.engine.connect() as conn:
            assert kept(conn) == from_the_base_tables(conn), (seed, step, action)
    # The audiences that read the copy decide as the lookups in the base tables do.
    for channel in Channel:
        assert_decided_as_looked_up(register, audience.AudienceSpec(OWN, channel), people)


def test_the_newest_address_that_is_valid_today_is_the_one_used(
    register: RegisterApp, clock: FakeClock
) -> None:
    """A move announced ahead: the old address until the new one is valid, then the new one;
    an ended newest address leaves the older one still valid."""
    pid = add_person(register)
    with register.unit_of_work(STAFF) as uow:
        prov = Provenance.of("customer_contact", uow.now())
        moved = ContactPointDraft(
            ContactKind.POSTAL,
            street="Muuttokatu 5",
            postal_code="00200",
            post_office="Helsinki",
            valid_from=uow.today() + dt.timedelta(days=20),
        )
        customers.add_contact_point(uow, pid, moved, prov)

    def street() -> str | None:
        spec = audience.AudienceSpec(OWN, Channel.LETTER)
        with register.reading(STAFF) as uow, audience.build(uow, spec) as built:
            rows = {r["id"]: r["street"] for r in built.rows()}
        return rows.get(pid)

    assert street() == f"Mannerheimintie {pid_number(register, pid)} A 1"
    clock.advance(days=21)
    assert street() == "Muuttokatu 5"
    with register.unit_of_work(STAFF) as uow:
        newest = uow.execute(
            select(contact_point.c.id).where(contact_point.c.street == "Muuttokatu 5")
        ).scalar_one()
        customers.end_contact_point(
            uow, newest, uow.today() - dt.timedelta(days=1), "palautui", prov
        )
    assert street() == f"Mannerheimintie {pid_number(register, pid)} A 1"


def pid_number(register: RegisterApp, pid: int) -> str:
    """The number in the person's first street address (add_person numbers them)."""
    with register.engine.connect() as conn:
        first = conn.execute(
            select(contact_point.c.street)
            .where(contact_point.c.person_id == pid, contact_point.c.kind == "postal")
            .order_by(contact_point.c.id)
        ).first()
    assert first is not None
    return str(first[0]).split()[1]


def test_the_cap_counts_contacts_recorded_ahead_of_the_clock_only_once_they_are_past(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = add_person(register)
    spec = audience.AudienceSpec(OWN, Channel.LETTER)
    for n in range(4):
        with register.unit_of_work(STAFF) as uow, audience.build(uow, spec) as built:
            campaigns.record(built, f"Kampanja {n}")
        clock.advance(days=30)
    clock.advance(days=-100)  # back between the first contact and the second: one is past

    def reason() -> str | None:
        with register.reading(STAFF) as uow, audience.build(uow, spec) as built:
            return dict(uow.execute(select(built.table.c.person_id, built.reason)).all())[pid]

    assert reason() is None
    clock.advance(days=100)
    assert reason() == "frequency_cap"


def test_without_its_triggers_person_reach_is_not_trusted_and_the_audience_looks_up(
    register: RegisterApp, clock: FakeClock
) -> None:
    """A migration that copies the table (SQLite's batch mode) drops its triggers: the copy
    goes stale, so the audience must not read it; it still caps the person."""
    pid = add_person(register)
    with register.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER person_reach_contact_added ON marketing_contact"))
        else:
            conn.execute(text("DROP TRIGGER person_reach_contact_added"))
        assert not reach.trusted(conn)
    spec = audience.AudienceSpec(OWN, Channel.LETTER)
    for n in range(4):
        with register.unit_of_work(STAFF) as uow, audience.build(uow, spec) as built:
            assert built.counts()["contactable"] == 1, n
            campaigns.record(built, f"Kampanja {n}")
        clock.advance(days=30)
    with register.engine.connect() as conn:
        assert kept(conn)[pid][-12:] == (None,) * 12  # stale: no contact reached the copy
    with register.reading(STAFF) as uow, audience.build(uow, spec) as built:
        assert dict(uow.execute(select(built.table.c.person_id, built.reason)).all()) == {
            pid: "frequency_cap"
        }


def test_erasure_leaves_nothing_of_the_person_in_person_reach(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = add_person(register)
    spec = audience.AudienceSpec(OWN, Channel.LETTER)
    with register.unit_of_work(STAFF) as uow, audience.build(uow, spec) as built:
        campaigns.record(built, "Kampanja")
    with register.engine.connect() as conn:
        assert pid in kept(conn)
    with register.unit_of_work(STAFF) as uow:
        erase_person(uow, pid, Provenance.of("customer_contact", uow.now()), reason="pyyntö")
    with register.engine.connect() as conn:
        assert pid not in kept(conn)
        assert kept(conn) == from_the_base_tables(conn)


@pytest.mark.parametrize("cap", [0, 13])
def test_the_frequency_cap_cannot_be_set_to_allow_a_flood(cap: int) -> None:
    with pytest.raises(ValidationError):
        Settings(marketing_contacts_per_year=cap)


def test_person_reach_keeps_up_with_bulk_writes_of_many_persons(
    register: RegisterApp, clock: FakeClock
) -> None:
    """Statements of hundreds of rows (a bulk load, a campaign, a purge): PostgreSQL refreshes
    their persons together, planned for that many (a few persons take a plan kept once)."""
    now = clock()
    persons = list(range(9000, 9150))
    with register.engine.begin() as conn:
        conn.execute(
            insert(person),
            [
                {
                    "id": p,
                    "customer_number": f"B{p}",
                    "kind": "natural",
                    "relationship": "customer",
                    "restricted": False,
                    "created_at": now,
                    "source": "contract",
                    "received_at": now,
                }
                for p in persons
            ],
        )
        for kind, days in (("postal", 0), ("postal", 30), ("email", 10)):
            conn.execute(
                insert(contact_point),
                [
                    {
                        "person_id": p,
                        "kind": kind,
                        "street": f"Katu {p}" if kind == "postal" else None,
                        "email": f"p{p}@example.fi" if kind == "email" else None,
                        "valid_from": now.date() - dt.timedelta(days=days + p % 7),
                        "source": "contract",
                        "received_at": now,
                    }
                    for p in persons
                ],
            )
        for days in (400, 10, 200, 0, 90):  # out of order: some after the fact
            at = now - dt.timedelta(days=days)
            sent = select(
                person.c.id,
                literal(_campaign(conn, at)),
                literal("own_marketing"),
                literal("letter"),
                literal(at, marketing_contact.c.sent_at.type),
            ).where(person.c.id.in_(persons))
            conn.execute(
                insert(marketing_contact).from_select(
                    ["person_id", "campaign_id", "purpose", "channel", "sent_at"], sent
                )
            )
        conn.execute(delete(contact_point).where(contact_point.c.person_id.in_(persons[::3])))
        conn.execute(
            delete(marketing_contact).where(
                marketing_contact.c.person_id.in_(persons[:120]),
                marketing_contact.c.sent_at > now - dt.timedelta(days=5),
            )
        )
    with register.engine.connect() as conn:
        assert kept(conn) == from_the_base_tables(conn)


def _person_with_code(register: RegisterApp) -> tuple[int, str]:
    code = hetu()
    with register.unit_of_work(STAFF) as uow:
        draft = PersonDraft(
            PersonKind.NATURAL,
            first_names="Ville",
            last_name="Väestö",
            personal_identity_code=code,
            contact_points=(
                ContactPointDraft(
                    ContactKind.POSTAL,
                    street="Vanhatie 1",
                    postal_code="00100",
                    post_office="Helsinki",
                    valid_from=dt.date(2020, 1, 1),
                ),
                ContactPointDraft(ContactKind.EMAIL, f"{code}@example.fi"),
            ),
        )
        prov = Provenance.of("contract", uow.now())
        return customers.register_person(uow, draft, prov).person_id, code


def _move(code: str, on: dt.date, street: str, until: dt.date | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "identity_code": code,
        "kind": "temporary_address" if until else "permanent_address",
        "date": on.isoformat(),
        "street": street,
        "postal_code": "02100",
        "post_office": "Espoo",
    }
    return record | ({"valid_until": until.isoformat()} if until else {})


def _switches(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(person_reach_deferral)).scalar_one())


def test_person_reach_equals_the_base_tables_after_a_population_import_and_single_writes(
    register: RegisterApp, clock: FakeClock
) -> None:
    """The population import writes contact points with person_reach's triggers deferred and
    refreshes the persons it moved once (adapters/person_reach): afterwards the copy is what a
    recomputation from the base tables gives, and the ordinary writes that follow are kept by
    the triggers again."""
    people = [_person_with_code(register) for _ in range(6)]
    bystander = add_person(register)
    today = clock().date()
    changes = [
        _move(code, today + dt.timedelta(days=n), f"Uusikatu {n}")
        for n, (_, code) in enumerate(people)
    ]
    changes += [
        _move(people[0][1], today + dt.timedelta(days=8), "Toinenkatu 2"),  # moves again
        _move(people[1][1], today + dt.timedelta(days=9), "Kesätie 1", today + dt.timedelta(60)),
        _move(people[2][1], today + dt.timedelta(days=1), "Aiempikatu 3"),  # before its other
        {
            "identity_code": people[3][1],
            "kind": "name",
            "date": today.isoformat(),
            "first_names": "Ville",
            "last_name": "Uusinimi",
        },
    ]
    doc = {"format": "population-changes/1", "changes": changes}
    with register.unit_of_work(Actor.system("system:import-population")) as uow:
        done = apply_change_bytes(uow, "muutokset.json", json.dumps(doc).encode())
    assert (done.changed, done.conflicts) == (len(changes), [])
    with register.engine.connect() as conn:
        assert _switches(conn) == 0
        stored = kept(conn)
        assert stored == from_the_base_tables(conn)
        street = conn.execute(
            select(contact_point.c.street).where(
                contact_point.c.id == stored[people[0][0]][0]  # the newest postal point
            )
        ).scalar_one()
        assert street == "Toinenkatu 2"
        assert bystander in stored
    # Ordinary writes after the import: the triggers keep the copy again.
    pid = people[4][0]
    with register.unit_of_work(STAFF) as uow:
        prov = Provenance.of("customer_contact", uow.now())
        draft = ContactPointDraft(
            ContactKind.POSTAL,
            street="Omakatu 9",
            postal_code="00100",
            post_office="Helsinki",
            valid_from=today,
        )
        customers.add_contact_point(uow, pid, draft, prov)
    with register.engine.connect() as conn:
        assert kept(conn) == from_the_base_tables(conn)
        newest = kept(conn)[pid][0]
    with register.unit_of_work(STAFF) as uow:
        customers.end_contact_point(uow, newest, today + dt.timedelta(days=30), "muutti", prov)
        uow.execute(delete(contact_point).where(contact_point.c.person_id == people[5][0]))
    with register.engine.connect() as conn:
        assert kept(conn) == from_the_base_tables(conn)
        assert people[5][0] not in kept(conn)  # no points left: nothing kept of them


def test_while_deferred_the_triggers_wait_and_the_persons_named_are_refreshed_at_the_end(
    register: RegisterApp,
) -> None:
    pid = add_person(register)
    with register.engine.begin() as conn:
        before = kept(conn)[pid]
        with person_reach.deferred(conn) as touched:
            point = conn.execute(
                insert(contact_point).values(
                    person_id=pid,
                    kind="postal",
                    street="Viivytyskatu 1",
                    valid_from=dt.date(2030, 1, 1),
                    source="contract",
                    received_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                )
            ).inserted_primary_key[0]
            assert kept(conn)[pid] == before  # the trigger skipped its refresh
            touched.add(pid)
        assert kept(conn)[pid][0] == point
        assert kept(conn) == from_the_base_tables(conn)
        assert _switches(conn) == 0


def test_a_deferral_left_set_cannot_be_committed(register: RegisterApp) -> None:
    """A writer that forgets to end its deferral fails at commit (the switch's guard), so the
    triggers stay in charge of every other transaction."""
    pid = add_person(register)
    with register.engine.connect() as conn:
        before = kept(conn)
    with pytest.raises(IntegrityError), register.engine.begin() as conn:
        conn.execute(insert(person_reach_deferral).values(guard=0))
        conn.execute(delete(contact_point).where(contact_point.c.person_id == pid))
    with register.engine.connect() as conn:
        assert _switches(conn) == 0
        assert kept(conn) == before == from_the_base_tables(conn)


def test_another_writer_is_kept_by_the_triggers_while_a_deferral_is_open(
    register: RegisterApp,
) -> None:
    """PostgreSQL runs writers side by side: one transaction's switch is not seen by another.
    (SQLite has one writer at a time, so its switch is never open beside another writer.)"""
    if register.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    deferring, other = add_person(register), add_person(register)
    with register.engine.connect() as conn:
        assert other in kept(conn)
    with (
        register.engine.connect() as first,
        first.begin(),
        person_reach.deferred(first) as touched,
    ):
        first.execute(delete(contact_point).where(contact_point.c.person_id == deferring))
        touched.add(deferring)
        with register.engine.begin() as second:
            second.execute(delete(contact_point).where(contact_point.c.person_id == other))
        with register.engine.connect() as third:
            assert other not in kept(third)  # refreshed at once: no points, no row
            assert deferring in kept(third)  # the first's refresh waits for its block's end
    with register.engine.connect() as conn:
        assert kept(conn) == from_the_base_tables(conn)
