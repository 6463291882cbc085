"""The retention periods section 8 of the statement gives, kept by the retention run (P14).

Each record stays the day before its period ends and is gone the day after, with the period
taken from the catalogue rule the statement prints; the relationship and recording periods are
proved in test_erasure_and_retention.py, the audit trail's in test_audit_pruning.py and the
readings' in test_rights_readings.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.schema.disclosure import disclosure, disclosure_subject
from rekisteri.adapters.schema.register import contract, feedback, person
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.catalogue import Category, LawfulBasis, Purpose
from rekisteri.catalogue.model import RetentionRule
from rekisteri.catalogue.retention import CONTRACT_RECORDS, DISCLOSURE_RECORDS, FEEDBACK
from rekisteri.catalogue.rights import REQUEST_RECORDS
from rekisteri.domain.register import Provenance
from rekisteri.domain.requests import add_months
from rekisteri.domain.transfers import DisclosureKind
from rekisteri.services.access import disclosures
from rekisteri.services.rights import requests, retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.people import make_customer

DPO = Actor("tietosuoja.dpo")


def _count(reg: RegisterApp, table, *where) -> int:  # type: ignore[no-untyped-def]
    with reg.reading(DPO) as uow:
        return int(uow.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def _run_on(reg: RegisterApp, clock: FakeClock, day: dt.date) -> None:
    clock.set(dt.datetime.combine(day, dt.time(3), dt.UTC))
    with reg.unit_of_work(Actor("retention")) as uow:
        retention.run(uow)


def _end(start: dt.date, rule: RetentionRule) -> dt.date:
    return add_months(start, rule.months)


@pytest.mark.proves("P14.kept.feedback", "P14.kept.request-records", "P14.kept.disclosure-records")
def test_feedback_requests_and_disclosures_go_when_their_stated_period_ends(
    register: RegisterApp, clock: FakeClock
) -> None:
    start = clock().date()
    c = make_customer(register)  # a customer to this day, with feedback given today
    with register.unit_of_work(DPO) as uow:
        prov = Provenance.of("customer_contact", uow.now(), "letter")
        requests.new_request(uow, c.person_id, "access", "signed_letter", prov)
        disclosures.add_recipient(
            uow, "Perintä Oy", "collection_agency", "FI", ["billing_and_collection"]
        )
        disclosures.disclose(
            uow,
            disclosures.find_recipient(uow, "Perintä Oy"),
            kind=DisclosureKind.COLLECTION,
            purpose=Purpose.BILLING_AND_COLLECTION,
            basis=LawfulBasis.CONTRACT,
            categories=[Category.BILLING],
            person_ids=[c.person_id],
            reason="overdue invoice",
        )
    of_person = (
        (feedback, feedback.c.person_id == c.person_id),
        (rights_request, rights_request.c.person_id == c.person_id),
        (disclosure_subject, disclosure_subject.c.person_id == c.person_id),
    )
    assert [_count(register, t, w) for t, w in of_person] == [1, 1, 1]
    one_day = dt.timedelta(days=1)
    _run_on(register, clock, _end(start, FEEDBACK) - one_day)
    assert [_count(register, t, w) for t, w in of_person] == [1, 1, 1]
    _run_on(register, clock, _end(start, FEEDBACK) + one_day)
    assert [_count(register, t, w) for t, w in of_person] == [0, 1, 1]
    assert REQUEST_RECORDS.months == DISCLOSURE_RECORDS.months  # both five years
    _run_on(register, clock, _end(start, REQUEST_RECORDS) - one_day)
    assert [_count(register, t, w) for t, w in of_person] == [0, 1, 1]
    _run_on(register, clock, _end(start, REQUEST_RECORDS) + one_day)
    assert [_count(register, t, w) for t, w in of_person] == [0, 0, 0]
    assert _count(register, disclosure) == 0


@pytest.mark.proves("P14.kept.contract-records", "P14.contract-kept-years")
def test_a_former_customer_is_kept_the_contract_years_and_then_purged(
    register: RegisterApp, clock: FakeClock
) -> None:
    ended = dt.date(2025, 12, 31)
    c = make_customer(register, ended_on=ended)
    years = register.settings.contract_retention_years
    assert years * 12 == CONTRACT_RECORDS.months  # the statement's "10 years" by default
    last = add_months(ended, CONTRACT_RECORDS.months)
    _run_on(register, clock, last - dt.timedelta(days=1))
    assert _count(register, person, person.c.id == c.person_id) == 1
    assert _count(register, contract, contract.c.person_id == c.person_id) == 2
    _run_on(register, clock, last + dt.timedelta(days=1))
    assert _count(register, person, person.c.id == c.person_id) == 0
    assert _count(register, contract, contract.c.person_id == c.person_id) == 0


def test_a_retailer_keeping_contract_records_seven_years_has_them_purged_after_seven(
    register: RegisterApp, clock: FakeClock
) -> None:
    """The setting (contract_retention_years) decides the run, not the catalogue's default."""
    register.settings = register.settings.model_copy(update={"contract_retention_years": 7})
    ended = dt.date(2025, 12, 31)
    c = make_customer(register, ended_on=ended)
    last = add_months(ended, 7 * 12)
    _run_on(register, clock, last)
    assert _count(register, person, person.c.id == c.person_id) == 1
    _run_on(register, clock, last + dt.timedelta(days=1))
    assert _count(register, person, person.c.id == c.person_id) == 0
