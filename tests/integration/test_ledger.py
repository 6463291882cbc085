"""The consent ledger: append-only events, and the state at any past moment (both databases)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.schema.register import consent_event
from rekisteri.domain.consent import (
    CaptureMethod,
    ConsentChange,
    ConsentPurpose,
    ConsentState,
    Evidence,
)
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.register import Provenance
from rekisteri.services.marketing import ledger
from rekisteri.services.unit_of_work import RegisterApp
from tests.integration.marketing_helpers import STAFF, add_person, consent
from tests.support.clock import FakeClock

UTC = dt.UTC


def state_at(reg: RegisterApp, pid: int, when: dt.datetime, purpose: str, channel: str):
    with reg.reading(STAFF) as uow:
        found = {(s.purpose.value, s.channel): s.state for s in ledger.settings_of(uow, pid, when)}
    return found[(purpose, channel)]


def test_the_state_as_of_any_moment_of_a_ledger_that_changed_several_times(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = add_person(register)
    t = [dt.datetime(2026, 1, d, 12, tzinfo=UTC) for d in (1, 5, 10, 20)]
    consent(register, pid, "own_marketing", "email", "granted", t[0])
    consent(register, pid, "own_marketing", "email", "withdrawn", t[1])
    consent(register, pid, "own_marketing", "email", "granted", t[2])
    consent(register, pid, "own_marketing", "email", "prohibited", t[3])
    consent(register, pid, "own_marketing", "sms", "granted", t[1])
    expected = [
        (dt.datetime(2025, 12, 31, tzinfo=UTC), ConsentState.NONE),
        (t[0], ConsentState.GRANTED),
        (t[0] + dt.timedelta(days=2), ConsentState.GRANTED),
        (t[1] + dt.timedelta(seconds=1), ConsentState.WITHDRAWN),
        (t[2] + dt.timedelta(hours=1), ConsentState.GRANTED),
        (t[3], ConsentState.PROHIBITED),
        (clock(), ConsentState.PROHIBITED),
    ]
    for when, state in expected:
        assert state_at(register, pid, when, "own_marketing", "email") is state, when
    # Another channel keeps its own history.
    assert state_at(register, pid, t[0], "own_marketing", "sms") is ConsentState.NONE
    assert state_at(register, pid, t[3], "own_marketing", "sms") is ConsentState.GRANTED


def test_events_at_the_same_moment_are_ordered_by_arrival(register: RegisterApp) -> None:
    pid = add_person(register)
    at = dt.datetime(2026, 2, 1, tzinfo=UTC)
    consent(register, pid, "newsletter", "email", "granted", at)
    consent(register, pid, "newsletter", "email", "withdrawn", at)
    assert state_at(register, pid, at, "newsletter", "email") is ConsentState.WITHDRAWN


def test_a_consent_expires(register: RegisterApp, clock: FakeClock) -> None:
    pid = add_person(register)
    now = clock()
    consent(register, pid, "research", "phone", "granted", now, now + dt.timedelta(days=30))
    assert state_at(register, pid, now, "research", "phone") is ConsentState.GRANTED
    later = now + dt.timedelta(days=31)
    assert state_at(register, pid, later, "research", "phone") is ConsentState.EXPIRED


def test_the_ledger_only_grows_and_keeps_the_evidence(register: RegisterApp) -> None:
    pid = add_person(register)
    for event in ("granted", "withdrawn", "granted"):
        consent(register, pid, "own_marketing", "email", event)
    with register.reading(STAFF) as uow:
        history = ledger.history_of(uow, pid)
        count = uow.execute(select(func.count()).select_from(consent_event)).scalar_one()
    assert [h["event"] for h in history] == ["granted", "withdrawn", "granted"]
    assert count == 3
    assert all(h["wording"] and h["captured_by"] == "tester" for h in history)
    assert not hasattr(ledger, "update") and not hasattr(ledger, "delete")


@pytest.mark.parametrize(
    ("purpose", "channel", "event", "evidence", "field"),
    [
        ("own_marketing", "fax", "granted", None, "channel"),
        ("profiling", "email", "prohibited", None, "channel"),
        ("own_marketing", "email", "maybe", None, "event"),
        (
            "own_marketing",
            "email",
            "granted",
            Evidence(CaptureMethod.WEB_FORM, "person", "Kyllä", "1"),
            "ip_address",
        ),
        ("own_marketing", "email", "granted", Evidence(CaptureMethod.PHONE_CALL, "x"), "wording"),
    ],
)
def test_bad_events_store_nothing(register, purpose, channel, event, evidence, field) -> None:
    pid = add_person(register)
    with pytest.raises(InvalidInput) as caught, register.unit_of_work(STAFF) as uow:
        change = ConsentChange(
            purpose,
            channel,
            event,
            uow.now(),
            evidence or Evidence(CaptureMethod.PHONE_CALL, "x", "Kyllä", "1"),
        )
        ledger.record(uow, pid, change, Provenance.of("customer_contact", uow.now()))
    assert caught.value.field == field
    with register.reading(STAFF) as uow:
        assert uow.execute(select(func.count()).select_from(consent_event)).scalar_one() == 0


def test_profiling_is_recorded_without_a_channel(register: RegisterApp) -> None:
    pid = add_person(register)
    consent(register, pid, "profiling", "any", "prohibited")
    with register.reading(STAFF) as uow:
        states = {(s.purpose, s.channel): s.state for s in ledger.settings_of(uow, pid)}
    assert states[(ConsentPurpose.PROFILING, "any")] is ConsentState.PROHIBITED
