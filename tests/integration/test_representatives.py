"""Representatives (issue 16): a guardian, an estate's contact or an attorney acting for a
person, on both databases.

Recorded through the write path with their source, shown to the roles that deal with the
person's affairs, in the access package, gone with the person's erasure; rights requests made
by a representative are checked against their authority and answered to them; after a death the
contract goes on until the estate ends it, and letters go to the estate's contact.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.schema.register import (
    attribute_change,
    billing_account,
    invoice,
    person,
    representative,
)
from rekisteri.adapters.schema.rights import rights_request, rights_request_event
from rekisteri.catalogue import Purpose, Role
from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.domain.register import Provenance
from rekisteri.services.access import disclosure_sets, disclosures
from rekisteri.services.breaches import notices
from rekisteri.services.register import customers, representatives
from rekisteri.services.register.attributes import write_attributes
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.register.representatives import RepresentativeDraft
from rekisteri.services.rights import fulfilment, package, requests
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.people import make_customer
from tests.support.registered import add_person

STAFF = Actor("asiakaspalvelu.anna", Role.CUSTOMER_SERVICE)
DPO = Actor("tietosuoja.dpo")
BILLING = Actor("laskuttaja", purpose=Purpose.BILLING_AND_COLLECTION, via="test")

GUARDIAN = RepresentativeDraft(
    kind="guardian",
    name="Eero Edunvalvoja",
    evidence="court_decision",
    evidence_ref="Helsingin KO H 25/1234",
    street="Valvojankatu 3",
    postal_code="00500",
    post_office="Helsinki",
)
ESTATE = RepresentativeDraft(
    kind="estate_contact",
    name="Kaisa Kuolinpesä",
    evidence="estate_inventory",
    evidence_ref="perukirja 2026-03-02",
    street="Perillistentie 9",
    postal_code="33100",
    post_office="Tampere",
    email="kaisa@example.fi",
)
ATTORNEY = RepresentativeDraft(
    kind="power_of_attorney",
    name="Ville Valtuutettu",
    evidence="power_of_attorney",
    evidence_ref="valtakirja 2026-01-10",
    powers="see_data,rights_requests",
    email="ville@example.fi",
)


def _add(reg: RegisterApp, pid: int, draft: RepresentativeDraft, detail: str = "letter 7") -> int:
    with reg.unit_of_work(STAFF) as uow:
        return representatives.add(
            uow, pid, draft, Provenance.of("customer_contact", uow.now(), detail)
        )


def _died(reg: RegisterApp, pid: int, on: dt.date) -> None:
    """What the population import does: the death through the write path, its source named."""
    with reg.unit_of_work(Actor("population")) as uow:
        write_attributes(
            uow,
            person,
            pid,
            pid,
            {"deceased_on": on},
            "death from the population register",
            Provenance.of("population_register", uow.now(), "change file 1, record 3"),
            writable=("deceased_on",),
        )


def _count(reg: RegisterApp, t: Any, *where: Any) -> int:
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t).where(*where)).scalar_one())


def test_a_representative_is_recorded_with_its_source_and_shown_to_those_who_need_it(
    register: RegisterApp,
) -> None:
    pid = add_person(register)
    rep = _add(register, pid, GUARDIAN)
    with register.engine.connect() as conn:
        row = conn.execute(select(representative).where(representative.c.id == rep)).one()
    assert (row.source, row.source_detail, row.kind) == ("customer_contact", "letter 7", "guardian")
    # A guardian may do everything the register deals with unless told otherwise.
    assert row.powers == "see_data,rights_requests,manage_contract,receive_mail"
    assert (row.evidence, row.evidence_ref, row.country) == (
        "court_decision",
        "Helsingin KO H 25/1234",
        "FI",
    )
    with register.reading(STAFF) as uow:
        staff_view = customer_view(uow, pid, Role.CUSTOMER_SERVICE)
        marketing_view = customer_view(uow, pid, Role.MARKETING)
        [listed] = representatives.of_person(uow, pid)
    [shown] = staff_view["representatives"]
    assert shown["contact"]["name"] == "Eero Edunvalvoja"
    assert shown["representation"]["kind"] == "guardian"
    assert "representatives" not in marketing_view
    assert listed["in_force"] and listed["address"] == "Valvojankatu 3, 00500 Helsinki, FI"
    # Ending it goes through the write path: the history keeps old and new with the reason.
    with register.unit_of_work(STAFF) as uow:
        representatives.end(
            uow,
            rep,
            register.clock().date(),
            "guardianship ended",
            Provenance.of("authority", uow.now()),
        )
    with register.engine.connect() as conn:
        change = conn.execute(
            select(attribute_change).where(attribute_change.c.table_name == "representative")
        ).one()
    assert (change.attribute, change.reason, change.source) == (
        "representative.representation",
        "guardianship ended",
        "authority",
    )
    with register.reading(STAFF) as uow, pytest.raises(InvalidInput, match="already ended"):
        representatives.end(
            uow, rep, register.clock().date(), "again", Provenance.of("authority", uow.now())
        )


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (ATTORNEY.__class__(**(ATTORNEY.__dict__ | {"powers": ""})), "powers"),
        (ATTORNEY.__class__(**(ATTORNEY.__dict__ | {"powers": "see_data,rule"})), "powers"),
        (GUARDIAN.__class__(**(GUARDIAN.__dict__ | {"evidence": "estate_inventory"})), "evidence"),
        (GUARDIAN.__class__(**(GUARDIAN.__dict__ | {"street": None})), "street"),
        (GUARDIAN.__class__(**(GUARDIAN.__dict__ | {"postal_code": "123"})), "postal_code"),
        (GUARDIAN.__class__(**(GUARDIAN.__dict__ | {"kind": "friend"})), "kind"),
        (GUARDIAN.__class__(**(GUARDIAN.__dict__ | {"evidence_ref": " "})), "evidence_ref"),
    ],
)
def test_a_bad_representative_is_refused_naming_the_field(
    register: RegisterApp, draft: RepresentativeDraft, field: str
) -> None:
    pid = add_person(register)
    with pytest.raises(InvalidInput) as refused:
        _add(register, pid, draft)
    assert refused.value.field == field
    assert _count(register, representative) == 0


def test_an_estate_follows_a_death_and_a_living_persons_representative_does_not(
    register: RegisterApp,
) -> None:
    pid = add_person(register)
    with pytest.raises(RuleViolation, match="deceased person"):
        _add(register, pid, ESTATE)
    guardian = _add(register, pid, GUARDIAN)
    died = register.clock().date()
    _died(register, pid, died)
    with pytest.raises(RuleViolation, match="estate's contact instead"):
        _add(register, pid, ATTORNEY)
    _add(register, pid, ESTATE)
    with register.reading(STAFF) as uow:
        listed = {r["kind"]: r["in_force"] for r in representatives.of_person(uow, pid)}
        # The death date is shown to those who deal with the contract, not to marketing.
        assert customer_view(uow, pid, Role.BILLING)["person"]["deceased_on"] == died
        assert "deceased_on" not in customer_view(uow, pid, Role.MARKETING)["person"]
    assert listed == {"estate_contact": True, "guardian": False}
    with register.reading(DPO) as uow, pytest.raises(RuleViolation, match="ended at the"):
        representatives.check_authority(uow, guardian, pid, representatives.Power.SEE_DATA, died)


def test_a_contract_goes_on_after_a_death_until_the_estate_ends_it(
    register: RegisterApp,
) -> None:
    c = make_customer(register)
    contract_id = c.contract_ids[-1]
    today = register.clock().date()
    with register.unit_of_work(STAFF) as uow, pytest.raises(InvalidInput, match="estate ends"):
        customers.end_contract(
            uow, contract_id, today, "deceased", Provenance.of("customer_contact", uow.now())
        )
    _died(register, c.person_id, today - dt.timedelta(days=10))
    with register.reading(STAFF) as uow:
        view = customer_view(uow, c.person_id, Role.CUSTOMER_SERVICE)
    [in_force] = [k for k in view["contracts"] if k["id"] == contract_id]
    assert in_force["contract"]["end_date"] is None  # the death ended nothing
    with register.unit_of_work(STAFF) as uow, pytest.raises(InvalidInput, match="before the"):
        customers.end_contract(
            uow,
            contract_id,
            today - dt.timedelta(days=11),
            "deceased",
            Provenance.of("customer_contact", uow.now()),
        )
    with register.unit_of_work(STAFF) as uow:
        customers.end_contract(
            uow, contract_id, today, "deceased", Provenance.of("customer_contact", uow.now())
        )
    with register.engine.connect() as conn:
        from rekisteri.adapters.schema.register import contract

        ended = conn.execute(select(contract).where(contract.c.id == contract_id)).one()
    assert (ended.end_date, ended.end_reason) == (today, "deceased")


def _request(reg: RegisterApp, pid: int, rep: int | None, kind: str = "access") -> str:
    with reg.unit_of_work(STAFF) as uow:
        return requests.new_request(
            uow,
            pid,
            kind,
            "signed_letter",
            Provenance.of("customer_contact", uow.now()),
            representative_id=rep,
        ).reference


@pytest.mark.proves("P11.representative-authority")
def test_a_representative_makes_a_request_on_their_authority_and_gets_the_answer(
    register: RegisterApp,
) -> None:
    pid, other = add_person(register, 0), add_person(register, 1)
    guardian = _add(register, pid, GUARDIAN)
    no_power = _add(
        register,
        pid,
        RepresentativeDraft(**(ATTORNEY.__dict__ | {"powers": "see_data", "name": "Olli"})),
    )
    elsewhere = _add(register, other, ATTORNEY)
    with pytest.raises(RuleViolation, match="no power to rights requests"):
        _request(register, pid, no_power)
    with pytest.raises(RuleViolation, match="acts for another person"):
        _request(register, pid, elsewhere)
    assert _count(register, rights_request) == 0
    ref = _request(register, pid, guardian)
    with register.unit_of_work(DPO) as uow:
        requests.verify(uow, ref, "identity_document", "guardian's passport seen")
    with register.unit_of_work(DPO) as uow:
        done = fulfilment.fulfil(uow, ref)
        shown = requests.show(uow, ref)
    assert done.answer_to is not None
    assert (done.answer_to["name"], done.answer_to["address"]) == (
        "Eero Edunvalvoja",
        "Valvojankatu 3, 00500 Helsinki, FI",
    )
    assert done.outcome["answered_to_representative"] == guardian
    assert shown["representative_id"] == guardian and shown["answer_to"]["kind"] == "guardian"
    notes = [e["note"] or "" for e in shown["events"]]
    assert any("made by guardian Eero Edunvalvoja" in n and "court decision" in n for n in notes)
    assert any("passport seen; authority checked: made by guardian" in n for n in notes)


@pytest.mark.proves("P11.representative-authority")
def test_verification_refuses_a_representative_whose_authority_ended(
    register: RegisterApp,
) -> None:
    pid = add_person(register)
    since = register.clock().date() - dt.timedelta(days=10)
    attorney = _add(
        register, pid, RepresentativeDraft(**(ATTORNEY.__dict__ | {"valid_from": since}))
    )
    ref = _request(register, pid, attorney, "erasure")
    with register.unit_of_work(STAFF) as uow:
        representatives.end(
            uow,
            attorney,
            register.clock().date() - dt.timedelta(days=1),
            "power of attorney revoked",
            Provenance.of("customer_contact", uow.now()),
        )
    with register.unit_of_work(DPO) as uow, pytest.raises(RuleViolation, match="not in force"):
        requests.verify(uow, ref, "identity_document")
    with register.engine.connect() as conn:
        state = conn.execute(select(rights_request.c.state)).scalar_one()
    assert state == "received"


def test_letters_go_to_the_estates_contact_and_to_a_guardian(register: RegisterApp) -> None:
    dead, ward, alone = (add_person(register, n) for n in range(3))
    _died(register, dead, register.clock().date() - dt.timedelta(days=3))
    _add(register, ward, GUARDIAN)
    # An attorney without the power to receive letters changes nothing.
    _add(register, alone, ATTORNEY)
    with register.reading(BILLING) as uow:
        before = representatives.mail_recipients(uow, [dead, ward, alone])
    assert set(before) == {ward}
    _add(register, dead, ESTATE)
    with register.reading(BILLING) as uow:
        to = representatives.mail_recipients(uow, [dead, ward, alone])
        letters = {r.person_id: r for r in notices._recipients(uow, [dead, ward, alone])}
    assert to[dead].name == "Kaisa Kuolinpesä" and to[ward].name == "Eero Edunvalvoja"
    estate = "Maija0 Virtanen kuolinpesä / dödsbo, c/o Kaisa Kuolinpesä"
    postal = letters[dead].postal
    assert postal is not None and postal.lines == (estate, "Perillistentie 9", "33100 Tampere")
    assert letters[dead].email == "kaisa@example.fi"
    assert letters[dead].name == "Maija0 Virtanen kuolinpesä / dödsbo, c/o Kaisa Kuolinpesä"
    assert letters[ward].name == "Maija1 Virtanen, c/o Eero Edunvalvoja"
    assert "c/o" not in letters[alone].name  # their own: e-mail, else their own envelope
    assert letters[alone].postal is None or letters[alone].postal.lines[1] == "Katu 1"


def test_a_collection_letter_of_a_deceased_debtor_goes_to_the_estate(
    register: RegisterApp,
) -> None:
    pid = add_person(register)
    today = register.clock().date()
    with register.unit_of_work(BILLING) as uow:
        disclosures.add_recipient(uow, "Perintä Oy", "collection_agency", "FI", list(Purpose))
        ba = uow.execute(
            billing_account.insert().values(
                person_id=pid,
                street="Laskutie 2",
                postal_code="00200",
                post_office="Helsinki",
                country="FI",
                due_day=15,
                rhythm="monthly",
                method="paper",
                source="contract",
                received_at=uow.now(),
            )
        ).inserted_primary_key[0]
        uow.execute(
            invoice.insert().values(
                invoice_number="5000001",
                person_id=pid,
                billing_account_id=ba,
                reference="12344",
                issued_on=today - dt.timedelta(days=60),
                due_on=today - dt.timedelta(days=40),
                amount_cents=12345,
                status="open",
                reminders=0,
                source="register_itself",
                received_at=uow.now(),
            )
        )
    _died(register, pid, today - dt.timedelta(days=30))
    _add(register, pid, ESTATE)
    with register.unit_of_work(BILLING) as uow:
        agency = disclosures.find_recipient(uow, "Perintä Oy")
        debts = disclosure_sets.collection(uow, agency, min_days=14)
    [row] = debts.rows
    assert row[7:] == (
        "Maija0 Virtanen kuolinpesä / dödsbo, c/o Kaisa Kuolinpesä",
        "Perillistentie 9",
        "33100",
        "Tampere",
        "",  # postin_valitys: not through the forwarding route
    )


def test_representatives_are_in_the_access_package_and_go_with_the_erasure(
    register: RegisterApp,
) -> None:
    pid = add_person(register)
    rep = _add(register, pid, ATTORNEY)
    ref = _request(register, pid, rep, "erasure")
    with register.reading(DPO) as uow:
        pack = package.build(uow, pid)
    section = next(s for s in pack.sections if s.key == "representative")
    assert "Ville Valtuutettu" in str(section.rows)
    with register.unit_of_work(DPO) as uow:
        requests.verify(uow, ref, "identity_document")
    with register.unit_of_work(DPO) as uow:
        done = fulfilment.fulfil(uow, ref)
    assert done.answer_to is not None and done.answer_to["email"] == "ville@example.fi"
    assert _count(register, representative) == 0
    with register.engine.connect() as conn:
        kept = conn.execute(select(rights_request)).one()
        events = conn.execute(select(rights_request_event.c.note)).scalars().all()
    # The request stays as the record that it was answered; the representation is gone, and
    # the request's events still say who made it.
    assert kept.representative_id is None and kept.state == "fulfilled"
    assert any("Ville Valtuutettu" in (n or "") for n in events)
    with register.reading(DPO) as uow:
        assert not representatives.mail_recipients(uow, [pid])
