"""A metering point's data from Datahub's market events: the site and the point made from the
hub's data when a move-in or switch reaches a point the register does not know, and the data
updated through the one write path when it changes, under the conflict rule.

The conflict rule (docs/formats/market-events.md): a value the person gave (a source of
FROM_THE_PERSON) later than the event's effective date is kept, and the event is reported as a
conflict for that value; any other value follows the hub. Where each value came from is the
latest history entry of the attribute for that row, or the row's own provenance when it never
changed (services/register/history).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert, select

from rekisteri.adapters.schema.register import attribute_change, contract, metering_point, site
from rekisteri.catalogue import Category
from rekisteri.domain.market_events import MeteringPointData
from rekisteri.domain.register import MeteringPointKind, Provenance
from rekisteri.domain.vocabulary import FROM_THE_PERSON
from rekisteri.services.register import attributes
from rekisteri.services.unit_of_work import UnitOfWork

# What the hub's data may change: the site's address, main fuse and connection, and the point's
# kind and grid owner. The site's other details (housing, heating, ...) are the person's to tell.
SITE_FIELDS = frozenset(
    {"street", "postal_code", "post_office", "main_fuse_a", "connection_details"}
)
POINT_FIELDS = frozenset({"kind", "grid_owner"})


@dataclass(frozen=True)
class Point:
    id: int
    site_id: int


@dataclass
class DataOutcome:
    """What applying a point's data did: attributes changed, and those kept as the person gave
    them (conflicts), by their catalogue keys."""

    changed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def find_point(uow: UnitOfWork, gsrn: str) -> Point | None:
    row = uow.execute(
        select(metering_point.c.id, metering_point.c.site_id).where(metering_point.c.gsrn == gsrn)
    ).first()
    return None if row is None else Point(int(row.id), int(row.site_id))


def holder(uow: UnitOfWork, site_id: int) -> int | None:
    """Whose the site is now (the holder of its latest open contract): the history goes there."""
    found = uow.execute(
        select(contract.c.person_id)
        .where(contract.c.site_id == site_id, contract.c.end_date.is_(None))
        .order_by(contract.c.start_date.desc())
    ).scalar()
    return None if found is None else int(found)


def _prov(p: Provenance) -> dict[str, Any]:
    return {"source": p.source.value, "source_detail": p.detail, "received_at": p.received_at}


def new_point(uow: UnitOfWork, gsrn: str, data: MeteringPointData, provenance: Provenance) -> Point:
    """A site and its metering point as the hub describes them (the caller checked the data has
    an address); each value's source checked by the write path for new rows (P2)."""
    given = attributes.received(uow, site, data.site_fields(), provenance)
    site_id = int(
        uow.execute(insert(site).values(**given, **_prov(provenance))).inserted_primary_key[0]
    )
    point = {"gsrn": gsrn, "kind": MeteringPointKind.CONSUMPTION.value} | data.point_fields()
    columns = attributes.received(uow, metering_point, point, provenance)
    point_id = uow.execute(
        insert(metering_point).values(site_id=site_id, **columns, **_prov(provenance))
    ).inserted_primary_key[0]
    return Point(int(point_id), site_id)


def note_new_site(uow: UnitOfWork, person_id: int) -> None:
    """A site made for a person's contract is their data from then on (the audit trail)."""
    uow.note_change([person_id], [Category.SITE], "site and metering point from Datahub")


def _given_later_by_person(
    uow: UnitOfWork, table: Table, row: Any, name: str, attribute: str, effective: dt.date
) -> bool:
    """Whether the value of `name` in `row` was given by the person after `effective`: by its
    latest history entry, or when it never changed by the row's own provenance (a value the
    row never held was given by nobody)."""
    latest = uow.execute(
        select(attribute_change.c.source, attribute_change.c.received_at)
        .where(
            attribute_change.c.table_name == table.name,
            attribute_change.c.row_id == row.id,
            attribute_change.c.attribute == attribute,
        )
        .order_by(attribute_change.c.at.desc(), attribute_change.c.id.desc())
        .limit(1)
    ).first()
    if latest is None and row._mapping[name] is None:
        return False
    source, received = (
        (latest.source, latest.received_at) if latest else (row.source, row.received_at)
    )
    return source in FROM_THE_PERSON and received.date() > effective


def apply_data(
    uow: UnitOfWork,
    point: Point,
    data: MeteringPointData,
    effective: dt.date,
    reason: str,
    provenance: Provenance,
) -> DataOutcome:
    """The hub's data written to the point's site and the point itself, but for values the
    person gave later than `effective` (kept, and named in `kept`)."""
    out = DataOutcome()
    person_id = holder(uow, point.site_id)
    for table, row_id, fields, writable in (
        (site, point.site_id, data.site_fields(), SITE_FIELDS),
        (metering_point, point.id, data.point_fields(), POINT_FIELDS),
    ):
        if not fields:
            continue
        row = uow.execute(select(table).where(table.c.id == row_id)).one()
        changes: dict[str, Any] = {}
        for name, value in fields.items():
            if row._mapping[name] == value:
                continue
            attr = attributes.target_of(uow.catalogue, table, name, writable).attribute
            if _given_later_by_person(uow, table, row, name, attr.key, effective):
                out.kept.append(attr.key)
            else:
                changes[name] = value
        if changes:
            written = attributes.write_attributes(
                uow, table, row_id, person_id, changes, reason, provenance, writable=writable
            )
            out.changed += [w.attribute for w in written]
    out.kept = sorted(set(out.kept))
    out.changed = sorted(set(out.changed))
    return out
