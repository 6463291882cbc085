"""The demo's update files, sent through their doors: the trade register's company data for the
demo's organisations (`rekisteri import trade-register`) and a mover service's address changes
for some of its persons (`rekisteri import address-changes`).

- Trade register: every organisation of the register as the trade register states it; one with
  contracts in force has ceased (a staff task), one is bankrupt, one has a new name and postal
  address, and one company is no customer (unmatched).
- Mover service: one person moved a week ago, one moves in two weeks (a future address), a
  namesake of a third lives at the same address (father and son of one name: held for staff,
  never guessed), and one notice names a person the register does not hold (held).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from sqlalchemy import and_, exists, select

from rekisteri.adapters import contracts_in_force
from rekisteri.adapters.address_changes import COLUMNS, SEPARATOR
from rekisteri.adapters.schema.register import contact_point, contract, person
from rekisteri.demo import values as dv
from rekisteri.demo.traffic import DoorTraffic
from rekisteri.domain.drafts import ContactPointDraft, PersonDraft
from rekisteri.domain.register import ContactKind, PersonKind, Provenance, Relationship
from rekisteri.services.register import customers
from rekisteri.services.unit_of_work import Actor, RegisterApp
from rekisteri.services.updates.address_changes import import_address_changes_file
from rekisteri.services.updates.trade_register import import_trade_register_file

ACTOR = Actor("demo")
LONG_AGO = "2001-01-01"  # what the register holds was entered in the trade register before


def trade_register_and_movers(reg: RegisterApp, traffic: DoorTraffic, directory: Path) -> str:
    """Both files written into `directory` and imported through their doors; one report line."""
    day = f"{traffic.today:%Y%m%d}-{traffic.seed}"
    companies = _trade_register(reg, traffic, directory / f"ytj-{day}.json")
    movers = _movers(reg, traffic, directory / f"movers-{day}.csv")
    return f"{companies}; {movers}"


def _current_postal(today: dt.date) -> Any:
    return and_(
        contact_point.c.person_id == person.c.id,
        contact_point.c.kind == "postal",
        contact_point.c.valid_from <= today,
        (contact_point.c.valid_to.is_(None)) | (contact_point.c.valid_to >= today),
    )


def _address(row: Any, registered: str) -> list[dict[str, Any]]:
    if row.street is None:
        return []
    return [
        {
            "type": 2,
            "street": row.street,
            "postCode": row.postal_code,
            "postOffices": [{"city": row.post_office.upper(), "languageCode": "1"}],
            "country": row.country or "FI",
            "registrationDate": registered,
            "source": "0",
        }
    ]


def _company(bid: str, name: str, addresses: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    return {
        "businessId": {"value": bid, "registrationDate": LONG_AGO, "source": "3"},
        "names": [{"name": name, "type": "1", "registrationDate": LONG_AGO, "source": "1"}],
        "addresses": addresses,
        "companySituations": [],
        **more,
    }


def _trade_register(reg: RegisterApp, traffic: DoorTraffic, path: Path) -> str:
    today = traffic.today
    with reg.engine.connect() as conn:
        in_force = exists().where(
            contract.c.person_id == person.c.id, contracts_in_force.in_force(today)
        )
        rows = conn.execute(
            select(person.c.id, person.c.business_id, person.c.organisation_name)
            .add_columns(contact_point.c.street, contact_point.c.postal_code)
            .add_columns(contact_point.c.post_office, contact_point.c.country)
            .add_columns(in_force.label("in_force"))
            .outerjoin(contact_point, _current_postal(today))
            .where(person.c.kind == "legal", person.c.business_id.is_not(None))
            .order_by(person.c.id)
        ).all()
    if not rows:
        return "trade register: the demo has no organisations"
    seen: set[str] = set()
    companies = []
    ceased = next((r.id for r in rows if r.in_force), None)
    others = [r.id for r in rows if r.id != ceased]
    bankrupt, renamed = [*others, None, None][:2]
    recently = (today - dt.timedelta(days=5)).isoformat()
    for r in rows:
        if r.business_id in seen:
            continue
        seen.add(r.business_id)
        if r.id == renamed:
            moved = {
                "type": 2, "street": "Teollisuuskatu", "buildingNumber": "12",
                "postCode": "00510", "postOffices": [{"city": "HELSINKI", "languageCode": "1"}],
                "registrationDate": recently, "source": "0",
            }  # fmt: skip
            company = _company(r.business_id, f"{r.organisation_name} Group", [moved])
            company["names"] = [
                {"name": r.organisation_name, "type": "1", "registrationDate": LONG_AGO,
                 "endDate": recently, "source": "1"},
                {"name": f"{r.organisation_name} Group", "type": "1",
                 "registrationDate": recently, "source": "1"},
            ]  # fmt: skip
        else:
            company = _company(r.business_id, r.organisation_name, _address(r, LONG_AGO))
        if r.id == ceased:
            company["endDate"] = (today - dt.timedelta(days=10)).isoformat()
        elif r.id == bankrupt:
            situation = {"type": "KONK", "registrationDate": recently, "source": "1"}
            company["companySituations"] = [situation]
        companies.append(company)
    rng = random.Random(traffic.seed)
    stranger = dv.business_id(rng)
    while stranger in seen:
        stranger = dv.business_id(rng)
    companies.append(_company(stranger, "Ei Asiakas Oy", []))
    answer = {"totalResults": len(companies), "companies": companies}
    path.write_text(json.dumps(answer, ensure_ascii=False, indent=1), encoding="utf-8")
    with reg.unit_of_work(ACTOR) as uow:
        return import_trade_register_file(uow, path).describe()


def _movers(reg: RegisterApp, traffic: DoorTraffic, path: Path) -> str:
    today = traffic.today
    settled = dt.datetime.combine(today - dt.timedelta(days=60), dt.time(), dt.UTC)
    with reg.engine.connect() as conn:
        rows = conn.execute(
            select(person.c.id, person.c.first_names, person.c.last_name)
            .add_columns(contact_point.c.street, contact_point.c.postal_code)
            .add_columns(contact_point.c.post_office)
            .join(contact_point, _current_postal(today))
            .where(
                person.c.kind == "natural",
                person.c.relationship == "customer",
                person.c.deceased_on.is_(None),
                person.c.restricted.is_(False),
                # Settled at the address well before the moves: no newer word of their own.
                contact_point.c.received_at < settled,
                contact_point.c.valid_to.is_(None),
            )
            .order_by(person.c.id)
            .limit(3)
        ).all()
    if len(rows) < 3:
        return "address changes: too few demo persons at a postal address"
    past, ahead, shared = rows
    _namesake(reg, traffic, shared)
    notices = [
        _notice(traffic, past, "Rantakatu 7 A 3", "90100", "OULU", today - dt.timedelta(days=7)),
        _notice(traffic, ahead, "Koulutie 2", "40100", "JYVÄSKYLÄ", today + dt.timedelta(days=14)),
        _notice(traffic, shared, "Mäkitie 9", "15100", "LAHTI", today - dt.timedelta(days=3)),
        [traffic.serial("MOVE"), "Tuntematon", "Teija", "Olematon polku 1", "99999", "NUORGAM",
         "Uusi polku 2", "99980", "UTSJOKI", "FI", (today - dt.timedelta(days=2)).isoformat()],
    ]  # fmt: skip
    lines = [SEPARATOR.join(COLUMNS), *(SEPARATOR.join(n) for n in notices)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with reg.unit_of_work(ACTOR) as uow:
        return import_address_changes_file(uow, path).describe()


def _notice(
    traffic: DoorTraffic, row: Any, street: str, code: str, town: str, on: dt.date
) -> list[str]:
    return [
        traffic.serial("MOVE"), row.last_name, row.first_names, row.street, row.postal_code,
        row.post_office.upper(), street, code, town, "FI", on.isoformat(),
    ]  # fmt: skip


def _namesake(reg: RegisterApp, traffic: DoorTraffic, row: Any) -> None:
    """A son of his father's name at his father's address, a customer of his own: a notice
    naming that name and address matches both."""
    rng = random.Random(traffic.seed + 16)
    born = dt.date(2001, 1, 1) + dt.timedelta(days=rng.randint(0, 2000))
    with reg.unit_of_work(ACTOR) as uow:
        customers.register_person(
            uow,
            PersonDraft(
                PersonKind.NATURAL,
                relationship=Relationship.CUSTOMER,
                first_names=row.first_names,
                last_name=row.last_name,
                personal_identity_code=dv.hetu(rng, born),
                contact_points=(
                    ContactPointDraft(
                        ContactKind.POSTAL,
                        street=row.street,
                        postal_code=row.postal_code,
                        post_office=row.post_office,
                        valid_from=traffic.today - dt.timedelta(days=400),
                    ),
                ),
            ),
            Provenance.of("contract", traffic.now - dt.timedelta(days=400), "demo: namesake"),
        )
