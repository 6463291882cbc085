"""Contact persons of organisations and sole traders (issue 15, item 6), on both databases.

The contact person is the data subject: the link is in their access package and goes with
their erasure; the organisation's erasure removes the link and leaves the contact person, their
contact points and their rights records. The business rule reaches them by e-mail without an
opt-in; a sole trader is a natural person under the consumer rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select, update

from rekisteri.adapters.schema.register import (
    consent_event,
    contact_person,
    contact_point,
    contract,
    invoice,
    person,
)
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.catalogue import Role
from rekisteri.domain.consent import CaptureMethod, Channel, ConsentPurpose, PermissionDraft
from rekisteri.domain.drafts import ContactPointDraft, PersonDraft
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.marketing import AudiencePurpose, Exclusion
from rekisteri.domain.register import ContactKind, PersonKind, Provenance, Relationship
from rekisteri.services.marketing import audience
from rekisteri.services.register import contact_persons, customers
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.rights import erasure, package, requests, retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.marketing_helpers import assert_decided_as_looked_up, consent
from tests.support.clock import FakeClock

STAFF = Actor("asiakaspalvelu.anna", Role.CUSTOMER_SERVICE)
DPO = Actor("tietosuoja.dpo")
WORK_EMAIL = "liisa.laine@yritys.example.fi"


def _organisation(reg: RegisterApp, business_id: str = "1572860-0") -> int:
    draft = PersonDraft(
        PersonKind.LEGAL,
        organisation_name="Konepaja Oy",
        business_id=business_id,
        contact_points=(ContactPointDraft(ContactKind.EMAIL, "info@konepaja.example.fi"),),
    )
    with reg.unit_of_work(STAFF) as uow:
        return customers.register_person(uow, draft, Provenance.of("contract", uow.now())).person_id


def _contact_person(reg: RegisterApp, org: int, role: str = "signatory") -> tuple[int, int]:
    draft = PersonDraft(
        PersonKind.NATURAL,
        first_names="Liisa",
        last_name="Laine",
        contact_points=(
            ContactPointDraft(ContactKind.EMAIL, WORK_EMAIL),
            ContactPointDraft(ContactKind.PHONE, "040 765 4321"),
        ),
    )
    with reg.unit_of_work(STAFF) as uow:
        return contact_persons.add(
            uow, org, role, Provenance.of("contract", uow.now(), "K-1"), draft=draft
        )


def _count(reg: RegisterApp, t: Any, *where: Any) -> int:
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t).where(*where)).scalar_one())


def test_a_contact_person_needs_no_identity_code_and_shows_both_ways(
    register: RegisterApp,
) -> None:
    org = _organisation(register)
    link, cp = _contact_person(register, org)
    with register.reading(STAFF) as uow:
        own = customer_view(uow, cp, Role.CUSTOMER_SERVICE)
        theirs = customer_view(uow, org, Role.CUSTOMER_SERVICE)
    # Their own view: the link, named, and their own contact points.
    [entry] = own["organisations"]
    assert entry["organisation_id"] == org and "Konepaja Oy" in entry["organisation"]
    assert entry["role"]["role"] == "signatory"
    assert {c.get("email") for c in own["contact_points"]} >= {WORK_EMAIL}
    # The organisation's view lists its contact persons.
    assert [(c["link"], c["person_id"], c["role"]) for c in theirs["contact_persons"]] == [
        (link, cp, "signatory")
    ]
    assert not theirs["organisations"]


def test_a_contact_person_belongs_to_an_organisation_and_is_a_natural_person(
    register: RegisterApp,
) -> None:
    org = _organisation(register)
    _, cp = _contact_person(register, org)
    with register.unit_of_work(STAFF) as uow:
        prov = Provenance.of("contract", uow.now())
        with pytest.raises(InvalidInput, match="organisations"):
            contact_persons.add(uow, cp, "contact", prov, person_id=cp)
        with pytest.raises(InvalidInput, match="natural person"):
            contact_persons.add(uow, org, "contact", prov, person_id=org)
        with pytest.raises(InvalidInput, match="already has this role"):
            contact_persons.add(uow, org, "signatory", prov, person_id=cp)
        with pytest.raises(InvalidInput, match="role"):
            contact_persons.add(uow, org, "boss", prov, person_id=cp)
    assert _count(register, contact_person) == 1


def test_the_link_ends_with_its_history(register: RegisterApp, clock: FakeClock) -> None:
    org = _organisation(register)
    link, cp = _contact_person(register, org)
    clock.advance(days=30)
    with register.unit_of_work(STAFF) as uow:
        contact_persons.end(
            uow, link, uow.today(), "left the company", Provenance.of("customer_contact", uow.now())
        )
        with pytest.raises(InvalidInput, match="already ended"):
            contact_persons.end(
                uow, link, uow.today(), "again", Provenance.of("customer_contact", uow.now())
            )
    with register.reading(DPO) as uow:
        view = customer_view(uow, cp, None)
    assert view["organisations"][0]["role"]["valid_to"] == dt.date(2026, 4, 2)
    # Through the one write path: the history holds the old and the new end of the link.
    history = [(h["attribute"], h["old_value"], h["new_value"]) for h in view["history"]]
    assert history == [("contact_person.role", None, "2026-04-02")]
    assert view["history"][0]["reason"] == "left the company"


def test_the_contact_persons_package_holds_the_link_and_their_contact_points(
    register: RegisterApp,
) -> None:
    org = _organisation(register)
    _, cp = _contact_person(register, org, "invoice_receiver")
    with register.reading(DPO) as uow:
        p = package.build(uow, cp)
        org_package = package.build(uow, org)
    sections = {s.key: s for s in p.sections}
    assert [r["role"] for r in sections["contact_person"].rows] == ["invoice_receiver"]
    assert WORK_EMAIL in {r.get("email") for r in sections["contact_point"].rows}
    # The organisation's package holds none of the contact person's data.
    org_sections = {s.key: s for s in org_package.sections}
    assert not org_sections["contact_person"].rows
    assert WORK_EMAIL not in str([s.rows for s in org_package.sections])


def test_erasing_the_contact_person_removes_the_link_never_the_organisation(
    register: RegisterApp,
) -> None:
    org = _organisation(register)
    _, cp = _contact_person(register, org)
    with register.unit_of_work(DPO) as uow:
        erasure.erase_person(
            uow, cp, Provenance.of("customer_contact", uow.now()), reason="asked to be forgotten"
        )
    assert _count(register, contact_person) == 0
    assert _count(register, person, person.c.id == cp) == 0
    assert _count(register, contact_point, contact_point.c.person_id == cp) == 0
    assert _count(register, person, person.c.id == org) == 1
    assert _count(register, contact_point, contact_point.c.person_id == org) == 1


def test_erasing_the_organisation_keeps_its_contact_persons_and_their_requests(
    register: RegisterApp,
) -> None:
    org = _organisation(register)
    _, cp = _contact_person(register, org)
    with register.unit_of_work(DPO) as uow:
        request_id = requests.new_request(
            uow, cp, "access", "signed_letter", Provenance.of("customer_contact", uow.now())
        ).id
        erasure.erase_person(
            uow, org, Provenance.of("customer_contact", uow.now()), reason="company dissolved"
        )
    assert _count(register, person, person.c.id == org) == 0
    assert _count(register, contact_person) == 0  # the link to what is gone goes with it
    assert _count(register, person, person.c.id == cp) == 1
    assert _count(register, contact_point, contact_point.c.person_id == cp) == 2
    assert (
        _count(
            register,
            rights_request,
            rights_request.c.id == request_id,
            rights_request.c.person_id == cp,
        )
        == 1
    )


def test_retention_purges_a_former_contact_person_a_year_after_the_last_link(
    register: RegisterApp, clock: FakeClock
) -> None:
    org = _organisation(register)
    link, cp = _contact_person(register, org)
    with register.unit_of_work(STAFF) as uow:
        contact_persons.end(
            uow, link, uow.today(), "left", Provenance.of("customer_contact", uow.now())
        )
    clock.advance(days=360)
    with register.unit_of_work(DPO) as uow:
        retention.run(uow)
    assert _count(register, person, person.c.id == cp) == 1
    clock.advance(days=10)
    with register.unit_of_work(DPO) as uow:
        result = retention.run(uow)
    assert result.counts["former contact persons: purged"] == 1
    assert _count(register, person, person.c.id == cp) == 0
    assert _count(register, person, person.c.id == org) == 1


def test_only_those_the_register_knows_through_ended_links_alone_are_purged(
    register: RegisterApp, clock: FakeClock
) -> None:
    """A year after their links ended: purged, the contact person with nothing else here.
    Kept: one with a contract of their own, one with invoices of their own (another customer
    took their contract over), and one whose link to a second organisation still runs. A
    preview counts the same and purges nobody."""
    from tests.support.people import another_customer, make_customer

    org, other_org = _organisation(register), _organisation(register, "0112038-9")
    with_contract, with_invoices = make_customer(register), another_customer(register)
    with register.engine.begin() as conn:  # one keeps the contracts, the other the invoices
        for t, frm, to in (
            (contract, with_invoices, with_contract),
            (invoice, with_contract, with_invoices),
        ):
            conn.execute(
                update(t).where(t.c.person_id == frm.person_id).values(person_id=to.person_id)
            )
    _, only_link = _contact_person(register, org)
    _, still_acting = _contact_person(register, org, "contact")
    with register.unit_of_work(STAFF) as uow:
        prov = Provenance.of("customer_contact", uow.now())
        contact_persons.add(uow, other_org, "contact", prov, person_id=still_acting)
        for who in (with_contract.person_id, with_invoices.person_id):
            contact_persons.add(uow, org, "contact", prov, person_id=who)
        for link in uow.execute(
            select(contact_person.c.id).where(contact_person.c.organisation_id == org)
        ).scalars():
            contact_persons.end(uow, link, uow.today(), "left", prov)
    clock.advance(days=370)
    with register.unit_of_work(DPO) as uow:
        preview = retention.run(uow, dry_run=True)
    assert preview.counts["former contact persons: purged"] == 1
    assert _count(register, person, person.c.id == only_link) == 1
    with register.unit_of_work(DPO) as uow:
        result = retention.run(uow)
    assert result.counts["former contact persons: purged"] == 1
    assert _count(register, person, person.c.id == only_link) == 0
    kept = (with_contract.person_id, with_invoices.person_id, still_acting, org, other_org)
    assert _count(register, person, person.c.id.in_(kept)) == len(kept)


def test_a_prospect_who_was_a_contact_person_is_kept_until_the_earlier_rule_ends(
    register: RegisterApp, clock: FakeClock
) -> None:
    """A prospect (kept while a permission lasts, here three years) who was also an
    organisation's contact person goes 12 months after the last link ends, as the run's
    contact-person rule says: the package tells them that day, and the run keeps them through
    it and removes them the day after."""
    org = _organisation(register)
    permission = PermissionDraft(
        ConsentPurpose.OWN_MARKETING, Channel.LETTER, CaptureMethod.PHONE_CALL, "Saa", "v1"
    )
    draft = PersonDraft(
        PersonKind.NATURAL,
        relationship=Relationship.PROSPECT,
        first_names="Liisa",
        last_name="Laine",
        contact_points=(ContactPointDraft(ContactKind.EMAIL, WORK_EMAIL),),
    )
    with register.unit_of_work(STAFF) as uow:
        prov = Provenance.of("customer_contact", uow.now())
        cp = customers.register_person(uow, draft, prov, (permission,)).person_id
        [grant] = uow.execute(select(consent_event.c.id).where(consent_event.c.person_id == cp))
        far = uow.now() + dt.timedelta(days=3 * 365)
        uow.execute(
            update(consent_event).where(consent_event.c.id == grant.id).values(expires_at=far)
        )
        link, _ = contact_persons.add(uow, org, "contact", prov, person_id=cp)
        contact_persons.end(uow, link, uow.today(), "left", prov)
        left_on = uow.today()
    with register.reading(DPO) as uow:
        built = package.build(uow, cp, lang="fi")
    [row] = next(s for s in built.sections if s.key == "person").rows
    assert left_on < row["kept_until"] < left_on + dt.timedelta(days=400)
    for day, held in ((row["kept_until"], 1), (row["kept_until"] + dt.timedelta(days=1), 0)):
        clock.set(dt.datetime.combine(day, dt.time(10), dt.UTC))
        with register.unit_of_work(DPO) as uow:
            retention.run(uow)
        assert _count(register, person, person.c.id == cp) == held, day


def test_a_sole_trader_is_a_person_with_a_business_id(register: RegisterApp) -> None:
    draft = PersonDraft(
        PersonKind.NATURAL,
        first_names="Pekka",
        last_name="Puuseppä",
        personal_identity_code="010190-123M",
        business_id="2617416-4",
        contact_points=(ContactPointDraft(ContactKind.EMAIL, "pekka@puusepat.example.fi"),),
    )
    with register.unit_of_work(STAFF) as uow:
        done = customers.register_person(uow, draft, Provenance.of("contract", uow.now()))
    with register.reading(STAFF) as uow:
        view = customer_view(uow, done.person_id, Role.CUSTOMER_SERVICE)
    assert view["person"]["kind"] == "natural" and view["person"]["business_id"] == "2617416-4"
    with register.unit_of_work(STAFF) as uow, pytest.raises(InvalidInput, match="organisation"):
        customers.register_person(
            uow,
            PersonDraft(
                PersonKind.NATURAL,
                first_names="P",
                last_name="P",
                personal_identity_code="311280-888Y",
                organisation_name="Puusepät",
            ),
            Provenance.of("contract", uow.now()),
        )


def test_the_business_rule_reaches_contact_persons_not_sole_traders(
    register: RegisterApp,
) -> None:
    """Own marketing by e-mail: an organisation and its contact person (no contract of their
    own) are reached until they object; a sole trader, a natural person, needs their consent."""
    org = _organisation(register)
    _, cp = _contact_person(register, org)
    with register.unit_of_work(STAFF) as uow:
        trader = customers.register_person(
            uow,
            PersonDraft(
                PersonKind.NATURAL,
                first_names="Pekka",
                last_name="Puuseppä",
                personal_identity_code="010190-123M",
                business_id="2617416-4",
                contact_points=(ContactPointDraft(ContactKind.EMAIL, "pekka@example.fi"),),
            ),
            Provenance.of("contract", uow.now()),
        ).person_id
    people = [org, cp, trader]

    def reasons(purpose: AudiencePurpose, channel: Channel) -> dict[int, str | None]:
        spec = audience.AudienceSpec(purpose, channel)
        assert_decided_as_looked_up(register, spec, people)
        with register.reading(STAFF) as uow, audience.build(uow, spec) as built:
            rows = uow.execute(select(built.table.c.person_id, built.reason)).all()
        return {int(p): r for p, r in rows}

    own_email = reasons(AudiencePurpose.OWN_MARKETING, Channel.EMAIL)
    assert own_email[org] is None and own_email[cp] is None
    assert own_email[trader] == Exclusion.NO_CONSENT.value
    # Not SMS, not the group's marketing: there the consumer rule needs their consent.
    assert reasons(AudiencePurpose.OWN_MARKETING, Channel.SMS)[cp] == Exclusion.NO_CONSENT.value
    group = reasons(AudiencePurpose.GROUP_MARKETING, Channel.EMAIL)
    assert group[cp] == Exclusion.NO_CONSENT.value
    # Until they object.
    consent(register, cp, "own_marketing", "email", "prohibited")
    assert reasons(AudiencePurpose.OWN_MARKETING, Channel.EMAIL)[cp] == Exclusion.OBJECTION.value


def test_only_a_link_in_force_today_without_a_contract_of_ones_own_is_the_business_rule(
    register: RegisterApp,
) -> None:
    """Own marketing by e-mail without consent reaches a contact person whose link is in force
    today (through its last day) and who has no contract of their own; a link that ended
    yesterday or starts tomorrow, or a contract of their own, puts them under the consumer
    rule (consent needed)."""
    from tests.integration.marketing_helpers import add_contract

    org = _organisation(register)
    with register.unit_of_work(STAFF) as uow:
        today = uow.today()

    def linked(name: str, valid_from: dt.date = today, valid_to: dt.date | None = None) -> int:
        draft = PersonDraft(
            PersonKind.NATURAL,
            first_names=name,
            last_name="Laine",
            contact_points=(ContactPointDraft(ContactKind.EMAIL, f"{name}@yritys.example.fi"),),
        )
        with register.unit_of_work(STAFF) as uow:
            prov = Provenance.of("contract", uow.now())
            link, pid = contact_persons.add(uow, org, "contact", prov, draft=draft)
            uow.execute(
                update(contact_person)
                .where(contact_person.c.id == link)
                .values(valid_from=valid_from, valid_to=valid_to)
            )
        return pid

    day = dt.timedelta(days=1)
    acting = linked("liisa")
    last_day = linked("leena", valid_to=today)
    left = linked("lasse", valid_from=today - 30 * day, valid_to=today - day)
    coming = linked("lauri", valid_from=today + day)
    customer = linked("laila")
    add_contract(register, customer)
    people = [acting, last_day, left, coming, customer]
    spec = audience.AudienceSpec(AudiencePurpose.OWN_MARKETING, Channel.EMAIL)
    assert_decided_as_looked_up(register, spec, people)
    with register.reading(STAFF) as uow, audience.build(uow, spec) as built:
        rows = dict(uow.execute(select(built.table.c.person_id, built.reason)).all())
    assert [rows[p] for p in people] == [None, None, "no_consent", "no_consent", "no_consent"]
