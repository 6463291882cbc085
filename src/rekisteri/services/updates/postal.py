"""A person's postal address as the update sources change it: a new postal contact point valid
from the day the source states, the one it replaces ending the day before, both through the
catalogue's write path with the source recorded (P2) and the change in the history (P12).

Contact points are read by their validity everywhere (letters, audiences, the ASML ban match:
the newest postal point valid on the day asked), so an address valid from a future day becomes
the person's address on that day without anything run then."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from rekisteri.adapters.schema.register import attribute_change, contact_point
from rekisteri.domain import values
from rekisteri.domain.change_words import say
from rekisteri.domain.register import ContactKind, Provenance
from rekisteri.domain.vocabulary import Lang
from rekisteri.services.register import attributes, customers
from rekisteri.services.unit_of_work import UnitOfWork

cp = contact_point
POSTAL_ADDRESS = "contact_point.postal_address"


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    post_office: str
    country: str = "FI"

    def key(self) -> tuple[str, str, str]:
        """What two spellings of one address share: case and spaces do not count, nor spaces
        in the postal code (the post office follows the postal code)."""
        return (fold(self.street), "".join(self.postal_code.split()), self.country.upper())


def fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


@dataclass(frozen=True)
class Point:
    """A stored postal contact point, and who last said its address and when."""

    id: int
    person_id: int
    address: Address
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    received_at: dt.datetime

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


def postal_points(uow: UnitOfWork, person_ids: set[int]) -> dict[int, list[Point]]:
    """The persons' postal contact points, each with the provenance of its address's latest
    change (its history), else the row's own."""
    if not person_ids:
        return {}
    rows = uow.execute(
        select(cp).where(cp.c.person_id.in_(sorted(person_ids)), cp.c.kind == "postal")
    ).all()
    changed = {
        r.row_id: (r.source, r.received_at)
        for r in uow.execute(
            select(attribute_change.c.row_id, attribute_change.c.source)
            .add_columns(attribute_change.c.received_at)
            .where(
                attribute_change.c.table_name == "contact_point",
                attribute_change.c.attribute == POSTAL_ADDRESS,
                attribute_change.c.row_id.in_([r.id for r in rows] or [0]),
            )
            .order_by(attribute_change.c.at, attribute_change.c.id)
        )
    }
    out: dict[int, list[Point]] = {}
    for r in rows:
        source, received = changed.get(r.id, (r.source, r.received_at))
        address = Address(
            r.street or "", r.postal_code or "", r.post_office or "", r.country or "FI"
        )
        out.setdefault(r.person_id, []).append(
            Point(r.id, r.person_id, address, r.valid_from, r.valid_to, source, received)
        )
    return out


def move(
    uow: UnitOfWork,
    person_id: int,
    new: Address,
    since: dt.date,
    replaced: list[Point],
    provenance: Provenance,
    reason: str,
) -> int:
    """Give the person a postal address valid from `since`; each point it replaces (the caller
    gives only points valid before `since`) ends the day before. The new point's id."""
    columns = attributes.received(
        uow,
        cp,
        {
            "kind": ContactKind.POSTAL.value,
            "street": values.required_text(new.street, "street"),
            "postal_code": values.postal_code(new.postal_code, new.country),
            "post_office": values.required_text(new.post_office, "post_office", max_len=100),
            "country": values.country(new.country),
            "valid_from": since,
            "valid_to": None,
        },
        provenance,
    )
    added = uow.execute(
        cp.insert().values(
            person_id=person_id,
            **columns,
            source=provenance.source.value,
            source_detail=provenance.detail,
            received_at=provenance.received_at,
        )
    ).inserted_primary_key[0]
    # The trail is the staff's, in English: a coded reason in its English words.
    uow.note_change([person_id], [uow.catalogue[POSTAL_ADDRESS].category], say(reason, Lang.EN))
    day_before = since - dt.timedelta(days=1)
    for old in replaced:
        if old.valid_to is None or old.valid_to > day_before:
            customers.end_contact_point(uow, old.id, day_before, reason, provenance)
    return int(added)
