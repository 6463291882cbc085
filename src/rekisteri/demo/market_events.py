"""The demo's Datahub market events: what the hub tells the retailer about some of the demo's own
customers in its last days, written as the hub's file (docs/formats/market-events.md) and applied
through the register's door (services/register/market_events), as `rekisteri import
market-events` applies it:

- a move: a customer moves out of their site and into a point the register has not seen (its
  site and metering point come from the hub's data);
- a switch away: a customer's contract ends as they switch to another supplier;
- a switch to us: a former customer comes back, at a new point;
- the metering point's data: a site's main fuse and connection as the grid owner changed them;
- one event for someone the register does not know, which goes to staff as a task.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import and_, exists, select

from rekisteri.adapters import market_events as hub_format
from rekisteri.adapters.schema.register import contract, metering_point, person, site
from rekisteri.catalogue import Category
from rekisteri.demo import values as dv
from rekisteri.demo.traffic import DoorTraffic
from rekisteri.domain.identifiers import gs1_check_digit
from rekisteri.services.register import attributes, customers
from rekisteri.services.register.market_events import import_market_event_file
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork

ACTOR = Actor("demo")
GRID_OWNER = "643000000009" + gs1_check_digit("643000000009")


def market_events(reg: RegisterApp, traffic: DoorTraffic, path: Path) -> str:
    """Write the hub's file of the demo's market events into `path` and apply it."""
    rng = random.Random(f"market-events-{traffic.seed}")
    today = traffic.today
    with reg.reading(ACTOR) as uow:
        supplied = _supplied(uow, traffic.run, 3)
        former = _former(uow, traffic.run)
        if len(supplied) < 3 or former is None:
            return "Datahub market events: too few customers for a move and switches"
        mover, leaver, changed = supplied
        codes = _codes(uow, [mover["person_id"], leaver["person_id"], former["person_id"]])
        stranger = dv.hetu(rng, dt.date(1999, 9, 9))
        while customers.find_by_identity_code(uow, stranger) is not None:
            stranger = dv.hetu(rng, dt.date(1999, 9, 9))
    serial = iter(range(1, 100))

    def event_id() -> str:
        # The hub's own id of each event: unique across demo runs on one register.
        return f"DH-{traffic.run}-{today:%Y%m%d}-{next(serial):04d}"

    events = [
        _event(event_id(), "move_out", today - dt.timedelta(days=1), mover["gsrn"], hetu=codes[0]),
        _event(
            event_id(),
            "move_in",
            today,
            _new_gsrn(rng),
            hetu=codes[0],
            product=mover["product"],
            data=_new_site(rng),
        ),
        _event(
            event_id(), "switch_out", today - dt.timedelta(days=1), leaver["gsrn"], hetu=codes[1]
        ),
        _event(
            event_id(),
            "switch_in",
            today,
            _new_gsrn(rng),
            hetu=codes[2],
            product=former["product"],
            data=_new_site(rng),
        ),
        _event(
            event_id(),
            "metering_point",
            today - dt.timedelta(days=2),
            changed["gsrn"],
            data={
                "MainFuseA": str(changed["main_fuse_a"] + 10),
                "Connection": f"3 x {changed['main_fuse_a'] + 10} A",
                "GridOwner": GRID_OWNER,
            },
        ),
        # Someone the hub knows and the register does not: to staff, never guessed.
        _event(
            event_id(),
            "move_in",
            today,
            _new_gsrn(rng),
            hetu=stranger,
            product="Perussähkö",
            data=_new_site(rng),
        ),
    ]
    _write(path, events)
    with reg.unit_of_work(ACTOR) as uow:
        done = import_market_event_file(uow, path)
    return "Datahub " + done.describe().splitlines()[0]


def _supplied(uow: UnitOfWork, first_number: str, n: int) -> list[dict[str, Any]]:
    """`n` of this demo run's living, unrestricted natural persons, each with exactly one
    contract in force at a site with one metering point and a main fuse."""
    later = contract.alias("later")
    rows = uow.execute(
        select(
            person.c.id.label("person_id"),
            metering_point.c.gsrn,
            contract.c.product,
            site.c.main_fuse_a,
        )
        .join(contract, contract.c.person_id == person.c.id)
        .join(site, site.c.id == contract.c.site_id)
        .join(metering_point, metering_point.c.site_id == site.c.id)
        .where(
            person.c.customer_number >= first_number,
            person.c.kind == "natural",
            person.c.hetu_ct.is_not(None),
            person.c.deceased_on.is_(None),
            person.c.restricted.is_(False),
            contract.c.end_date.is_(None),
            contract.c.start_date < uow.today() - dt.timedelta(days=30),
            contract.c.sales_call.is_(None),
            site.c.main_fuse_a.is_not(None),
            ~exists().where(
                and_(
                    later.c.person_id == person.c.id,
                    later.c.id != contract.c.id,
                    later.c.end_date.is_(None),
                )
            ),
        )
        .order_by(person.c.customer_number)
        .limit(n * 4)
    ).mappings()
    seen: set[int] = set()
    out: list[dict[str, Any]] = []
    for row in rows:
        if row["person_id"] not in seen and len(out) < n:
            seen.add(row["person_id"])
            out.append(dict(row))
    return out


def _former(uow: UnitOfWork, first_number: str) -> dict[str, Any] | None:
    """A former customer of this run: a living natural person whose contracts all ended."""
    other = contract.alias("other")
    open_one = exists().where(other.c.person_id == person.c.id, other.c.end_date.is_(None))
    row = (
        uow.execute(
            select(person.c.id.label("person_id"), contract.c.product)
            .join(contract, contract.c.person_id == person.c.id)
            .where(
                person.c.customer_number >= first_number,
                person.c.kind == "natural",
                person.c.hetu_ct.is_not(None),
                person.c.deceased_on.is_(None),
                person.c.restricted.is_(False),
                ~open_one,
            )
            .order_by(person.c.customer_number)
            .limit(1)
        )
        .mappings()
        .first()
    )
    return None if row is None else dict(row)


def _codes(uow: UnitOfWork, person_ids: list[int]) -> list[str]:
    """The persons' identity codes, as the hub names them (the read is audited)."""
    attr = uow.catalogue["person.personal_identity_code"]
    rows = {r.id: r for r in uow.execute(select(person).where(person.c.id.in_(person_ids)))}
    uow.note_read(person_ids, [Category.IDENTITY], "demo: Datahub's market events written")
    codes = [attributes.opened(uow, rows[p], attr) for p in person_ids]
    return [c for c in codes if c is not None]


def _new_gsrn(rng: random.Random) -> str:
    return dv.gsrn(rng)


def _new_site(rng: random.Random) -> dict[str, str]:
    return {
        "Kind": "consumption",
        "Street": f"Datahubinkatu {rng.randint(1, 99)} A {rng.randint(1, 40)}",
        "PostalCode": f"00{rng.randint(100, 990):03d}",
        "PostOffice": "Helsinki",
        "MainFuseA": "25",
        "GridOwner": GRID_OWNER,
    }


def _event(
    event_id: str,
    kind: str,
    day: dt.date,
    gsrn: str,
    *,
    hetu: str | None = None,
    product: str | None = None,
    data: dict[str, str] | None = None,
) -> str:
    parts = [
        f"<EventId>{event_id}</EventId>",
        f"<Kind>{kind}</Kind>",
        f"<EffectiveDate>{day.isoformat()}</EffectiveDate>",
        f"<MeteringPoint>{gsrn}</MeteringPoint>",
    ]
    if hetu is not None:
        parts.append(f"<Party><PersonalIdentityCode>{hetu}</PersonalIdentityCode></Party>")
    if product is not None:
        parts.append(f"<Product>{escape(product)}</Product>")
    if data is not None:
        address = "".join(
            f"<{k}>{escape(data[k])}</{k}>"
            for k in ("Street", "PostalCode", "PostOffice")
            if k in data
        )
        inner = [f"<Kind>{data['Kind']}</Kind>"] if "Kind" in data else []
        inner += [f"<Address>{address}</Address>"] if address else []
        inner += [
            f"<{k}>{escape(data[k])}</{k}>"
            for k in ("MainFuseA", "Connection", "GridOwner")
            if k in data
        ]
        parts.append(f"<MeteringPointData>{''.join(inner)}</MeteringPointData>")
    return f"  <Event>{''.join(parts)}</Event>\n"


def _write(path: Path, events: list[str]) -> None:
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<MarketEvents xmlns="{hub_format.NAMESPACE}">\n{"".join(events)}</MarketEvents>\n',
        encoding="utf-8",
    )
