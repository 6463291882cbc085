"""Turvakielto (issue 16 item 1): a protected person's addresses reach only the roles that
strictly need them (catalogue/protection.py), never an audience, a hand-over beyond what the
law needs, a search by address or a plainly addressed letter. On both databases."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from rekisteri.adapters.schema.register import attribute_change, contact_point, person
from rekisteri.catalogue import Purpose, Role
from rekisteri.catalogue.protection import PROTECTED_MARK
from rekisteri.domain.consent import Channel
from rekisteri.domain.marketing import AudiencePurpose, Exclusion
from rekisteri.domain.register import EndReason, Provenance
from rekisteri.domain.requests import RequestKind
from rekisteri.services.access import disclosure_sets, disclosures, group_marketing
from rekisteri.services.breaches import notices, records
from rekisteri.services.breaches.scope import Criteria
from rekisteri.services.marketing import audience
from rekisteri.services.register import customers, search
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.rights import delivery, fulfilment, requests
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.marketing_helpers import add_person, assert_decided_as_looked_up, consent
from tests.integration.test_breaches import DPO, opened, read_as, scope, users
from tests.support.protected import MARKS, STREETS, make_protected

BILLING = Actor("laskuttaja", Role.BILLING, purpose=Purpose.BILLING_AND_COLLECTION)


def _view(reg: RegisterApp, pid: int, role: Role | None) -> str:
    with reg.reading(Actor("t.reader", role)) as uow:
        return json.dumps(customer_view(uow, pid, role), default=str, ensure_ascii=False)


def _shown(text: str) -> set[str]:
    return {key for key, mark in MARKS.items() if mark in text}


@pytest.mark.proves("P7.non-disclosure-addresses")
def test_each_role_sees_only_the_addresses_it_needs(register: RegisterApp) -> None:
    p = make_protected(register)
    everything = set(STREETS)
    assert _shown(_view(register, p.person_id, None)) == everything  # the person's own
    assert _shown(_view(register, p.person_id, Role.DPO)) == everything
    assert _shown(_view(register, p.person_id, Role.BILLING)) == {
        "site.address",
        "billing_account.billing_address",
    }
    for role in (Role.CUSTOMER_SERVICE, Role.MARKETING, Role.PROCESSOR):
        assert _shown(_view(register, p.person_id, role)) == set(), role
    # Customer service is told the address is protected, in its place (and in the history).
    with register.reading(Actor("t.cs", Role.CUSTOMER_SERVICE)) as uow:
        view = customer_view(uow, p.person_id, Role.CUSTOMER_SERVICE)
    postal = [c for c in view["contact_points"] if c.get("kind") == "postal"]
    assert postal and postal[0]["postal_address"] == PROTECTED_MARK
    # Where no address is held (an e-mail or a phone row), no mark either.
    others = [c for c in view["contact_points"] if c.get("kind") != "postal"]
    assert others and all(c["postal_address"] is None for c in others)
    assert view["sites"][0]["address"] == PROTECTED_MARK
    changed = [h for h in view["history"] if h["attribute"] == "billing_account.billing_address"]
    assert changed and all("Suojapolku" not in str(h) for h in changed)


def test_without_the_flag_the_addresses_are_shown_as_before(register: RegisterApp) -> None:
    p = make_protected(register, flag=False)
    assert _shown(_view(register, p.person_id, Role.CUSTOMER_SERVICE)) == set(STREETS)
    assert _shown(_view(register, p.person_id, Role.MARKETING)) == {
        "contact_point.postal_address",
        "site.address",
    }


def test_the_flag_is_rectified_through_the_write_path_with_its_source(
    register: RegisterApp,
) -> None:
    p = make_protected(register)
    with register.engine.connect() as conn:
        flag = conn.execute(select(person.c.non_disclosure).where(person.c.id == p.person_id))
        change = conn.execute(
            select(attribute_change).where(
                attribute_change.c.person_id == p.person_id,
                attribute_change.c.attribute == "person.non_disclosure",
            )
        ).one()
    assert flag.scalar_one() is True
    assert (change.old_value, change.new_value) == ("False", "True")
    assert change.source == "customer_contact" and "decision" in change.source_detail


@pytest.mark.proves("P7.non-disclosure-addresses")
def test_searching_by_the_protected_address_finds_no_one(register: RegisterApp) -> None:
    p = make_protected(register)
    other = add_person(register)
    with register.reading(Actor("t.cs", Role.CUSTOMER_SERVICE)) as uow:
        for street in STREETS.values():
            assert search.search(uow, street).total == 0, street
        by_name = search.search(uow, "Turvala")
        street = uow.execute(
            select(contact_point.c.street).where(
                contact_point.c.person_id == other, contact_point.c.kind == "postal"
            )
        ).scalar_one()
        ordinary = search.search(uow, street)
    assert [r["id"] for r in by_name.rows] == [p.person_id]  # a name is not protected
    assert [r["id"] for r in ordinary.rows] == [other]  # anyone else's address finds them


@pytest.mark.proves("P7.non-disclosure-addresses")
def test_never_in_an_audience_of_any_purpose_or_channel(register: RegisterApp) -> None:
    p = make_protected(register)
    other = add_person(register)
    consent(register, other, "own_marketing", "letter", "granted")
    for purpose in AudiencePurpose:
        for channel in Channel:
            spec = audience.AudienceSpec(purpose, channel)
            with register.reading(BILLING) as uow, audience.build(uow, spec) as built:
                listed = {r["id"] for r in built.rows()}
                counts = built.counts()
            assert p.person_id not in listed, (purpose, channel)
            assert counts.get(Exclusion.NON_DISCLOSURE.value) == 1, (purpose, channel, counts)
            assert_decided_as_looked_up(register, spec, [p.person_id, other])


def _recipient(reg: RegisterApp, name: str, kind: str) -> disclosures.Recipient:
    with reg.unit_of_work(BILLING) as uow:
        disclosures.add_recipient(uow, name, kind, "FI", list(Purpose), agreement_ref="S-1")
        return disclosures.find_recipient(uow, name)


@pytest.mark.proves("P7.non-disclosure-addresses")
def test_hand_overs_carry_no_protected_address(register: RegisterApp) -> None:
    make_protected(register)
    for name, kind in (
        ("Luottotieto Oy", "credit_reference"),
        ("Perintä Oy", "collection_agency"),
        ("Konserni Oy", "subsidiary"),
    ):
        _recipient(register, name, kind)
    with register.unit_of_work(BILLING) as uow:
        credit = disclosure_sets.asiakastieto(
            uow, disclosures.find_recipient(uow, "Luottotieto Oy")
        )
        debts = disclosure_sets.collection(uow, disclosures.find_recipient(uow, "Perintä Oy"))
        group = group_marketing.group_marketing(uow, disclosures.find_recipient(uow, "Konserni Oy"))
    # Asiakastieto: identity and name only (P8), as for anyone.
    assert [r[1] for r in credit.rows] == ["Sanna Kaarina Turvala"]
    # Collection: the debt and the forwarding route in the address's place.
    (row,) = [dict(zip(debts.header, r, strict=True)) for r in debts.rows]
    assert row["nimi"] == "Sanna Kaarina Turvala" and row["postin_valitys"] == "turvakielto"
    assert (row["katuosoite"], row["postinumero"], row["postitoimipaikka"]) == (
        "Digi- ja väestötietovirasto, PL 123",
        "00531",
        "Helsinki",
    )
    assert group.rows == []
    for hand in (credit, debts, group):
        assert _shown(json.dumps(hand.rows, default=str, ensure_ascii=False)) == set()


class Outbox:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


def test_a_breach_letter_goes_through_the_forwarding_route(
    register: RegisterApp, clock: Any, tmp_path: Path
) -> None:
    users(register)
    p = make_protected(register, email=False)  # no e-mail: the notice goes as a letter
    read_as(register, Actor("t.anna", Role.CUSTOMER_SERVICE), p.person_id)
    ref = opened(register, clock)
    scope(register, ref, Criteria(user="t.anna"))
    texts = {"fi": "Tietoja voidaan käyttää väärin.", "en": "x", "sv": "x"}
    with register.unit_of_work(DPO) as uow:
        records.assess(uow, ref, records.Assessment("high", True, True, "identity", texts, texts))
        sent = notices.send_notices(uow, ref, tmp_path, Outbox())
    (letter,) = sent.letters
    text = letter.read_text(encoding="utf-8")
    assert _shown(text) == set()
    assert text.startswith("Digi- ja väestötietovirasto\nPL 123\n00531 Helsinki\n")
    assert "Sanna Kaarina Turvala" in text and "240478-456J" in text


def _fulfilled(reg: RegisterApp, pid: int, kind: RequestKind, out: Path) -> dict[str, Path]:
    with reg.unit_of_work(DPO) as uow:
        made = requests.new_request(
            uow, pid, kind, "signed_letter", Provenance.of("customer_contact", uow.now())
        )
        requests.verify(uow, made.reference, "signature_matched")
    with reg.unit_of_work(DPO) as uow:
        done = fulfilment.fulfil(uow, made.reference)
        return delivery.write_answer_files(done, out, settings=reg.settings, pdf=False)


@pytest.mark.proves("P7.non-disclosure-addresses")
def test_answers_are_posted_for_forwarding_and_the_package_is_the_persons_own(
    register: RegisterApp, tmp_path: Path
) -> None:
    p = make_protected(register)
    files = _fulfilled(register, p.person_id, RequestKind.ACCESS, tmp_path / "access")
    envelope = files["envelope"].read_text(encoding="utf-8")
    assert _shown(envelope) == set() and "PL 123" in envelope
    assert "240478-456J" in envelope  # on the sealed inner envelope, for the authority
    package = files["json"].read_text(encoding="utf-8")
    assert _shown(package) == set(STREETS)  # the person's own data, every address
    with register.unit_of_work(DPO) as uow:  # an erasure waits for the contract to end
        customers.end_contract(
            uow,
            p.contract_id,
            uow.today(),
            EndReason.MOVED_OUT,
            Provenance.of("contract", uow.now()),
        )
    erased = _fulfilled(register, p.person_id, RequestKind.ERASURE, tmp_path / "erasure")
    assert _shown(erased["envelope"].read_text(encoding="utf-8")) == set()
    assert "letter" in erased


def test_a_held_address_notice_of_a_protected_person_hides_its_addresses(
    register: RegisterApp,
) -> None:
    """A mover service's notice held for staff and linked to the person (a conflict) carries
    their previous and new address: customer service reading the task sees them withheld, the
    DPO sees them."""
    from rekisteri.adapters.schema.updates import address_notice, update_file
    from rekisteri.services.register import tasks
    from rekisteri.services.updates import notices as held

    p = make_protected(register)
    with register.unit_of_work(Actor("test")) as uow:
        file_id = uow.execute(
            update_file.insert().values(
                source="address_changes",
                sha256="0" * 64,
                name="movers.csv",
                records=1,
                matched=1,
                changed=0,
                unchanged=0,
                unmatched=0,
                conflicts=1,
                imported_at=uow.now(),
                imported_by="test",
            )
        ).inserted_primary_key[0]
        notice_id = uow.execute(
            address_notice.insert().values(
                file_id=file_id,
                record_no=1,
                person_id=p.person_id,
                held_at=uow.now(),
                reason="a newer address the person gave",
                last_name="Suojattu",
                first_names="Sanna Kaarina",
                previous_street="Vanhatie 1",
                previous_postal_code="00100",
                previous_post_office="Helsinki",
                new_street="Salainenkuja 7",
                new_postal_code="33100",
                new_post_office="Tampere",
                new_country="FI",
                moved_on=uow.today(),
                source="other_company",
                received_at=uow.now(),
            )
        ).inserted_primary_key[0]
        task_id = tasks.open_task(uow, "address_notice", "address_notice", notice_id, "held")
    service = Actor("asiakaspalvelu", Role.CUSTOMER_SERVICE, purpose=Purpose.CUSTOMER_RELATIONSHIP)
    with register.unit_of_work(service) as uow:
        seen = held.show_notice(uow, task_id)["notice"]
    assert "Salainenkuja 7" not in json.dumps(seen, default=str)
    assert seen["new_street"] == dict(PROTECTED_MARK) and seen["last_name"] == "Suojattu"
    with register.unit_of_work(Actor("tietosuoja", Role.DPO)) as uow:
        assert held.show_notice(uow, task_id)["notice"]["new_street"] == "Salainenkuja 7"
