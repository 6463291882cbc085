"""Fees on the request desk (GDPR Art. 12(5), 15(3)): the first copy is free, a further copy
waits for the DPO's decision on a reasonable fee, and a manifestly unfounded or excessive
request may be charged for or refused with reasons."""

from __future__ import annotations

import json

import pytest

from rekisteri.domain.errors import RuleViolation
from rekisteri.domain.register import Provenance
from rekisteri.services.rights import fulfilment, requests
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.people import make_customer

DPO = Actor("tietosuoja.dpo")


def _new(reg: RegisterApp, pid: int, kind: str) -> requests.NewRequest:
    with reg.unit_of_work(DPO) as uow:
        prov = Provenance.of("customer_contact", uow.now(), "letter")
        done = requests.new_request(uow, pid, kind, "signed_letter", prov)
        requests.verify(uow, done.reference, "signature_matched")
    return done


def _decide(reg: RegisterApp, reference: str, decision: str, why: str = "told") -> None:
    with reg.unit_of_work(DPO) as uow:
        requests.decide_charge(uow, reference, decision, why)


def _fulfil(reg: RegisterApp, reference: str) -> None:
    with reg.unit_of_work(DPO) as uow:
        fulfilment.fulfil(uow, reference)


def _shown(reg: RegisterApp, reference: str) -> dict[str, object]:
    with reg.reading(DPO) as uow:
        return requests.show(uow, reference)


@pytest.mark.proves("P11.first-copy-free", "P11.further-copy-fee")
def test_the_first_copy_is_free_and_a_further_one_may_carry_a_fee(
    register: RegisterApp, clock: FakeClock
) -> None:
    c = make_customer(register)
    first = _new(register, c.person_id, "access")
    for decision in ("charged", "excessive"):
        with pytest.raises(RuleViolation, match=r"(first|further) copy"):
            _decide(register, first.reference, decision)
    _fulfil(register, first.reference)
    assert _shown(register, first.reference)["charge_decision"] == "none"
    with pytest.raises(RuleViolation, match="open"):
        _decide(register, first.reference, "waived")

    clock.advance(days=100)
    again = _new(register, c.person_id, "access")
    assert again.repeat_of == first.reference
    notes = [e["note"] for e in _shown(register, again.reference)["events"]]  # type: ignore[attr-defined]
    assert any("further copy" in (n or "") and "Art. 15(3)" in n for n in notes)
    with pytest.raises(RuleViolation, match="reasonable fee"):
        _fulfil(register, again.reference)
    _decide(register, again.reference, "charged", "a further copy within a year: 15 euros")
    _fulfil(register, again.reference)
    shown = _shown(register, again.reference)
    assert (shown["state"], shown["charge_decision"]) == ("fulfilled", "charged")


@pytest.mark.proves("P11.manifestly-unfounded")
def test_a_manifestly_unfounded_or_excessive_request_is_charged_for_or_refused_with_reasons(
    register: RegisterApp,
) -> None:
    c = make_customer(register)
    portability = _new(register, c.person_id, "portability")
    _decide(register, portability.reference, "excessive", "the fifth identical request this month")
    _fulfil(register, portability.reference)
    assert _shown(register, portability.reference)["charge_decision"] == "excessive"

    # Even the first copy's request may be refused as manifestly unfounded, with the reasons.
    access = _new(register, c.person_id, "access")
    _decide(register, access.reference, "refused", "asked only to disrupt, as the letter says")
    shown = _shown(register, access.reference)
    assert (shown["state"], shown["charge_decision"]) == ("rejected", "refused")
    rejected = json.dumps(shown["outcome"])
    assert "Art. 12(5)(b)" in rejected and "asked only to disrupt" in rejected
    events = [e["event"] for e in shown["events"]]  # type: ignore[attr-defined]
    assert events[-2:] == ["charge", "rejected"]
