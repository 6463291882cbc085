"""Building small registers for the direct-marketing tests, through the services."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import select, update

from rekisteri.adapters.schema.register import person
from rekisteri.domain.consent import CaptureMethod, ConsentChange, Evidence
from rekisteri.domain.drafts import ContactPointDraft, ContractDraft, PersonDraft, SiteDraft
from rekisteri.domain.register import ContactKind, PersonKind, Provenance
from rekisteri.services.marketing import audience, ledger
from rekisteri.services.register import customers
from rekisteri.services.unit_of_work import Actor, RegisterApp

STAFF = Actor("tester")
_serial = itertools.count(2)
CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def hetu() -> str:
    n = next(_serial)
    base = f"010180{n:03d}"
    return f"010180-{n:03d}{CHECK[int(base) % 31]}"


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


def assert_decided_as_looked_up(
    reg: RegisterApp, spec: audience.AudienceSpec, people: list[int]
) -> None:
    """The audience over everyone, the one-person query (explain) and the domain's `decide` over
    facts looked up afresh in the base tables give each person the same reason."""
    with reg.reading(STAFF) as uow, audience.build(uow, spec) as built:
        t = built.table
        decided = {r[0]: r[1] for r in uow.execute(select(t.c.person_id, built.reason))}
        for pid in people:
            why = audience.explain(uow, spec, pid)
            assert why is not None
            looked_up = why.decision.reason.value if why.decision.reason else None
            assert decided[pid] == why.sql_reason == looked_up, (spec, pid)
