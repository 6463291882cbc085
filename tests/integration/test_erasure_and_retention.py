"""Erasure (P14) and the retention run, end to end on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.register import (
    attribute_change,
    billing_account,
    call_recording,
    consent_event,
    contact_log,
    contact_point,
    contract,
    device,
    digital_account,
    feedback,
    invoice,
    metering_point,
    payment,
    person,
    site,
)
from rekisteri.adapters.schema.rights import erasure_journal as journal_table
from rekisteri.adapters.schema.rights import marketing_suppression, rights_request
from rekisteri.catalogue import Lang
from rekisteri.domain.errors import NotFound, RuleViolation
from rekisteri.services import erasure_journal
from rekisteri.services.rights import erasure, fulfilment, requests, retention, suppression
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.marketing_helpers import consent
from tests.support.clock import FakeClock
from tests.support.disclosed import disclose_to
from tests.support.people import EMAIL, IBAN, PHONE, another_customer, make_customer

DPO = Actor("tietosuoja.dpo")


def _count(reg: RegisterApp, table, *where) -> int:  # type: ignore[no-untyped-def]
    with reg.reading(DPO) as uow:
        return int(uow.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def _erase(reg: RegisterApp, person_id: int) -> fulfilment.Fulfilment:
    with reg.unit_of_work(DPO) as uow:
        new = requests.new_request(uow, person_id, "erasure", "signed_letter", _prov(uow))
        requests.verify(uow, new.reference, "signature_matched")
        return fulfilment.fulfil(uow, new.reference, lang="en")


def _prov(uow):  # type: ignore[no-untyped-def]
    from rekisteri.domain.register import Provenance

    return Provenance.of("customer_contact", uow.now(), "letter")


@pytest.mark.proves("P14.erasure", "P14.restricted-after-erasure")
def test_erasure_keeps_contract_and_invoices_restricted_and_nothing_else_identifying(
    register: RegisterApp, clock: FakeClock
) -> None:
    ended = clock().date() - dt.timedelta(days=3 * 365)
    c = make_customer(register, ended_on=ended)
    done = _erase(register, c.person_id)
    pid = c.person_id
    # Kept, under the legal period: the person's name and identity code, contracts, billing.
    with register.reading(DPO) as uow:
        p = uow.execute(select(person).where(person.c.id == pid)).one()
    # Restricted for the erasure, naming the request it answered.
    assert p.restricted and p.restricted_reason == f"erasure|rights_request|{done.reference}"
    assert p.last_name == "Meikäläinen" and p.hetu_ct is not None
    assert p.birth_year is None and p.mother_tongue is None and p.customer_class is None
    assert _count(register, contract, contract.c.person_id == pid) == 2
    assert _count(register, invoice, invoice.c.person_id == pid) == 2
    assert _count(register, payment) == 2
    assert _count(register, billing_account, billing_account.c.person_id == pid) == 1
    assert _count(register, site, site.c.id.in_(c.site_ids), site.c.heating_type.is_(None)) == 2
    assert _count(register, metering_point) == 2
    # Erased now: nothing else identifying is left.
    for table in (contact_point, consent_event, contact_log, feedback, digital_account):
        assert _count(register, table, table.c.person_id == pid) == 0, table.name
    assert _count(register, call_recording) == 0
    assert _count(register, device) == 0
    # The change history went too, but for the restriction itself.
    with register.reading(DPO) as uow:
        left = list(
            uow.execute(
                select(attribute_change.c.attribute).where(attribute_change.c.person_id == pid)
            ).scalars()
        )
    assert left == ["person.restricted"]
    # The answer says what went, what stayed, why and until when.
    out = done.outcome
    erased = {e["attribute"] for e in out["erased"]}
    kept = {k["attribute"]: k for k in out["kept"]}
    assert {"contact_point.email", "consent_event.event", "call_recording.recording"} <= erased
    # Each in the answer's language, with its rows and whether the rows went or were cleared.
    said = {e["attribute"]: e for e in out["erased"]}
    assert said["site.heating_type"] == {
        "attribute": "site.heating_type",
        "what": "heating type",
        "rows": 2,
        "how": "cleared",
    }
    assert said["contact_point.email"]["how"] == "deleted"
    # A value a kept record needs stays, and says so.
    assert kept["person.relationship"]["why"] == "a required part of a record that is kept"
    assert kept["contract.contract"]["until"] == dt.date(ended.year + 10, ended.month, ended.day)
    assert "Electricity Market Act" in kept["invoice.invoice"]["why"]
    # Its audio is kept outside the register's file store: listed, not claimed destroyed.
    assert out["files_destroyed"] == 0
    assert out["files_to_destroy_elsewhere"] == ["recordings/2026/03/call-1.opus"]
    # A suppression entry keeps them out of future marketing imports, without who they are.
    assert _count(register, marketing_suppression) >= 3
    assert out["suppression_entries"] == _count(register, marketing_suppression)
    assert out["person_id"] == pid and out["recipients_to_notify"] == []  # disclosed to no one
    # Journalled by a keyed hash of the person (a restored backup erases them again), and
    # audited as an erasure in the staff's words.
    with register.reading(DPO) as uow:
        key = uow.cipher.derived_key(erasure_journal.JOURNAL_KEY_INFO)
        journal = [
            tuple(r) for r in uow.execute(select(journal_table.c.kind, journal_table.c.digest))
        ]
        said_in_trail = list(
            uow.execute(
                select(audit_entry.c.what).where(audit_entry.c.what.like("%erasure%"))
            ).scalars()
        )
    assert ("erasure", erasure_journal.digest(key, pid)) in journal
    assert len(said_in_trail) == 1 and f"; erasure: request {done.reference}; " in said_in_trail[0]
    with register.reading(DPO) as uow:
        assert suppression.is_suppressed(uow, email=EMAIL.upper())
        assert suppression.is_suppressed(uow, phone=PHONE)
        assert not suppression.is_suppressed(uow, email="someone.else@example.fi")
        digests = list(uow.execute(select(marketing_suppression.c.digest)).scalars())
    assert all(EMAIL not in d and len(d) == 64 for d in digests)

    # The retention run leaves them until ten years have passed ...
    with register.unit_of_work(Actor("retention")) as uow:
        first = retention.run(uow)
    assert first.counts["ended customers past the contract period: purged"] == 0
    assert _count(register, person, person.c.id == pid) == 1
    # ... and purges them when the clock passes the period.
    clock.set(dt.datetime.combine(ended, dt.time(3), dt.UTC))
    clock.advance(days=366 * 10 + 1)
    with register.unit_of_work(Actor("retention")) as uow:
        dry = retention.run(uow, dry_run=True)
    assert dry.counts["ended customers past the contract period: purged"] == 1
    assert _count(register, person, person.c.id == pid) == 1  # a dry run changes nothing
    with register.unit_of_work(Actor("retention")) as uow:
        done_run = retention.run(uow)
    assert done_run.counts["ended customers past the contract period: purged"] == 1
    for table in (person, contract, invoice, payment, billing_account, site, metering_point):
        assert _count(register, table) == 0, table.name
    # The request itself was received over five years ago: its own period has passed too.
    assert _count(register, rights_request) == 0
    with register.reading(DPO) as uow:
        last = retention.last_run(uow)
    # The latest run (not the dry run before it), as the DPO desk shows it.
    assert last is not None
    assert last["counts"]["ended customers past the contract period: purged"] == 1
    assert (last["dry_run"], last["actor"]) == (False, "retention")
    assert last["started_at"] == last["finished_at"] == clock()  # the clock stood still
    assert last["notes"] == done_run.notes and last["files"] == done_run.files_outside
    # Idempotent: a second run finds nothing.
    with register.unit_of_work(Actor("retention")) as uow:
        again = retention.run(uow)
    assert sum(again.counts.values()) == 0


def test_erasure_is_limited_by_open_invoices_and_refused_during_a_contract(
    register: RegisterApp, clock: FakeClock
) -> None:
    owing = make_customer(register, ended_on=dt.date(2025, 1, 31), open_invoice=True)
    out = _erase(register, owing.person_id).outcome
    assert out["limited_by"] and "open invoices" in out["limited_by"][0]
    # Contact points stay to collect the claim, and the answer says so.
    assert _count(register, contact_point, contact_point.c.person_id == owing.person_id) == 3
    kept = {k["attribute"]: k["why"] for k in out["kept"]}
    assert "legal claims" in kept["contact_point.email"]
    assert _count(register, consent_event, consent_event.c.person_id == owing.person_id) == 0

    active = another_customer(register)
    with pytest.raises(RuleViolation) as refused:
        _erase(register, active.person_id)
    assert str(refused.value) == (
        f"person {active.person_id} has a contract in force: the contract needs the data (Art. "
        "17(1)(a) does not apply); end the contract first, then erase"
    )
    assert _count(register, contact_point, contact_point.c.person_id == active.person_id) == 3
    # A person the register does not hold is named as not found.
    with register.unit_of_work(DPO) as uow, pytest.raises(NotFound) as missing:
        erasure.erase_person(uow, 999_999, _prov(uow), reason="asked")
    assert str(missing.value) == "person 999999 not found"


def test_a_site_someone_else_moved_into_is_not_erased_for_them(
    register: RegisterApp, clock: FakeClock
) -> None:
    first = make_customer(register, ended_on=dt.date(2024, 1, 31))
    from rekisteri.domain.drafts import ContractDraft
    from rekisteri.domain.register import ContractKind, Provenance
    from rekisteri.services.register import customers

    second = another_customer(register, site_numbers=(5, 6))
    with register.unit_of_work(DPO) as uow:
        customers.add_contract(
            uow,
            second.person_id,
            ContractDraft(
                first.site_ids[1], ContractKind.SALES, "Pörssisähkö", dt.date(2024, 2, 1)
            ),
            Provenance.of("contract", uow.now()),
        )
    _erase(register, first.person_id)
    with register.reading(DPO) as uow:
        shared = uow.execute(select(site).where(site.c.id == first.site_ids[1])).one()
        alone = uow.execute(select(site).where(site.c.id == first.site_ids[0])).one()
    assert shared.heating_type == "district"  # the next occupant's site keeps its data
    assert alone.heating_type is None
    # Their billing account is a contract record: kept, and it still opens to their IBAN.
    with register.reading(DPO) as uow:
        account = uow.execute(
            select(billing_account).where(billing_account.c.person_id == first.person_id)
        ).one()
        iban = uow.cipher.open("billing_account.iban", account.iban_ct, account.iban_key)
    assert iban == IBAN


@pytest.mark.proves(
    "P14.kept.customer-data",
    "P14.kept.marketing-data",
    "P14.kept.contact-history",
    "P14.kept.recordings",
)
def test_retention_run_applies_relationship_and_recording_periods(
    register: RegisterApp, clock: FakeClock
) -> None:
    c = make_customer(register, ended_on=dt.date(2025, 12, 31))
    with register.reading(DPO) as uow:
        audio = uow.execute(select(call_recording.c.file_ref)).scalar_one()
    # Recordings past 12 months go with their metadata; their audio file is outside the
    # register, so the run lists it to be destroyed and claims nothing. The contact log lives
    # 36 months.
    clock.advance(days=400)
    with register.unit_of_work(Actor("retention")) as uow:
        preview = retention.run(uow, dry_run=True)
    assert preview.files_outside == [audio] and preview.counts[retention.FILES_DESTROYED] == 0
    with register.unit_of_work(Actor("retention")) as uow:
        result = retention.run(uow)
    assert result.counts["recordings: call_recording"] == 1
    assert result.counts[retention.FILES_DESTROYED] == 0
    assert result.files_outside == [audio]
    assert result.notes == [
        "1 audio files of deleted call recordings are kept outside the register: destroy them "
        "where they are kept (listed in the run's result)"
    ]
    assert _count(register, call_recording) == 0
    assert _count(register, contact_log) == 1
    # Ended more than 12 months ago: contact data goes; 24 months: marketing data goes.
    assert _count(register, contact_point, contact_point.c.person_id == c.person_id) == 0
    assert result.counts["customer_data: contact_point"] == 3
    with register.reading(DPO) as uow:
        p = uow.execute(select(person).where(person.c.id == c.person_id)).one()
    assert p.restricted and p.birth_year is None
    assert _count(register, consent_event) == 1  # 24 months not yet passed
    clock.advance(days=400)
    with register.unit_of_work(Actor("retention")) as uow:
        retention.run(uow)
    assert _count(register, consent_event) == 0
    assert _count(register, contact_log) == 1
    clock.advance(days=400)
    with register.unit_of_work(Actor("retention")) as uow:
        retention.run(uow)
    assert _count(register, contact_log) == 0
    assert _count(register, call_recording) == 0  # gone with its 12 months, not kept as a stub
    assert _count(register, contract) == 2  # ten years not yet


@pytest.mark.proves("P3.prospects-with-permission")
def test_prospects_without_permission_in_force_are_purged_and_their_requests_unlinked(
    register: RegisterApp, clock: FakeClock
) -> None:
    from rekisteri.domain.consent import CaptureMethod, Channel, ConsentPurpose, PermissionDraft
    from rekisteri.domain.drafts import ContactPointDraft, PersonDraft
    from rekisteri.domain.register import ContactKind, PersonKind, Provenance, Relationship
    from rekisteri.services.register import customers
    from rekisteri.services.rights import objection

    def prospect(name: str) -> int:
        with register.unit_of_work(DPO) as uow:
            return customers.register_person(
                uow,
                PersonDraft(
                    kind=PersonKind.NATURAL,
                    relationship=Relationship.PROSPECT,
                    first_names=name,
                    last_name="Näkymä",
                    contact_points=(ContactPointDraft(ContactKind.EMAIL, f"{name}@example.fi"),),
                ),
                Provenance.of("competition_or_event", uow.now(), "messut"),
                (
                    PermissionDraft(
                        ConsentPurpose.OWN_MARKETING,
                        Channel.LETTER,
                        CaptureMethod.COMPETITION_OR_EVENT,
                        "Saa lähettää tarjouksia",
                        "v1",
                    ),
                ),
            ).person_id

    keeps, objects = prospect("Pysyvä"), prospect("Kieltäytyvä")
    also, withdraws, lapses = prospect("Toinen"), prospect("Peruva"), prospect("Vanheneva")
    customer = make_customer(register)  # objects too, but stays a customer
    with register.unit_of_work(DPO) as uow:
        for who in (objects, also, customer.person_id):
            objection.record_objection(
                uow, who, _prov(uow), captured_how="letter", wording="Älkää markkinoiko"
            )
        new = requests.new_request(uow, objects, "access", "signed_letter", _prov(uow))
    consent(register, withdraws, "own_marketing", "letter", "withdrawn")
    # Granted again for an hour: it lapses without anyone refusing anything.
    consent(
        register,
        lapses,
        "own_marketing",
        "letter",
        "granted",
        expires_at=clock() + dt.timedelta(hours=1),
    )
    clock.advance(days=1)
    with register.unit_of_work(Actor("retention")) as uow:
        preview = retention.run(uow, dry_run=True)
    assert preview.counts["prospects without permission: purged"] == 4
    assert _count(register, person, person.c.id.in_((objects, also, withdraws, lapses))) == 4
    with register.reading(DPO) as uow:  # nor is anyone suppressed by a preview
        assert not suppression.is_suppressed(uow, email="peruva@example.fi")
    with register.unit_of_work(Actor("retention")) as uow:
        result = retention.run(uow)
    assert result.counts["prospects without permission: purged"] == 4
    assert _count(register, person, person.c.id.in_((keeps, customer.person_id))) == 2
    assert _count(register, person, person.c.id.in_((objects, also, withdraws, lapses))) == 0
    with register.reading(DPO) as uow:  # those who objected or withdrew stay out of imports
        assert suppression.is_suppressed(uow, email="kieltäytyvä@example.fi")
        assert suppression.is_suppressed(uow, email="Toinen@example.fi")
        assert suppression.is_suppressed(uow, email="peruva@example.fi")
        assert not suppression.is_suppressed(uow, email="pysyvä@example.fi")
        # A lapsed permission refuses nothing: they may be met again at the next fair.
        assert not suppression.is_suppressed(uow, email="vanheneva@example.fi")
        # The run suppresses only whom it purges; the customer's objection is in their ledger.
        assert not suppression.is_suppressed(uow, email=EMAIL)
    with register.reading(DPO) as uow:
        req = uow.execute(select(rights_request)).one()
    assert req.reference == new.reference and req.person_id is None and req.details is None


@pytest.mark.proves("P14.erasure")
def test_a_prospect_with_nothing_a_law_keeps_is_erased_whole(register: RegisterApp) -> None:
    from rekisteri.domain.consent import CaptureMethod, Channel, ConsentPurpose, PermissionDraft
    from rekisteri.domain.drafts import ContactPointDraft, PersonDraft
    from rekisteri.domain.register import ContactKind, PersonKind, Provenance, Relationship
    from rekisteri.services.register import customers

    with register.unit_of_work(DPO) as uow:
        pid = customers.register_person(
            uow,
            PersonDraft(
                kind=PersonKind.NATURAL,
                relationship=Relationship.PROSPECT,
                first_names="Pekka",
                last_name="Prospekti",
                contact_points=(ContactPointDraft(ContactKind.EMAIL, "pekka@example.fi"),),
            ),
            Provenance.of("competition_or_event", uow.now(), "messut"),
            (
                PermissionDraft(
                    ConsentPurpose.OWN_MARKETING,
                    Channel.EMAIL,
                    CaptureMethod.COMPETITION_OR_EVENT,
                    "Saa lähettää tarjouksia",
                    "v1",
                ),
            ),
        ).person_id
    out = _erase(register, pid).outcome
    assert _count(register, person) == 0 and _count(register, contact_point) == 0
    # Each attribute erased is said in the answer's language, with its rows and how it went.
    erased = {e["attribute"]: e for e in out["erased"]}
    assert erased["person.last_name"] == {
        "attribute": "person.last_name",
        "what": register.catalogue["person.last_name"].label(Lang.EN),
        "rows": 1,
        "how": "deleted",
    }
    assert {e["how"] for e in out["erased"]} == {"deleted"}
    assert erased["contact_point.email"]["rows"] == 1
    # Nothing of the person is kept but the records that outlive them, each said: the audit
    # entries naming them, the answered request and its steps, and the suppression hash.
    kept = {k["attribute"].split(".")[0] for k in out["kept"]}
    assert kept == {
        "audit_entry",
        "rights_request",
        "rights_request_event",
        "marketing_suppression",
    }
    assert not {e["attribute"].split(".")[0] for e in out["erased"]} & kept
    with register.reading(DPO) as uow:
        assert suppression.is_suppressed(uow, email="pekka@example.fi")
        req = uow.execute(select(rights_request)).one()
    assert req.person_id is None and req.state == "fulfilled"


def _phone_sale(reg: RegisterApp, person_id: int, *, accepted: bool) -> None:
    """A consumer contract sold in a call the company made 400 days ago; `accepted`: the
    customer accepted the written offer in writing."""
    from rekisteri.domain.drafts import ContractDraft, SiteDraft
    from rekisteri.domain.register import ContractKind, Provenance, SalesCall, WrittenHow
    from rekisteri.domain.telephone_sales import WrittenStep
    from rekisteri.services.register import customers, telephone_sales

    with reg.unit_of_work(DPO) as uow:
        prov = Provenance.of("contract", uow.now(), "puhelinmyynti")
        call = uow.now() - dt.timedelta(days=401)
        site_id = customers.add_site(uow, SiteDraft("Kotitie 9", "00100", "Helsinki"), prov)
        _, number = customers.add_contract(
            uow,
            person_id,
            ContractDraft(
                site_id,
                ContractKind.SALES,
                "Kiinteä 24 kk",
                uow.today() - dt.timedelta(days=400),
                sales_call=SalesCall.OUTBOUND,
                sales_call_at=call,
            ),
            prov,
        )
        if accepted:
            sent = WrittenStep(call + dt.timedelta(hours=1), WrittenHow.EMAIL)
            telephone_sales.offer_sent(uow, number, sent, prov)
            signed = WrittenStep(call + dt.timedelta(days=2), WrittenHow.SIGNED)
            telephone_sales.accepted(uow, number, signed, prov)


def _other_customer(reg: RegisterApp) -> int:
    return another_customer(reg, ended_on=dt.date(2024, 1, 31)).person_id


def test_a_telephone_sale_never_accepted_does_not_keep_erasure_waiting(
    register: RegisterApp,
) -> None:
    # It never came into force (Consumer Protection Act 6:10): the one rule of
    # adapters/contracts_in_force, the same the audiences and the person page ask.
    pending = make_customer(register, ended_on=dt.date(2024, 1, 31)).person_id
    _phone_sale(register, pending, accepted=False)
    accepted = _other_customer(register)
    _phone_sale(register, accepted, accepted=True)
    _erase(register, pending)
    assert _count(register, contact_point, contact_point.c.person_id == pending) == 0
    with pytest.raises(RuleViolation, match="contract in force"):
        _erase(register, accepted)
    assert _count(register, contact_point, contact_point.c.person_id == accepted) == 3


def test_a_telephone_sale_never_accepted_does_not_keep_retention_from_starting(
    register: RegisterApp,
) -> None:
    pending = make_customer(register, ended_on=dt.date(2024, 1, 31)).person_id
    _phone_sale(register, pending, accepted=False)
    accepted = _other_customer(register)
    _phone_sale(register, accepted, accepted=True)
    # The unaccepted sale counts from its start, 400 days ago: past the 12 months of contact
    # data. The accepted one is in force and keeps its customer's data.
    with register.unit_of_work(Actor("retention")) as uow:
        result = retention.run(uow)
    assert result.counts["customer_data: contact_point"] == 3
    assert _count(register, contact_point, contact_point.c.person_id == pending) == 0
    assert _count(register, contact_point, contact_point.c.person_id == accepted) == 3
    with register.reading(DPO) as uow:
        kept = uow.execute(select(person.c.restricted).where(person.c.id == accepted)).scalar()
    assert kept is False


def test_an_erasure_that_keeps_records_tells_each_recipient_once(
    register: RegisterApp, clock: FakeClock
) -> None:
    """The restriction the erasure leaves behind is said in the erasure's own notice (Art. 19),
    not in a second one per recipient."""
    from rekisteri.services.rights import recipient_notices

    c = make_customer(register, ended_on=clock().date() - dt.timedelta(days=400))
    for name in ("Perintä Oy", "Suomen Asiakastieto Oy"):
        disclose_to(register, name, [c.person_id])
    done = _erase(register, c.person_id)
    assert done.outcome["recipients_to_notify"] == ["Perintä Oy", "Suomen Asiakastieto Oy"]
    with register.reading(DPO) as uow:
        pending = recipient_notices.pending(uow)
    assert len(pending) == 2


def test_a_long_reason_is_cut_to_fit_the_trail_and_the_restriction(register: RegisterApp) -> None:
    """A staff member's reason of any length erases: the restriction keeps its first 200
    characters (PostgreSQL refuses more) and the trail's note its first 200 too."""
    from rekisteri.domain.register import Provenance

    c = make_customer(register, ended_on=dt.date(2025, 1, 31))
    reason = "pyyntö kirjeellä " + "x" * 400
    with register.unit_of_work(DPO) as uow:
        answer = erasure.erase_person(
            uow, c.person_id, Provenance.of("customer_contact", uow.now()), reason=reason, lang="sv"
        )
    assert answer.as_dict()["language"] == "sv"
    with register.engine.connect() as conn:
        restricted = conn.execute(
            select(person.c.restricted_reason).where(person.c.id == c.person_id)
        ).scalar_one()
        noted = conn.execute(
            select(audit_entry.c.what).where(audit_entry.c.what.like("%erasure: %"))
        ).scalar_one()
    assert restricted == ("erasure|" + reason)[:200]
    said = noted[noted.index("erasure: ") :]
    assert said.startswith("erasure: pyyntö kirjeellä xxx") and len(said.split(";")[0]) == 200


def test_a_person_kept_only_for_invoices_is_told_the_rule_that_keeps_them(
    register: RegisterApp,
) -> None:
    """No contract of their own (another customer took it over), only invoices: the invoices
    are kept, and with no day fixed the answer says the rule, in the answer's language."""
    from sqlalchemy import update

    taker = make_customer(register, ended_on=dt.date(2025, 1, 31))
    payer = another_customer(register, ended_on=dt.date(2025, 1, 31))
    with register.engine.begin() as conn:
        conn.execute(
            update(contract)
            .where(contract.c.person_id == payer.person_id)
            .values(person_id=taker.person_id)
        )
    kept = {k["attribute"]: k for k in _erase(register, payer.person_id).outcome["kept"]}
    assert kept["invoice.invoice"]["until"] is None
    assert kept["invoice.invoice"]["why"] == (
        "10 years after the contract ended (Electricity Market Act, Accounting Act)"
    )
