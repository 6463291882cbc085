"""Recipients and disclosures (P8, P10) and recording loans (P9), on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.disclosure import disclosure, disclosure_subject
from rekisteri.adapters.schema.register import (
    billing_account,
    call_recording,
    contact_point,
    invoice,
)
from rekisteri.catalogue import Category, LawfulBasis, Purpose
from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.domain.register import PersonKind
from rekisteri.domain.transfers import DisclosureKind
from rekisteri.services.access import (
    disclosure_sets,
    disclosures,
    group_marketing,
    recording_loans,
)
from rekisteri.services.marketing import ledger
from rekisteri.services.rights import retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.registered import HETUS, add_person

ACTOR = Actor("laskuttaja", purpose=Purpose.BILLING_AND_COLLECTION, via="test")


def _recipient(reg: RegisterApp, name: str, kind: str, country: str = "FI", **kw) -> None:
    purposes = kw.pop("purposes", list(Purpose))
    with reg.unit_of_work(ACTOR) as uow:
        disclosures.add_recipient(uow, name, kind, country, purposes, **kw)


def _invoice(reg: RegisterApp, person_id: int, status: str, due: dt.date, n: int) -> None:
    with reg.unit_of_work(ACTOR) as uow:
        ba = uow.execute(
            billing_account.insert().values(
                person_id=person_id,
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
                invoice_number=f"500000{n}",
                person_id=person_id,
                billing_account_id=ba,
                reference="12344",
                issued_on=due - dt.timedelta(days=14),
                due_on=due,
                amount_cents=12345,
                status=status,
                reminders=0,
                source="register_itself",
                received_at=uow.now(),
            )
        )


def _consent(reg: RegisterApp, person_id: int, event: str, days_ago: int) -> None:
    with reg.unit_of_work(ACTOR) as uow:
        # The ledger's bulk path: it keeps the current state the audiences read.
        row = {
            "person_id": person_id,
            "purpose": "group_marketing",
            "channel": "letter",
            "event": event,
            "at": uow.now() - dt.timedelta(days=days_ago),
            "captured_how": "letter",
            "captured_by": "test",
            "source": "customer_contact",
            "received_at": uow.now(),
        }
        ledger.append(uow, [row])


def _count(reg: RegisterApp, table) -> int:
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.mark.proves("P10.transfer-safeguards")
def test_third_country_without_safeguard_is_refused_with_one_recorded(
    register: RegisterApp,
) -> None:
    p = add_person(register)
    _recipient(register, "Offshore Analytics Inc", "service_provider", "IN")
    _recipient(
        register,
        "Safe Analytics Inc",
        "service_provider",
        "IN",
        safeguard="scc",
        safeguard_ref="SCC 2021/914 module 2",
    )
    args = dict(
        kind=DisclosureKind.OTHER,
        purpose=Purpose.SERVICE_DELIVERY,
        basis=LawfulBasis.CONTRACT,
        categories=[Category.CONTACT],
        person_ids=[p],
        reason="customer survey platform",
    )
    with (
        pytest.raises(RuleViolation, match="outside the EU/EEA"),
        register.unit_of_work(ACTOR) as uow,
    ):
        to = disclosures.find_recipient(uow, "Offshore Analytics Inc")
        disclosures.disclose(uow, to, **args)
    assert _count(register, disclosure) == 0
    with register.unit_of_work(ACTOR) as uow:
        to = disclosures.find_recipient(uow, "Safe Analytics Inc")
        done = disclosures.disclose(uow, to, **args)
    assert done.person_count == 1
    with register.reading(ACTOR) as uow:
        log = disclosures.disclosures_of(uow, p)
    assert [(e["recipient"], e["country"], e["legal_basis"]) for e in log] == [
        ("Safe Analytics Inc", "IN", "contract")
    ]


@pytest.mark.proves("P8.registered-recipients")
def test_adequacy_must_fit_the_country_and_purposes_must_fit_the_agreement(
    register: RegisterApp,
) -> None:
    with pytest.raises(InvalidInput, match="adequacy"):
        _recipient(register, "X", "partner", "IN", safeguard="adequacy")
    _recipient(register, "Swiss Partner AG", "partner", "CH", safeguard="adequacy")
    _recipient(register, "Narrow Oy", "partner", purposes=[Purpose.SERVICE_DELIVERY])
    p = add_person(register)
    with pytest.raises(RuleViolation, match="does not cover"), register.unit_of_work(ACTOR) as uow:
        disclosures.disclose(
            uow,
            disclosures.find_recipient(uow, "Narrow Oy"),
            kind=DisclosureKind.OTHER,
            purpose=Purpose.DIRECT_MARKETING,
            basis=LawfulBasis.CONSENT,
            categories=[Category.CONTACT],
            person_ids=[p],
            reason="x",
        )


@pytest.mark.proves("P8.asiakastieto-own-liabilities")
def test_asiakastieto_gets_only_persons_with_liabilities_of_their_own(
    register: RegisterApp,
) -> None:
    today = register.clock().date()
    late, paid, not_due, collected = (add_person(register, n) for n in range(4))
    _invoice(register, late, "open", today - dt.timedelta(days=3), 1)
    _invoice(register, paid, "paid", today - dt.timedelta(days=30), 2)
    _invoice(register, not_due, "open", today + dt.timedelta(days=3), 3)
    _invoice(register, collected, "in_collection", today - dt.timedelta(days=60), 4)
    _recipient(register, "Suomen Asiakastieto Oy", "credit_reference", agreement_ref="AT-1")
    _recipient(register, "Perintä Oy", "collection_agency")
    with register.unit_of_work(ACTOR) as uow:
        wrong = disclosures.find_recipient(uow, "Perintä Oy")
        with pytest.raises(RuleViolation, match="credit_reference"):
            disclosure_sets.asiakastieto(uow, wrong)
    with register.unit_of_work(ACTOR) as uow:
        hand = disclosure_sets.asiakastieto(
            uow, disclosures.find_recipient(uow, "Suomen Asiakastieto Oy"), "at.csv"
        )
    assert hand.header == ("tunnus", "nimi")
    assert hand.rows == [(HETUS[0], "Maija0 Virtanen"), (HETUS[3], "Maija3 Virtanen")]
    with register.engine.connect() as conn:
        subjects = conn.execute(select(disclosure_subject.c.person_id)).scalars().all()
        record = conn.execute(select(disclosure)).one()
        last = conn.execute(select(audit_entry).order_by(audit_entry.c.seq.desc())).first()
    assert sorted(subjects) == [late, collected]
    assert (record.categories, record.reference, record.output_name) == (
        "identity",
        "AT-1",
        "at.csv",
    )
    assert last.person_ids == f"{late} {collected}" and "disclosure" in last.categories
    assert HETUS[0] not in str(tuple(last))

    with register.unit_of_work(ACTOR) as uow:
        agency = disclosures.find_recipient(uow, "Perintä Oy")
        debts = disclosure_sets.collection(uow, agency, min_days=14)
    assert [r[0] for r in debts.rows] == ["5000004"]  # 60 days late; 3 days is not yet
    assert debts.rows[0][6:9] == (HETUS[3], "Maija3 Virtanen", "Laskutie 2")


@pytest.mark.proves("P8.group-marketing-unless-forbidden")
def test_group_marketing_leaves_out_those_who_forbade_it(register: RegisterApp) -> None:
    forbade, changed_mind, silent, withdrew = (add_person(register, n) for n in range(4))
    _consent(register, forbade, "granted", 10)
    _consent(register, forbade, "prohibited", 5)
    _consent(register, changed_mind, "prohibited", 10)
    _consent(register, changed_mind, "granted", 5)
    _consent(register, withdrew, "withdrawn", 1)
    _recipient(register, "Konserni Kaukolämpö Oy", "subsidiary")
    with register.unit_of_work(ACTOR) as uow:
        hand = group_marketing.group_marketing(
            uow, disclosures.find_recipient(uow, "Konserni Kaukolämpö Oy")
        )
    names = [r[0] for r in hand.rows]
    assert names == ["Maija1 Virtanen", "Maija2 Virtanen"]
    # Letters only: their e-mail addresses go nowhere without an opt-in to group e-mail.
    assert hand.rows[0][1:] == (None, None, None, "Katu 1", "00100", "Helsinki", "FI")
    assert all(HETUS[1] not in str(r) for r in hand.rows)
    with register.engine.connect() as conn:
        subjects = set(conn.execute(select(disclosure_subject.c.person_id)).scalars())
    assert subjects == {changed_mind, silent}


@pytest.mark.proves("P8.group-marketing-unless-forbidden")
def test_group_marketing_hands_over_only_the_channels_each_person_may_be_reached_on(
    register: RegisterApp,
) -> None:
    """P8 (seed 003, "unless the customer has forbidden it") with P5: the hand-over applies the
    group-marketing audience of each channel, one column per channel."""
    from rekisteri.domain.bans import parse_ban
    from rekisteri.services.marketing import bans
    from tests.integration import marketing_helpers as m

    no_calls = m.add_person(register, first="Pekka")  # forbade calls, granted letters
    m.consent(register, no_calls, "group_marketing", "phone", "prohibited")
    m.consent(register, no_calls, "group_marketing", "letter", "granted")
    opted_in = m.add_person(register, first="Outi")  # e-mail and SMS opt-ins
    m.consent(register, opted_in, "group_marketing", "email", "granted")
    m.consent(register, opted_in, "group_marketing", "sms", "granted")
    m.consent(register, opted_in, "own_marketing", "letter", "prohibited")  # another purpose
    banned = m.add_person(register, first="Bertta")  # ASML phone ban; objected to letters
    m.consent(register, banned, "group_marketing", "letter", "prohibited")
    nowhere = m.add_person(register, first="Niilo", phone=False)
    m.consent(register, nowhere, "group_marketing", "letter", "prohibited")
    dead = m.add_person(register, first="Kalle")
    m.set_person(register, dead, deceased_on=dt.date(2025, 1, 1))
    restricted = m.add_person(register, first="Riitta")
    m.set_person(register, restricted, restricted=True)
    prospect = m.add_person(register, kind=PersonKind.LEGAL)
    with register.reading(ACTOR) as uow:
        numbers = {
            pid: uow.execute(
                select(contact_point.c.phone).where(
                    contact_point.c.person_id == pid, contact_point.c.kind == "phone"
                )
            ).scalar_one()
            for pid in (no_calls, opted_in, banned)
        }
    with register.unit_of_work(ACTOR) as uow:
        ban = parse_ban({"kind": "phone", "phone": numbers[banned]}, uow.today())
        bans.import_bans(uow, [ban], "kielto.csv")
    _recipient(register, "Konserni Laajakaista Oy", "subsidiary")
    with register.unit_of_work(ACTOR) as uow:
        hand = group_marketing.group_marketing(
            uow, disclosures.find_recipient(uow, "Konserni Laajakaista Oy")
        )
    rows = {r[0].split()[0]: dict(zip(hand.header, r, strict=True)) for r in hand.rows}
    pekka = rows["Pekka"]
    assert pekka["puhelin"] is None and pekka["sahkoposti"] is None  # forbidden, no opt-in
    assert pekka["katuosoite"].startswith("Mannerheimintie")
    assert set(rows) == {"Pekka", "Outi"}  # Bertta and Niilo may be reached on no channel
    outi = rows["Outi"]
    assert outi["sahkoposti"].endswith("@example.fi")
    assert outi["tekstiviesti"] == outi["puhelin"] == numbers[opted_in]
    assert outi["katuosoite"].startswith("Mannerheimintie")  # own marketing's letters only
    assert hand.header == (
        "nimi", "sahkoposti", "tekstiviesti", "puhelin",
        "katuosoite", "postinumero", "postitoimipaikka", "maa",
    )  # fmt: skip
    with register.engine.connect() as conn:
        subjects = set(conn.execute(select(disclosure_subject.c.person_id)).scalars())
    assert subjects == {no_calls, opted_in}
    assert not {banned, nowhere, dead, restricted, prospect} & subjects


def test_an_authority_gets_what_it_asked_for_with_the_reference(register: RegisterApp) -> None:
    p = add_person(register, 2)
    add_person(register, 3)
    _recipient(register, "Poliisi", "authority", purposes=[Purpose.LEGAL_OBLIGATION])
    with register.unit_of_work(ACTOR) as uow:
        hand = disclosure_sets.authority_request(
            uow,
            disclosures.find_recipient(uow, "Poliisi"),
            reference="POL-2026-123",
            request="contact details under PolL 4:3",
            person_keys=[str(p)],
            categories=[Category.CONTACT],
        )
    text = str(hand.document)
    assert "maija2@example.fi" in text and HETUS[2] not in text and "maija3" not in text
    with register.engine.connect() as conn:
        record = conn.execute(select(disclosure)).one()
    assert (record.reference, record.legal_basis) == ("POL-2026-123", "legal_obligation")


@pytest.mark.proves("P9.research-loans-returned")
def test_recording_loans_have_a_deadline_and_close_with_evidence(
    register: RegisterApp, clock
) -> None:
    p = add_person(register)
    with register.unit_of_work(ACTOR) as uow:
        rec = uow.execute(
            call_recording.insert().values(
                person_id=p,
                recorded_at=uow.now(),
                duration_seconds=95,
                file_ref="recordings/2026/03/1.opus",
                source="customer_contact",
                received_at=uow.now(),
            )
        ).inserted_primary_key[0]
    _recipient(register, "Tutkimuslaitos Oy", "research_institute", agreement_ref="TL-7")
    _recipient(register, "Kumppani Oy", "partner")
    due = clock().date() + dt.timedelta(days=30)
    with (
        pytest.raises(RuleViolation, match="research_institute"),
        register.unit_of_work(ACTOR) as uow,
    ):
        recording_loans.lend_recordings(
            uow, disclosures.find_recipient(uow, "Kumppani Oy"), [rec], study="s", due_on=due
        )
    with register.unit_of_work(ACTOR) as uow:
        loan = recording_loans.lend_recordings(
            uow,
            disclosures.find_recipient(uow, "Tutkimuslaitos Oy"),
            [rec],
            study="asiakaspalvelun laatu 2026",
            due_on=due,
        )
    assert loan.manifest[0][1] == "recordings/2026/03/1.opus"
    with register.reading(ACTOR) as uow:
        assert recording_loans.overdue_recording_loans(uow) == []
    clock.advance(days=31)
    with register.reading(ACTOR) as uow:
        overdue = recording_loans.overdue_recording_loans(uow)
    # The daily retention run reports it to the DPO.
    with register.unit_of_work(Actor("system:retention")) as uow:
        run = retention.run(uow)
    assert run.counts["research loans of recordings past their return date"] == 1
    assert run.notes == ["1 recording loans overdue: ask the institute"]
    assert [(o["loan_id"], o["recipient"], o["recordings"]) for o in overdue] == [
        (loan.loan_id, "Tutkimuslaitos Oy", 1)
    ]
    with pytest.raises(InvalidInput, match="evidence"), register.unit_of_work(ACTOR) as uow:
        recording_loans.close_loan(uow, loan.loan_id, "destroyed", " ")
    with register.unit_of_work(ACTOR) as uow:
        recording_loans.close_loan(uow, loan.loan_id, "destroyed", "hävitystodistus HT-55")
    with register.reading(ACTOR) as uow:
        assert recording_loans.overdue_recording_loans(uow) == []
        closed = recording_loans.recording_loans(uow)[0]
    assert (closed["closed_how"], closed["evidence"]) == ("destroyed", "hävitystodistus HT-55")
    with pytest.raises(RuleViolation, match="already"), register.unit_of_work(ACTOR) as uow:
        recording_loans.close_loan(uow, loan.loan_id, "returned", "x")


def _recording(reg: RegisterApp, person_id: int) -> int:
    with reg.unit_of_work(ACTOR) as uow:
        return int(
            uow.execute(
                call_recording.insert().values(
                    person_id=person_id,
                    recorded_at=uow.now(),
                    duration_seconds=60,
                    file_ref=f"recordings/2026/03/{person_id}.opus",
                    source="customer_contact",
                    received_at=uow.now(),
                )
            ).inserted_primary_key[0]
        )


def _lend(reg: RegisterApp, to: str, recordings: list[int], due: dt.date) -> recording_loans.Loan:
    with reg.unit_of_work(ACTOR) as uow:
        return recording_loans.lend_recordings(
            uow, disclosures.find_recipient(uow, to), recordings, study="laatu", due_on=due
        )


@pytest.mark.proves("P13.objection-research")
def test_recordings_of_persons_who_objected_to_research_are_not_lent(
    register: RegisterApp, clock
) -> None:
    """P13 and P9: an objection to research (market and opinion research, which the loan's
    service-quality study is) stops the loan, on whichever channel it was made."""
    from rekisteri.domain.consent import ConsentPurpose
    from rekisteri.domain.register import Provenance
    from rekisteri.services.rights import objection
    from tests.integration.marketing_helpers import consent

    objector, by_phone, regranted, free = (add_person(register, n) for n in range(4))
    with register.unit_of_work(ACTOR) as uow:
        objection.record_objection(
            uow,
            objector,
            Provenance.of("customer_contact", uow.now()),
            captured_how="letter",
            wording="En halua osallistua tutkimuksiin",
            purposes=(ConsentPurpose.RESEARCH,),
        )
    consent(register, by_phone, "research", "phone", "prohibited")
    consent(register, regranted, "research", "email", "prohibited")
    clock.advance(days=1)
    consent(register, regranted, "research", "email", "granted")
    recs = {p: _recording(register, p) for p in (objector, by_phone, regranted, free)}
    _recipient(register, "Tutkimuslaitos Oy", "research_institute")
    due = clock().date() + dt.timedelta(days=30)
    with pytest.raises(RuleViolation) as refused:
        _lend(register, "Tutkimuslaitos Oy", list(recs.values()), due)
    message = str(refused.value)
    assert "2 persons objected to research" in message
    assert f"recordings {recs[objector]}, {recs[by_phone]}" in message
    assert _count(register, disclosure) == 0
    loan = _lend(register, "Tutkimuslaitos Oy", [recs[regranted], recs[free]], due)
    assert [m[0] for m in loan.manifest] == [recs[regranted], recs[free]]


@pytest.mark.proves("P10.transfer-safeguards")
def test_a_us_recipient_under_adequacy_needs_its_data_privacy_framework_listing(
    register: RegisterApp, clock
) -> None:
    """P10: the US adequacy decision covers only organisations certified under the EU-US Data
    Privacy Framework; a recipient without that listing gets nothing, even one stored before."""
    from rekisteri.adapters.schema.disclosure import recipient

    with pytest.raises(InvalidInput, match=r"safeguard_ref: .*Data Privacy Framework"):
        _recipient(register, "Survey Labs Inc", "research_institute", "US", safeguard="adequacy")
    with pytest.raises(InvalidInput, match="safeguard_ref"):
        _recipient(
            register,
            "Survey Labs Inc",
            "research_institute",
            "US",
            safeguard="adequacy",
            safeguard_ref="trust us",
        )
    _recipient(
        register,
        "Certified Labs Inc",
        "research_institute",
        "US",
        safeguard="adequacy",
        safeguard_ref="DPF list: Certified Labs Inc, active until 2027-01-31",
    )
    _recipient(register, "Swiss Labs AG", "research_institute", "CH", safeguard="adequacy")
    with register.unit_of_work(ACTOR) as uow:  # as a recipient registered before this rule
        uow.execute(
            recipient.insert().values(
                name="Old Labs Inc",
                kind="research_institute",
                country="US",
                purposes="service_quality",
                safeguard="adequacy",
                active=True,
                created_at=uow.now(),
                created_by="test",
            )
        )
    rec = _recording(register, add_person(register))
    due = clock().date() + dt.timedelta(days=30)
    with pytest.raises(RuleViolation, match=r"Old Labs Inc.*Data Privacy Framework"):
        _lend(register, "Old Labs Inc", [rec], due)
    assert _count(register, disclosure) == 0
    assert _lend(register, "Certified Labs Inc", [rec], due).disclosed.person_count == 1
    assert _lend(register, "Swiss Labs AG", [rec], due).disclosed.person_count == 1
