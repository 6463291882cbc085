"""The request workflow, rectification with notices to recipients, objection and restriction."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from rekisteri.adapters.schema.register import attribute_change, consent_event, person
from rekisteri.catalogue import Category, LawfulBasis, Purpose
from rekisteri.domain.drafts import ContactPointDraft
from rekisteri.domain.errors import RuleViolation
from rekisteri.domain.register import ContactKind, Provenance
from rekisteri.domain.transfers import DisclosureKind
from rekisteri.services.access import disclosures
from rekisteri.services.register import customers
from rekisteri.services.register.processing import ensure_processing_allowed
from rekisteri.services.rights import fulfilment, recipient_notices, requests
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.people import make_customer

DPO = Actor("tietosuoja.dpo")


def _prov(uow):  # type: ignore[no-untyped-def]
    return Provenance.of("customer_contact", uow.now(), "letter")


def _new(reg: RegisterApp, pid: int, kind: str, **kw):  # type: ignore[no-untyped-def]
    with reg.unit_of_work(DPO) as uow:
        return requests.new_request(uow, pid, kind, "signed_letter", _prov(uow), **kw)


def test_workflow_deadlines_duplicates_lists_and_repeats(
    register: RegisterApp, clock: FakeClock
) -> None:
    c = make_customer(register)
    clock.set(dt.datetime(2026, 1, 31, 9, tzinfo=dt.UTC))
    first = _new(register, c.person_id, "access")
    assert (first.due_month_on, first.due_30_days_on) == (dt.date(2026, 2, 28), dt.date(2026, 3, 2))
    assert first.due_on == dt.date(2026, 2, 28)
    with pytest.raises(RuleViolation, match="already has an open access request"):
        _new(register, c.person_id, "access")
    with register.unit_of_work(DPO) as uow, pytest.raises(RuleViolation, match="verified"):
        fulfilment.fulfil(uow, first.reference)
    with register.unit_of_work(DPO) as uow:
        assert [r["reference"] for r in requests.listing(uow, "overdue")] == []
        requests.verify(uow, first.reference, "identity_document", "passport seen")
    clock.advance(days=25)
    with register.reading(DPO) as uow:
        assert [r["reference"] for r in requests.listing(uow, "due_this_week")] == [first.reference]
    # Extension: within the first month, with a reason, at most two further months.
    with register.unit_of_work(DPO) as uow:
        with pytest.raises(RuleViolation, match="two further months"):
            requests.extend(uow, first.reference, dt.date(2026, 5, 1), "many files", uow.today())
        requests.extend(uow, first.reference, dt.date(2026, 4, 30), "many files", uow.today())
    clock.advance(days=10)  # past the original due date, but extended
    with register.reading(DPO) as uow:
        assert requests.listing(uow, "overdue") == []
        shown = requests.show(uow, first.reference)
    assert shown["due_on"] == dt.date(2026, 4, 30)
    assert [e["event"] for e in shown["events"]] == ["received", "verified", "extended"]
    with register.unit_of_work(DPO) as uow:
        done = fulfilment.fulfil(uow, first.reference)
        requests.close(uow, first.reference)
    assert done.access is not None and done.outcome["sections"]["contract"] == 2
    # Another access request within twelve months is a repeat: the DPO decides on a charge.
    clock.advance(days=100)
    again = _new(register, c.person_id, "access")
    assert again.repeat_of == first.reference
    with register.unit_of_work(DPO) as uow:
        requests.verify(uow, again.reference, "strong_identification")
    with register.unit_of_work(DPO) as uow, pytest.raises(RuleViolation, match="charge"):
        fulfilment.fulfil(uow, again.reference)
    with register.unit_of_work(DPO) as uow:
        requests.decide_charge(uow, again.reference, "waived", "first repeat, no charge")
        fulfilment.fulfil(uow, again.reference)
    # Overdue: an open request past its date is listed for the DPO.
    late = _new(register, c.person_id, "portability")
    clock.advance(days=40)
    with register.reading(DPO) as uow:
        overdue = requests.listing(uow, "overdue")
    assert [r["reference"] for r in overdue] == [late.reference] and overdue[0]["overdue"]


@pytest.mark.proves("P12.rectification")
def test_rectification_through_a_request_keeps_history_and_plans_notices(
    register: RegisterApp,
) -> None:
    c = make_customer(register)
    # The person's data went to two recipients earlier: they are the ones to tell (Art. 19).
    with register.unit_of_work(DPO) as uow:
        for name in ("Perintä Oy", "Suomen Asiakastieto Oy"):
            disclosures.add_recipient(uow, name, "service_provider", "FI", list(Purpose))
            disclosures.disclose(
                uow,
                disclosures.find_recipient(uow, name),
                kind=DisclosureKind.OTHER,
                purpose=Purpose.BILLING_AND_COLLECTION,
                basis=LawfulBasis.CONTRACT,
                categories=[Category.IDENTITY],
                person_ids=[c.person_id],
                reason="collection of an invoice",
            )
    req = _new(
        register,
        c.person_id,
        "rectification",
        details={"changes": {"last_name": "Virtanen"}, "reason": "name changed at marriage"},
    )
    with register.unit_of_work(DPO) as uow:
        requests.verify(uow, req.reference, "signature_matched")
        done = fulfilment.fulfil(uow, req.reference)
    assert done.outcome["changed"] == ["person.last_name"]
    assert done.outcome["recipients_to_notify"] == ["Perintä Oy", "Suomen Asiakastieto Oy"]
    with register.unit_of_work(DPO) as uow:
        change = uow.execute(
            select(attribute_change).where(attribute_change.c.attribute == "person.last_name")
        ).one()
        pending = recipient_notices.pending(uow)
        recipient_notices.record_notice(uow, pending[0]["id"], how="e-mail")
        recipient_notices.record_notice(
            uow, pending[1]["id"], impossible_reason="the recipient has ceased"
        )
        assert recipient_notices.pending(uow) == []
    assert (change.old_value, change.new_value) == ("Meikäläinen", "Virtanen")
    assert pending[0]["reference"] == req.reference


@pytest.mark.proves("P13.objection-marketing")
def test_objection_writes_prohibitions_for_every_channel_and_purpose(register: RegisterApp) -> None:
    c = make_customer(register)
    req = _new(register, c.person_id, "objection", details={"wording": "Ei markkinointia"})
    with register.unit_of_work(DPO) as uow:
        requests.verify(uow, req.reference, "signature_matched")
        done = fulfilment.fulfil(uow, req.reference)
    # Profiling is not tied to a channel: the ledger keeps it on the "any" channel.
    assert done.outcome == {"prohibitions": 13}
    with register.reading(DPO) as uow:
        rows = uow.execute(select(consent_event).where(consent_event.c.event == "prohibited")).all()
    assert {(r.purpose, r.channel) for r in rows} == {
        (p, ch)
        for p in ("own_marketing", "group_marketing", "research")
        for ch in ("email", "sms", "letter", "phone")
    } | {("profiling", "any")}
    assert all(r.wording == "Ei markkinointia" and r.captured_by == DPO.name for r in rows)


@pytest.mark.proves("P14.restriction")
def test_restriction_stops_processing_except_legal_claims_and_the_persons_own_rectification(
    register: RegisterApp,
) -> None:
    c = make_customer(register)
    req = _new(register, c.person_id, "restriction", details={"reason": "accuracy contested"})
    with register.unit_of_work(DPO) as uow:
        requests.verify(uow, req.reference, "signature_matched")
        fulfilment.fulfil(uow, req.reference)
    with register.unit_of_work(DPO) as uow:
        row = uow.execute(select(person).where(person.c.id == c.person_id)).one()
        assert row.restricted and row.restricted_reason == "accuracy contested"
        ensure_processing_allowed(uow, c.person_id, Purpose.BILLING_AND_COLLECTION)
        with pytest.raises(RuleViolation, match="restricted"):
            ensure_processing_allowed(uow, c.person_id, Purpose.DIRECT_MARKETING)
    with register.unit_of_work(DPO) as uow, pytest.raises(RuleViolation, match="restricted"):
        customers.add_contact_point(
            uow, c.person_id, ContactPointDraft(ContactKind.PHONE, "+358409999999"), _prov(uow)
        )
    with register.unit_of_work(DPO) as uow, pytest.raises(RuleViolation, match="restricted"):
        customers.rectify_person(uow, c.person_id, {"last_name": "X"}, "typo", _prov(uow))
    # The rectification the person asked for still goes through their request.
    fix = _new(
        register, c.person_id, "rectification", details={"changes": {"first_names": "Maija"}}
    )
    with register.unit_of_work(DPO) as uow:
        requests.verify(uow, fix.reference, "signature_matched")
        assert fulfilment.fulfil(uow, fix.reference).outcome["changed"] == ["person.first_names"]
