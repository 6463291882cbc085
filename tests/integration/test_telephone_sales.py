"""Contracts sold by telephone (issue 15, item 3), on both databases: a consumer contract sold in
a call the company made is not in force until the written offer is accepted in writing; a
contract sold in a call the customer made is in force at once. The call, the offer and the
acceptance are recorded with their times, each step in the contract's history."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from rekisteri.catalogue import Role
from rekisteri.domain.consent import Channel
from rekisteri.domain.drafts import ContractDraft, PersonDraft, SiteDraft
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.marketing import AudiencePurpose
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import (
    ContractKind,
    PersonKind,
    Provenance,
    SalesCall,
    WrittenHow,
)
from rekisteri.domain.segments import SegmentDefinition, SegmentField, SegmentRule
from rekisteri.domain.telephone_sales import AWAITING_ACCEPTANCE, OFFER_NOT_SENT, WrittenStep
from rekisteri.services.marketing import audience
from rekisteri.services.register import customers, telephone_sales
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.marketing_helpers import add_person, assert_decided_as_looked_up
from tests.support.clock import FakeClock

SALES = Actor("myynti.mikko", Role.CUSTOMER_SERVICE)


def _sell(reg: RegisterApp, person_id: int, call: SalesCall | None) -> tuple[int, str]:
    with reg.unit_of_work(SALES) as uow:
        prov = Provenance.of("contract", uow.now(), "puhelinmyynti")
        site = customers.add_site(
            uow,
            SiteDraft("Kotitie 1", "00100", "Helsinki", heating_type="electric"),
            prov,  # type: ignore[arg-type]
        )
        return customers.add_contract(
            uow,
            person_id,
            ContractDraft(
                site,
                ContractKind.SALES,
                "Kiinteä 12 kk",
                uow.today() - dt.timedelta(days=300),
                fixed_term_end=uow.today() + dt.timedelta(days=60),
                sales_call=call,
                sales_call_at=None if call is None else uow.now() - dt.timedelta(hours=1),
            ),
            prov,
        )


def _step(reg: RegisterApp, number: str, *, accept: bool, how: WrittenHow) -> None:
    with reg.unit_of_work(SALES) as uow:
        record = telephone_sales.accepted if accept else telephone_sales.offer_sent
        record(uow, number, WrittenStep(uow.now(), how), Provenance.of("contract", uow.now()))


def _in_force(reg: RegisterApp, person_id: int) -> tuple[bool, bool]:
    """(in the renewal audience of fixed-term contracts, in a segment of heating by a contract
    in force): two of the places that count contracts in force."""
    renewal = audience.AudienceSpec(AudiencePurpose.RENEWAL_OFFER, Channel.LETTER)
    heating = SegmentDefinition(
        "electric", (SegmentRule(SegmentField.HEATING_TYPE, ("electric",)),)
    )
    segmented = audience.AudienceSpec(AudiencePurpose.NEWSLETTER, Channel.LETTER, heating)
    assert_decided_as_looked_up(reg, renewal, [person_id])
    with reg.reading(SALES) as uow:
        why = audience.explain(uow, renewal, person_id)
        placed = audience.explain(uow, segmented, person_id)
    assert why is not None and placed is not None
    return why.decision.reason is None, placed.facts.in_segment


def _not_in_force(reg: RegisterApp, person_id: int) -> list[str | None]:
    with reg.reading(SALES) as uow:
        view = customer_view(uow, person_id, Role.CUSTOMER_SERVICE)
    return [c.get("not_in_force") for c in view["contracts"]]


def test_an_outbound_sale_is_in_force_only_once_accepted_in_writing(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = add_person(register)
    _, number = _sell(register, pid, SalesCall.OUTBOUND)
    assert _in_force(register, pid) == (False, False)
    assert _not_in_force(register, pid) == [OFFER_NOT_SENT]
    clock.advance(hours=2)
    _step(register, number, accept=False, how=WrittenHow.EMAIL)
    assert _not_in_force(register, pid) == [AWAITING_ACCEPTANCE]
    assert _in_force(register, pid) == (False, False)
    clock.advance(days=2)
    _step(register, number, accept=True, how=WrittenHow.SIGNED)
    assert _in_force(register, pid) == (True, True)
    assert _not_in_force(register, pid) == [None]
    with register.reading(Actor("dpo")) as uow:
        view = customer_view(uow, pid, None)
    sale = view["contracts"][0]["telephone_sale"]
    assert sale["sales_call"] == "outbound"
    assert sale["offer_sent_how"] == "email" and sale["accepted_how"] == "signed"
    assert sale["accepted_at"] - sale["offer_sent_at"] == dt.timedelta(days=2)
    # Each step went through the one write path: a history entry per field, old and new.
    history = [(h["attribute"], h["old_value"], h["new_value"]) for h in view["history"]]
    assert history == [
        ("contract.telephone_sale", None, str(sale["offer_sent_at"])),
        ("contract.telephone_sale", None, "email"),
        ("contract.telephone_sale", None, str(sale["accepted_at"])),
        ("contract.telephone_sale", None, "signed"),
    ]
    assert {h["reason"] for h in view["history"]} == {
        coded(Reason.TELEPHONE_OFFER_SENT),
        coded(Reason.TELEPHONE_ACCEPTED),
    }


def test_an_inbound_sale_and_an_ordinary_contract_are_in_force_at_once(
    register: RegisterApp,
) -> None:
    inbound, ordinary = add_person(register), add_person(register)
    _, number = _sell(register, inbound, SalesCall.INBOUND)
    _sell(register, ordinary, None)
    assert _in_force(register, inbound) == (True, True)
    assert _in_force(register, ordinary) == (True, True)
    assert _not_in_force(register, inbound) == [None]
    # No written offer is recorded for a call the customer made.
    with (
        register.unit_of_work(SALES) as uow,
        pytest.raises(InvalidInput, match="call the company made"),
    ):
        telephone_sales.offer_sent(
            uow,
            number,
            WrittenStep(uow.now(), WrittenHow.EMAIL),
            Provenance.of("contract", uow.now()),
        )


def test_the_steps_come_in_order_and_once(register: RegisterApp, clock: FakeClock) -> None:
    pid = add_person(register)
    _, number = _sell(register, pid, SalesCall.OUTBOUND)
    with register.unit_of_work(SALES) as uow:
        prov = Provenance.of("contract", uow.now())
        with pytest.raises(InvalidInput, match="not been sent"):
            telephone_sales.accepted(uow, number, WrittenStep(uow.now(), WrittenHow.EMAIL), prov)
        early = uow.now() - dt.timedelta(hours=3)  # before the call
        with pytest.raises(InvalidInput, match="before the sales call"):
            telephone_sales.offer_sent(uow, number, WrittenStep(early, WrittenHow.EMAIL), prov)
        later = uow.now() + dt.timedelta(days=1)
        with pytest.raises(InvalidInput, match="future"):
            telephone_sales.offer_sent(uow, number, WrittenStep(later, WrittenHow.EMAIL), prov)
    _step(register, number, accept=False, how=WrittenHow.LETTER)
    clock.advance(days=1)
    _step(register, number, accept=True, how=WrittenHow.EMAIL)
    with (
        register.unit_of_work(SALES) as uow,
        pytest.raises(InvalidInput, match="already accepted"),
    ):
        telephone_sales.accepted(
            uow,
            number,
            WrittenStep(uow.now(), WrittenHow.EMAIL),
            Provenance.of("contract", uow.now()),
        )


def test_the_rule_is_for_consumers_and_a_sale_needs_its_call_time(
    register: RegisterApp,
) -> None:
    with register.unit_of_work(SALES) as uow:
        org = customers.register_person(
            uow,
            PersonDraft(PersonKind.LEGAL, organisation_name="Konepaja Oy", business_id="1572860-0"),
            Provenance.of("contract", uow.now()),
        ).person_id
    with pytest.raises(InvalidInput, match="consumers"):
        _sell(register, org, SalesCall.OUTBOUND)
    with pytest.raises(InvalidInput, match="direction and time"):
        ContractDraft(
            1, ContractKind.SALES, "x", dt.date(2026, 1, 1), sales_call=SalesCall.OUTBOUND
        ).validated()
    from rekisteri.adapters.schema.register import contract

    with register.engine.connect() as conn:
        assert conn.execute(select(contract.c.id)).first() is None
