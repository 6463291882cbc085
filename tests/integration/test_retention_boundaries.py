"""Each retention period to the day (P14), on SQLite and PostgreSQL: data is kept the day
before its period ends and is gone the day after, and customers with open invoices keep what
collecting the claim needs. The periods are written here as the privacy notice states them, so
a changed period in the catalogue or in the run is noticed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Table, func, select

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.disclosure import disclosure, disclosure_subject
from rekisteri.adapters.schema.register import (
    call_recording,
    consent_event,
    contact_log,
    contact_point,
    feedback,
    person,
)
from rekisteri.adapters.schema.rights import erasure_journal
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.requests import add_months
from rekisteri.domain.values import HELSINKI
from rekisteri.services.rights import retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.disclosed import disclose_to
from tests.support.people import Customer, another_customer, make_customer

RUN = Actor("retention")
START = dt.date(2026, 3, 3)  # the test clock's first day: the rows below are recorded then
ENDED = dt.date(2025, 3, 15)  # mid-month: no month-end rounding in the periods below


@dataclass(frozen=True)
class Period:
    months: int
    table: Table
    anchor: Callable[[], dt.date]  # the day the period runs from
    ended: bool  # the customer's contracts have ended (on ENDED)


def _rows(reg: RegisterApp, table: Table, c: Customer) -> int:
    if table is call_recording:  # its person is its contact log entry's
        where = []
    else:
        owner = table.c.id if table is person else table.c.person_id
        where = [owner == c.person_id]
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def _person_row(reg: RegisterApp, c: Customer) -> Any:
    with reg.engine.connect() as conn:
        return conn.execute(select(person).where(person.c.id == c.person_id)).one()


def _another_ended(reg: RegisterApp) -> Customer:
    """A second customer whose contracts ended on ENDED (own identity code, contacts, sites)."""
    return another_customer(reg, ended_on=ENDED)


PERIODS = {
    # Recorded: the contact log 36 months, call recordings 12, feedback 24 from the contact.
    "contact_history": Period(36, contact_log, lambda: START, ended=False),
    "recordings": Period(12, call_recording, lambda: START, ended=False),
    "feedback": Period(24, feedback, lambda: START, ended=False),
    # After the relationship: contact data 12 months, marketing data 24, contract records ten
    # years (the person is purged whole then).
    "customer_data": Period(12, contact_point, lambda: ENDED, ended=True),
    "marketing_data": Period(24, consent_event, lambda: ENDED, ended=True),
    "contract_records": Period(120, person, lambda: ENDED, ended=True),
}


def _run_on(reg: RegisterApp, clock: FakeClock, day: dt.date) -> retention.RunResult:
    clock.set(dt.datetime.combine(day, dt.time(10), dt.UTC))
    with reg.unit_of_work(RUN) as uow:
        return retention.run(uow)


@pytest.mark.parametrize("rule", list(PERIODS))
def test_each_period_keeps_data_the_day_before_it_ends_and_not_the_day_after(
    register: RegisterApp, clock: FakeClock, rule: str
) -> None:
    period = PERIODS[rule]
    c = make_customer(register, ended_on=ENDED if period.ended else None)
    held = _rows(register, period.table, c)
    assert held > 0
    ends = add_months(period.anchor(), period.months)
    _run_on(register, clock, ends - dt.timedelta(days=1))
    assert _rows(register, period.table, c) == held, f"{rule}: kept until {ends}"
    # Kept through the day itself: the erasure answer names it as the day the data is kept until.
    _run_on(register, clock, ends)
    assert _rows(register, period.table, c) == held, f"{rule}: kept on {ends}"
    # A preview the day after counts what the run will take and takes nothing.
    clock.set(dt.datetime.combine(ends + dt.timedelta(days=1), dt.time(10), dt.UTC))
    with register.unit_of_work(RUN) as uow:
        preview = retention.run(uow, dry_run=True)
    assert _rows(register, period.table, c) == held, f"{rule}: a preview took it"
    result = _run_on(register, clock, ends + dt.timedelta(days=1))
    assert _rows(register, period.table, c) == 0, f"{rule}: gone after {ends}"
    assert sum(n for k, n in result.counts.items() if k.startswith(rule) or "purged" in k) > 0
    assert preview.counts == result.counts


def test_the_access_log_is_kept_five_years_to_the_day(
    register: RegisterApp, clock: FakeClock
) -> None:
    make_customer(register)  # its registration is in the trail, recorded on START
    first_day = audit_entry.c.at < dt.datetime.combine(
        START + dt.timedelta(days=1), dt.time(), dt.UTC
    )

    def entries() -> int:
        with register.engine.connect() as conn:
            return int(conn.execute(select(func.count()).where(first_day)).scalar_one())

    held = entries()
    assert held > 0
    ends = add_months(START, 60)
    for day in (ends - dt.timedelta(days=1), ends):
        _run_on(register, clock, day)
        assert entries() == held, day
    result = _run_on(register, clock, ends + dt.timedelta(days=1))
    assert entries() == 0
    assert result.counts["audit entries past their period: pruned"] == held


def test_open_invoices_keep_contact_data_past_12_months_and_the_person_past_ten_years(
    register: RegisterApp, clock: FakeClock
) -> None:
    owing = make_customer(register, ended_on=ENDED, open_invoice=True)
    paid = _another_ended(register)
    # 13 months on: the paid-up customer's contact data is gone, the owing one's kept to
    # collect the claim.
    early = _run_on(register, clock, add_months(ENDED, 13))
    assert not any("open invoices" in n for n in early.notes)  # nobody past ten years yet
    assert _rows(register, contact_point, paid) == 0
    assert _rows(register, contact_point, owing) == 3
    assert _person_row(register, owing).restricted  # what is kept for the claim is restricted
    # On the tenth year's last day both are kept, and nobody is noted.
    on_the_day = _run_on(register, clock, add_months(ENDED, 120))
    assert _rows(register, person, paid) == 1
    assert not any("open invoices" in n for n in on_the_day.notes)
    # Ten years and a day on: the paid-up customer is purged, the owing one kept and noted.
    result = _run_on(register, clock, add_months(ENDED, 120) + dt.timedelta(days=1))
    assert _rows(register, person, paid) == 0
    assert _rows(register, person, owing) == 1
    assert _rows(register, contact_point, owing) == 3
    assert result.counts["ended customers past the contract period: purged"] == 1
    assert "1 ended customers past the period kept: open invoices" in result.notes


def test_a_disclosure_record_is_kept_five_years_to_the_day(
    register: RegisterApp, clock: FakeClock
) -> None:
    """Kept 60 months from the disclosure (accountability), with whom it was about; a record
    and its subjects go together the day after, though the customer is still a customer."""
    c = make_customer(register)
    disclose_to(register, "Perintä Oy", [c.person_id])  # on START, the test clock's first day
    ends = add_months(START, 60)
    for day in (ends - dt.timedelta(days=1), ends):
        _run_on(register, clock, day)
        assert _rows(register, disclosure_subject, c) == 1, day
    _run_on(register, clock, ends + dt.timedelta(days=1))
    assert _rows(register, disclosure_subject, c) == 0
    with register.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(disclosure)).scalar_one() == 0
    assert _rows(register, person, c) == 1


@pytest.mark.parametrize("rule", ["contact_history", "customer_data"])
def test_the_run_counts_in_helsinki_days_whatever_the_hour(
    register: RegisterApp, clock: FakeClock, rule: str
) -> None:
    """A run at 23:30 in Helsinki on the last day keeps the data; one at 00:30 the next day
    (still the last day in UTC) removes it: the day a row is kept until is a Finnish day."""
    period = PERIODS[rule]
    c = make_customer(register, ended_on=ENDED if period.ended else None)
    held = _rows(register, period.table, c)
    ends = add_months(period.anchor(), period.months)
    for at, left in (
        (dt.datetime.combine(ends, dt.time(23, 30), HELSINKI), held),
        (dt.datetime.combine(ends + dt.timedelta(days=1), dt.time(0, 30), HELSINKI), 0),
    ):
        assert at.astimezone(dt.UTC).date() == ends
        clock.set(at.astimezone(dt.UTC))
        with register.unit_of_work(RUN) as uow:
            retention.run(uow)
        assert _rows(register, period.table, c) == left, (rule, at)


def test_the_run_takes_only_the_ended_customers_data_and_a_second_run_finds_nothing(
    register: RegisterApp, clock: FakeClock
) -> None:
    """Two customers, the one in force registered first (the lower id): 13 months after the
    other's contracts ended, only theirs goes; a preview counts the same and changes nothing."""
    active = make_customer(register)
    ended = _another_ended(register)
    day = add_months(ENDED, 13)
    clock.set(dt.datetime.combine(day, dt.time(10), dt.UTC))
    with register.unit_of_work(RUN) as uow:
        preview = retention.run(uow, dry_run=True)
    assert _rows(register, contact_point, ended) == 3
    assert not _person_row(register, ended).restricted
    done = _run_on(register, clock, day)
    relationship = {
        k: n for k, n in done.counts.items() if k.startswith(("customer_data", "restricted"))
    }
    assert relationship == {
        k: n for k, n in preview.counts.items() if k.startswith(("customer_data", "restricted"))
    }
    assert _rows(register, contact_point, ended) == 0
    assert _rows(register, contact_point, active) == 3
    gone, kept = _person_row(register, ended), _person_row(register, active)
    assert gone.birth_year is None and kept.birth_year is not None
    assert gone.restricted and gone.restricted_reason == coded(Reason.RETENTION_ENDED)
    assert not kept.restricted
    assert done.counts["restricted: relationship ended"] == 1
    again = _run_on(register, clock, day)
    assert {k: n for k, n in again.counts.items() if n and k in relationship} == {}


def test_a_contact_recorded_after_the_relationship_ended_counts_from_its_own_day(
    register: RegisterApp, clock: FakeClock
) -> None:
    """The contact log's 36 months run from each entry, not from the end of the relationship:
    the entry recorded on START (a year after the contracts ended) outlives ENDED + 36 months."""
    c = make_customer(register, ended_on=ENDED)
    held = _rows(register, contact_log, c)
    assert held > 0
    _run_on(register, clock, add_months(ENDED, 36) + dt.timedelta(days=2))
    assert _rows(register, contact_log, c) == held
    _run_on(register, clock, add_months(START, 36) + dt.timedelta(days=1))
    assert _rows(register, contact_log, c) == 0


def test_a_retailer_keeping_recordings_18_months_has_them_18_months(
    register: RegisterApp, clock: FakeClock
) -> None:
    """The setting (recording_retention_months) decides the run, not the catalogue's 12."""
    register.settings = register.settings.model_copy(update={"recording_retention_months": 18})
    c = make_customer(register)
    held = _rows(register, call_recording, c)
    assert held > 0
    ends = add_months(START, 18)
    _run_on(register, clock, ends)
    assert _rows(register, call_recording, c) == held
    _run_on(register, clock, ends + dt.timedelta(days=1))
    assert _rows(register, call_recording, c) == 0


def test_a_run_is_journalled_with_its_day_and_a_preview_is_not(
    register: RegisterApp, clock: FakeClock
) -> None:
    """A restored backup applies again the runs made since it (their day from the journal);
    a preview removed nothing, so there is nothing to apply again."""
    day = add_months(ENDED, 13)
    clock.set(dt.datetime.combine(day, dt.time(10), dt.UTC))
    with register.unit_of_work(RUN) as uow:
        retention.run(uow, dry_run=True)
    journal = select(erasure_journal.c.kind, erasure_journal.c.run_day)
    with register.engine.connect() as conn:
        assert conn.execute(journal).all() == []
    _run_on(register, clock, day)
    with register.engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(journal)] == [("retention", day)]
