"""The demo's representatives (issue 16): for a few of the demo's own persons, recorded through
the register's own use case as customer service records them from a letter: the contact of a
deceased person's estate, a guardian, and a power of attorney whose holder then makes an access
request for the person (checked against their authority, answered to them).

No outside system sends these (a representative shows their authority to customer service), so
no file goes through a door: the use case is the door.
"""

from __future__ import annotations

import random
from typing import Any

from faker import Faker
from sqlalchemy import select

from rekisteri.adapters.schema.register import person
from rekisteri.demo.traffic import DoorTraffic
from rekisteri.domain.register import Provenance
from rekisteri.services.register import representatives
from rekisteri.services.register.representatives import RepresentativeDraft
from rekisteri.services.rights import requests
from rekisteri.services.unit_of_work import Actor, RegisterApp

ACTOR = Actor("demo")


def _persons(reg: RegisterApp, traffic: DoorTraffic, *where: Any) -> list[Any]:
    """This demo's natural persons meeting `where`, in id order."""
    mine = person.c.customer_number >= traffic.run if traffic.run else person.c.id > 0
    query = select(person.c.id, person.c.deceased_on).where(
        mine, person.c.kind == "natural", person.c.restricted.is_(False), *where
    )
    with reg.engine.connect() as conn:
        return list(conn.execute(query.order_by(person.c.id).limit(50)))


def _draft(fake: Faker, kind: str, evidence: str, ref: str, **extra: Any) -> RepresentativeDraft:
    return RepresentativeDraft(
        kind=kind,
        name=fake.name(),
        evidence=evidence,
        evidence_ref=ref,
        street=fake.street_address(),
        postal_code=fake.postcode(),
        post_office=fake.city(),
        **extra,
    )


def record(reg: RegisterApp, traffic: DoorTraffic) -> str:
    """Representatives for three of the demo's persons and a request by one; the report line."""
    rng = random.Random(traffic.seed)
    fake = Faker("fi_FI")
    fake.seed_instance(traffic.seed)
    today = traffic.today
    dead = _persons(reg, traffic, person.c.deceased_on.is_not(None))
    living = _persons(reg, traffic, person.c.deceased_on.is_(None))
    if not dead or len(living) < 2:
        return "representatives: too few persons in the demo to represent"
    deceased = rng.choice(dead)
    ward, principal = rng.sample(living, 2)
    letter = f"demo letter {today:%Y-%m-%d}"
    with reg.unit_of_work(ACTOR) as uow:
        prov = Provenance.of("customer_contact", uow.now(), letter)
        representatives.add(
            uow,
            deceased.id,
            _draft(
                fake,
                "estate_contact",
                "estate_inventory",
                f"perukirja {deceased.deceased_on:%Y-%m-%d}",
                valid_from=today,
            ),
            prov,
        )
        representatives.add(
            uow,
            ward.id,
            _draft(fake, "guardian", "court_decision", f"KO H {today:%y}/{rng.randint(100, 9999)}"),
            Provenance.of("authority", uow.now(), letter),
        )
        attorney = representatives.add(
            uow,
            principal.id,
            _draft(
                fake,
                "power_of_attorney",
                "power_of_attorney",
                f"valtakirja {today:%Y-%m-%d}",
                powers="see_data,rights_requests",
            ),
            prov,
        )
        made = requests.new_request(
            uow,
            principal.id,
            "access",
            "signed_letter",
            prov,
            representative_id=attorney,
        )
    return (
        "representatives: an estate's contact, a guardian and a power of attorney; "
        f"access request {made.reference} made by the attorney"
    )
