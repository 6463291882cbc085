"""consent_state, the ledger's current state kept with every append, equals what the ledger
itself says, whatever the order of appends (both databases)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select, text

from rekisteri.adapters.schema.marketing import consent_state
from rekisteri.adapters.schema.register import consent_event
from rekisteri.domain.consent import CaptureMethod, Channel, ConsentState
from rekisteri.domain.marketing import AudiencePurpose
from rekisteri.domain.register import Provenance
from rekisteri.services.marketing import audience, ledger, ledger_state
from rekisteri.services.rights.erasure import erase_person
from rekisteri.services.rights.objection import record_objection
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.marketing_helpers import STAFF, add_person, consent
from tests.support.clock import FakeClock

UTC = dt.UTC
KEYS = [
    ("own_marketing", "email"),
    ("own_marketing", "sms"),
    ("group_marketing", "letter"),
    ("profiling", "any"),
]


def stored(conn: Connection) -> set[tuple[object, ...]]:
    cs = consent_state
    rows = conn.execute(
        select(cs.c.person_id, cs.c.purpose, cs.c.channel, cs.c.event_id, cs.c.event)
    )
    return {tuple(r) for r in rows}


def from_the_ledger(conn: Connection) -> set[tuple[object, ...]]:
    """The latest event of every key, by time then arrival, computed here in Python."""
    latest: dict[tuple[object, ...], tuple[dt.datetime, int, str]] = {}
    ce = consent_event
    for r in conn.execute(
        select(ce.c.person_id, ce.c.purpose, ce.c.channel, ce.c.at, ce.c.id, ce.c.event)
    ):
        key = (r.person_id, r.purpose, r.channel)
        if key not in latest or (r.at, r.id) > latest[key][:2]:
            latest[key] = (r.at, r.id, r.event)
    return {(*k, v[1], v[2]) for k, v in latest.items()}


@pytest.mark.parametrize("seed", [1, 2])
def test_the_current_state_equals_the_ledger_after_random_appends(
    register: RegisterApp, clock: FakeClock, seed: int
) -> None:
    rng = random.Random(seed)
    persons = [add_person(register) for _ in range(3)]
    base = clock()
    for _ in range(40):
        pid = rng.choice(persons)
        purpose, channel = rng.choice(KEYS)
        # Events arrive out of order (recorded after the fact), at the same moment as others,
        # and sometimes ahead of time.
        at = base + dt.timedelta(hours=rng.choice([-48, -1, 0, 0, 1, 5, 30]))
        if rng.random() < 0.15:
            with register.unit_of_work(STAFF) as uow:
                record_objection(
                    uow,
                    pid,
                    Provenance.of("customer_contact", uow.now()),
                    captured_how=CaptureMethod.PHONE_CALL,
                    wording="Ei markkinointia.",
                    channels=(Channel.EMAIL, Channel.SMS),
                )
        else:
            event = rng.choice(["granted", "granted", "withdrawn", "prohibited"])
            expires = (
                at + dt.timedelta(days=1) if event == "granted" and rng.random() < 0.3 else None
            )
            consent(register, pid, purpose, channel, event, at, expires)
        if rng.random() < 0.2:
            clock.advance(hours=rng.randint(1, 10))
    with register.engine.connect() as conn:
        assert stored(conn) == from_the_ledger(conn)
        assert len(stored(conn)) > 5
        # The set-based rebuild (bulk loads, the migration) gives the same rows.
        ledger_state.refresh(conn)
        assert stored(conn) == from_the_ledger(conn)
        conn.rollback()


def test_the_audience_reads_the_ledger_for_an_event_recorded_ahead_of_time(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = add_person(register)
    consent(register, pid, "own_marketing", "email", "granted")
    consent(register, pid, "own_marketing", "email", "withdrawn", clock() + dt.timedelta(days=1))
    spec = audience.AudienceSpec(AudiencePurpose.OWN_MARKETING, Channel.EMAIL)

    def state_now() -> tuple[ConsentState, str | None]:
        with register.reading(STAFF) as uow:
            why = audience.explain(uow, spec, pid)
            assert why is not None
            with audience.build(uow, spec) as a:
                counts = a.counts()
        assert counts.get("contactable", 0) + counts.get("withdrawn", 0) == 1
        return why.facts.consent, why.sql_reason

    # The withdrawal is in consent_state already, but not yet in force.
    assert state_now() == (ConsentState.GRANTED, None)
    clock.advance(days=2)
    assert state_now() == (ConsentState.WITHDRAWN, "withdrawn")


def test_erasure_takes_the_current_state_with_the_ledger(
    register: RegisterApp,
) -> None:
    pid = add_person(register)
    other = add_person(register)
    consent(register, pid, "own_marketing", "email", "granted")
    consent(register, other, "own_marketing", "email", "granted")
    with register.unit_of_work(Actor("dpo")) as uow:
        erase_person(uow, pid, Provenance.of("customer_contact", uow.now()), reason="Art. 17")
    with register.engine.connect() as conn:
        left = conn.execute(select(consent_state.c.person_id)).scalars().all()
        events = conn.execute(
            select(func.count()).where(consent_event.c.person_id == pid)
        ).scalar_one()
    assert left == [other]
    assert events == 0


def test_the_migration_builds_the_state_of_an_existing_ledger(register: RegisterApp) -> None:
    pid = add_person(register)
    for at, event in ((2, "granted"), (1, "withdrawn"), (3, "prohibited"), (3, "granted")):
        consent(register, pid, "own_marketing", "sms", event, dt.datetime(2026, 1, at, tzinfo=UTC))
    consent(register, pid, "research", "phone", "granted", dt.datetime(2026, 1, 1, tzinfo=UTC))
    path = Path(ledger.__file__).parents[2] / "adapters/migrations/versions/0007_marketing_state.py"
    found = importlib.util.spec_from_file_location("marketing_state_migration", path)
    assert found is not None and found.loader is not None
    migration = importlib.util.module_from_spec(found)
    found.loader.exec_module(migration)
    with register.engine.connect() as conn:
        expected = from_the_ledger(conn)
        conn.execute(consent_state.delete())
        conn.execute(text(migration.BACKFILL))
        assert stored(conn) == expected
        conn.rollback()
    assert (pid, "own_marketing", "sms") in {r[:3] for r in expected}
    assert {r[4] for r in expected} == {"granted"}  # the later of the two at the same moment


def test_the_ledger_read_for_an_event_ahead_of_time_is_the_persons_own_key_latest_first(
    register: RegisterApp, clock: FakeClock
) -> None:
    """Where the kept state is ahead of time, the audience reads the ledger: only this
    person's events of this purpose and channel, the latest by time (of two at the same moment,
    the later recorded), whatever order they were recorded in."""
    now = clock()
    pid, other = add_person(register), add_person(register)
    # Two at the same moment: the later recorded counts (granted).
    consent(register, pid, "own_marketing", "letter", "prohibited", now - dt.timedelta(days=2))
    consent(register, pid, "own_marketing", "letter", "granted", now - dt.timedelta(days=2))
    # Recorded later, but of an earlier day: not the latest.
    consent(register, pid, "own_marketing", "letter", "withdrawn", now - dt.timedelta(days=10))
    # Ahead of time: in consent_state, not yet in force.
    consent(register, pid, "own_marketing", "letter", "withdrawn", now + dt.timedelta(days=1))
    # Later events, but of another person, channel or purpose.
    consent(register, other, "own_marketing", "letter", "prohibited", now - dt.timedelta(hours=1))
    consent(register, pid, "own_marketing", "sms", "prohibited", now - dt.timedelta(hours=1))
    consent(register, pid, "group_marketing", "letter", "prohibited", now - dt.timedelta(hours=1))
    spec = audience.AudienceSpec(AudiencePurpose.OWN_MARKETING, Channel.LETTER)
    with register.reading(STAFF) as uow:
        why = audience.explain(uow, spec, pid)
        with audience.build(uow, spec) as a:
            contactable = [r["id"] for r in a.rows()]
    assert why is not None and why.facts.consent is ConsentState.GRANTED
    assert why.sql_reason is None and contactable == [pid]


def test_a_profiling_objection_holds_while_a_later_event_is_ahead_of_time(
    register: RegisterApp, clock: FakeClock
) -> None:
    """A segmented audience reads the profiling objection from the ledger while the kept
    state holds an event not yet in force."""
    from rekisteri.domain.segments import SegmentDefinition, parse_rule

    pid = add_person(register)
    consent(register, pid, "profiling", "any", "prohibited", clock() - dt.timedelta(days=1))
    consent(register, pid, "profiling", "any", "granted", clock() + dt.timedelta(days=1))
    segment = SegmentDefinition("kaikki", (parse_rule("language=fi"),))
    spec = audience.AudienceSpec(AudiencePurpose.OWN_MARKETING, Channel.LETTER, segment)
    with register.reading(STAFF) as uow:
        why = audience.explain(uow, spec, pid)
    assert why is not None and why.sql_reason == "profiling_objection"
