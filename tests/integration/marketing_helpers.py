"""Building small registers for the direct-marketing tests, through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace

from sqlalchemy import select, update

from rekisteri.adapters.schema.marketing import marketing_ban, marketing_contact
from rekisteri.adapters.schema.register import (
    consent_event,
    contact_person,
    contact_point,
    contract,
    person,
)
from rekisteri.domain.bans import postal_key
from rekisteri.domain.consent import (
    CaptureMethod,
    Channel,
    ConsentChange,
    ConsentState,
    Evidence,
    state_of,
)
from rekisteri.domain.drafts import ContactPointDraft, ContractDraft, PersonDraft, SiteDraft
from rekisteri.domain.marketing import (
    AudiencePurpose,
    PersonFacts,
    business_rule,
    contact_kind_for,
    decide,
)
from rekisteri.domain.register import ContactKind, PersonKind, Provenance
from rekisteri.domain.telephone_sales import awaiting_acceptance
from rekisteri.services.marketing import audience, ledger
from rekisteri.services.register import customers
from rekisteri.services.unit_of_work import Actor, RegisterApp

STAFF = Actor("tester")
_serial = itertools.count(2)
CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def hetu() -> str:
    """A code of its own in this process: born 2 February 1980, apart from
    tests/support/registered.nth_hetu's 1 January (a walk uses both, in whatever order the
    tests ran before it in the worker)."""
    n = next(_serial)
    base = f"020280{n:03d}"
    return f"020280-{n:03d}{CHECK[int(base) % 31]}"


def contacts(email: bool = True, phone: bool = True, postal: bool = True, n: int = 0):
    points = []
    if email:
        points.append(ContactPointDraft(ContactKind.EMAIL, f"p{n}@example.fi"))
    if phone:
        points.append(ContactPointDraft(ContactKind.PHONE, f"040 555 {n:04d}"))
    if postal:
        points.append(
            ContactPointDraft(
                ContactKind.POSTAL,
                street=f"Mannerheimintie {n} A 1",
                postal_code="00100",
                post_office="Helsinki",
            )
        )
    return tuple(points)


def add_person(
    reg: RegisterApp,
    *,
    kind: PersonKind = PersonKind.NATURAL,
    first: str = "Anna",
    last: str = "Virtanen",
    tongue: str | None = "fi",
    email: bool = True,
    phone: bool = True,
    postal: bool = True,
) -> int:
    n = next(_serial)
    if kind is PersonKind.NATURAL:
        draft = PersonDraft(
            kind,
            first_names=first,
            last_name=last,
            personal_identity_code=hetu(),
            mother_tongue=tongue,  # type: ignore[arg-type]
            contact_points=contacts(email, phone, postal, n),
        )
    else:
        draft = PersonDraft(
            kind,
            organisation_name=f"Yritys {n} Oy",
            business_id=None,
            relationship="prospect",  # type: ignore[arg-type]
            contact_points=contacts(email, phone, postal, n),
        )
    with reg.unit_of_work(STAFF) as uow:
        prov = Provenance.of("contract", uow.now())
        perms = ()
        if kind is PersonKind.LEGAL:
            from rekisteri.domain.consent import PermissionDraft

            perms = (
                PermissionDraft("own_marketing", "letter", "contract", "Saa markkinoida", "1"),  # type: ignore[arg-type]
            )
        return customers.register_person(uow, draft, prov, perms).person_id


def consent(
    reg: RegisterApp,
    person_id: int,
    purpose: str,
    channel: str,
    event: str,
    at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
) -> int:
    with reg.unit_of_work(STAFF) as uow:
        change = ConsentChange(
            purpose,  # type: ignore[arg-type]
            channel,
            event,  # type: ignore[arg-type]
            at or uow.now(),
            Evidence(CaptureMethod.PHONE_CALL, "tester", "Saako lähettää tarjouksia?", "t1"),
            expires_at,
        )
        return ledger.record(uow, person_id, change, Provenance.of("customer_contact", uow.now()))


def set_person(reg: RegisterApp, person_id: int, **values: object) -> None:
    with reg.unit_of_work(STAFF) as uow:
        uow.execute(update(person).where(person.c.id == person_id).values(**values))


def add_contract(
    reg: RegisterApp,
    person_id: int,
    *,
    heating: str = "electric",
    housing: str = "detached",
    kwh: int = 18000,
    fixed_term_end: dt.date | None = None,
) -> None:
    with reg.unit_of_work(STAFF) as uow:
        prov = Provenance.of("contract", uow.now())
        site_id = customers.add_site(
            uow,
            SiteDraft(
                "Kotitie 1",
                "00100",
                "Helsinki",
                housing_type=housing,  # type: ignore[arg-type]
                heating_type=heating,  # type: ignore[arg-type]
                consumption_estimate_kwh=kwh,
            ),
            prov,
        )
        customers.add_contract(
            uow,
            person_id,
            ContractDraft(
                site_id,
                "sales",  # type: ignore[arg-type]
                "Kiinteä 12 kk",
                uow.today() - dt.timedelta(days=200),
                fixed_term_end=fixed_term_end,
            ),
            prov,
        )


def _state_from_rows(uow, purpose: str, channel: str, person_id: int) -> ConsentState:  # type: ignore[no-untyped-def]
    """The consent state by the ledger's own rows: the latest event at `now`, read plainly."""
    now = uow.now()
    ce = consent_event.c
    latest = uow.execute(
        select(ce.event, ce.expires_at)
        .where(ce.person_id == person_id, ce.purpose == purpose, ce.channel == channel)
        .where(ce.at <= now)
        .order_by(ce.at.desc(), ce.id.desc())
        .limit(1)
    ).first()
    return state_of(*latest, now) if latest else ConsentState.NONE


def facts_from_rows(uow, spec: audience.AudienceSpec, person_id: int) -> PersonFacts:  # type: ignore[no-untyped-def]
    """What the register holds about one person, from plain SELECTs of the tables and the
    domain's pure rules: nothing of the audience's own fact query, so that query can be
    checked against it."""
    assert spec.segment is None, "segments are checked by their own tests"
    now, today = uow.now(), uow.today()
    who = uow.execute(select(person).where(person.c.id == person_id)).one()
    purpose = spec.purpose.consent_purpose
    state = (
        _state_from_rows(uow, purpose.value, spec.channel.value, person_id)
        if purpose is not None
        else ConsentState.NONE
    )
    cp = contact_point.c
    points = [
        r
        for r in uow.execute(
            select(contact_point)
            .where(cp.person_id == person_id, cp.kind == contact_kind_for(spec.channel))
            .order_by(cp.valid_from.desc(), cp.id.desc())
        )
        if r.valid_from <= today
        and (r.valid_to is None or r.valid_to >= today)
        # The population register's ban: its addresses are no marketing audience's.
        and not (
            spec.marketing and who.population_marketing_ban and r.source == "population_register"
        )
    ]
    # The frequency cap's rolling year: sent in the 365 days up to now (P5).
    sent = uow.execute(
        select(marketing_contact.c.sent_at).where(marketing_contact.c.person_id == person_id)
    ).scalars()
    year = [at for at in sent if now - dt.timedelta(days=365) < at <= now]
    window_end = today + dt.timedelta(days=audience.RENEWAL_WINDOW_DAYS)
    own = list(uow.execute(select(contract).where(contract.c.person_id == person_id)))
    ending = any(
        c.fixed_term_end is not None
        and today <= c.fixed_term_end <= window_end
        and (c.end_date is None or c.end_date > today)
        and not awaiting_acceptance(c.sales_call, c.accepted_at)
        for c in own
    )
    links = uow.execute(select(contact_person).where(contact_person.c.person_id == person_id)).all()
    acting = any(
        r.valid_from <= today and (r.valid_to is None or r.valid_to >= today) for r in links
    )
    return PersonFacts(
        kind=PersonKind(who.kind),
        deceased=who.deceased_on is not None and who.deceased_on <= today,
        restricted=bool(who.restricted),
        non_disclosure=bool(who.non_disclosure),
        consent=state,
        banned=spec.marketing and _banned_by_rows(uow, spec.channel, who, points),
        has_contact_point=bool(points),
        contacts_last_12_months=len(year),
        fixed_term_ending=ending,
        business_contact=acting and not own,
    )


def _banned_by_rows(uow, channel: Channel, who, points) -> bool:  # type: ignore[no-untyped-def]
    """An ASML ban in force for the channel: any current number (phone), or the key of the
    newest current address of a natural person (letter), among the ban rows."""
    today = uow.today()
    bans = [
        b
        for b in uow.execute(select(marketing_ban))
        if b.expires_on is None or b.expires_on > today
    ]
    if channel is Channel.PHONE:
        return any(b.kind == "phone" and b.phone in {p.phone for p in points} for b in bans)
    if channel is not Channel.LETTER or who.kind != PersonKind.NATURAL.value or not points:
        return False
    newest = points[0]
    parts = (who.last_name, who.first_names, newest.street, newest.postal_code)
    if not all(parts):
        return False
    key = postal_key(*parts)
    return any(b.kind == "postal" and b.match_key == key for b in bans)


def assert_decided_as_looked_up(
    reg: RegisterApp, spec: audience.AudienceSpec, people: list[int]
) -> None:
    """The audience over everyone and the one-person query (explain) give each person the
    reason the domain's `decide` gives over facts read from the raw rows (facts_from_rows);
    the explanation shows those very facts and that decision, rule by rule."""
    cap = reg.settings.marketing_contacts_per_year
    renewal = spec.purpose is AudiencePurpose.RENEWAL_OFFER
    business = business_rule(spec.purpose, spec.channel)
    with reg.reading(STAFF) as uow, audience.build(uow, spec) as built:
        t = built.table
        decided = {r[0]: r[1] for r in uow.execute(select(t.c.person_id, built.reason))}
        for pid in people:
            facts = facts_from_rows(uow, spec, pid)
            expected = decide(spec.purpose, spec.channel, facts, cap=cap)
            why = audience.explain(uow, spec, pid)
            assert why is not None and why.person_id == pid
            assert decided[pid] == why.sql_reason, (spec, pid)
            reason = expected.reason
            assert decided[pid] == (reason.value if reason else None), (spec, pid, facts)
            # A fact only one kind of audience needs is computed for it alone (0 elsewhere).
            concerned = replace(
                facts,
                fixed_term_ending=renewal and facts.fixed_term_ending,
                business_contact=business and facts.business_contact,
            )
            assert why.facts == concerned, (spec, pid)
            assert why.decision == decide(spec.purpose, spec.channel, concerned, cap=cap)
