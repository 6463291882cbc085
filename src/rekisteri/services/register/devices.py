"""Devices at a site ("käyttökohteessa sijaitsevat laitetiedot"): a heat pump, a charger, solar
panels... with the day each was installed and, once it is gone, removed.

A device belongs to whoever holds the site (the person with the contract in force there), as a
site change does (services/register/updates.py): its history goes to them. A new device's fields
pass the catalogue's one write path (`attributes.received`), its removal `write_attributes`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from rekisteri.adapters.schema.register import contract, device, site
from rekisteri.catalogue import Purpose
from rekisteri.domain.errors import InvalidInput, NotFound
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import Provenance
from rekisteri.services.register import attributes
from rekisteri.services.register.processing import ensure_processing_allowed
from rekisteri.services.unit_of_work import UnitOfWork

FIELDS = ("kind", "description", "installed_on")
REMOVAL = frozenset({"removed_on"})


def holder_of(uow: UnitOfWork, site_id: int) -> int | None:
    """The person holding the site now (their contract in force), None when nobody does."""
    found = uow.execute(
        select(contract.c.person_id)
        .where(contract.c.site_id == site_id, contract.c.end_date.is_(None))
        .order_by(contract.c.start_date.desc())
    ).scalar()
    return None if found is None else int(found)


def add_device(
    uow: UnitOfWork, site_id: int, given: Mapping[str, Any], provenance: Provenance
) -> int:
    """A device at `site_id`; returns its id."""
    unknown = [f for f in given if f not in FIELDS]
    if unknown:
        raise InvalidInput(unknown[0], "is not a field of a device")
    fields = {f: attributes.checked(uow, device, f, given.get(f), writable=FIELDS) for f in FIELDS}
    if uow.execute(select(site.c.id).where(site.c.id == site_id)).first() is None:
        raise NotFound("site", site_id)
    installed = fields["installed_on"]
    if installed is not None and installed > uow.today():
        raise InvalidInput("installed_on", f"is in the future ({installed})")
    holder = holder_of(uow, site_id)
    if holder is not None:
        ensure_processing_allowed(uow, holder, Purpose.CUSTOMER_RELATIONSHIP)
    columns = attributes.received(uow, device, fields, provenance)
    return int(
        uow.execute(
            device.insert().values(
                site_id=site_id,
                source=provenance.source,
                source_detail=provenance.detail,
                received_at=provenance.received_at,
                **columns,
            )
        ).inserted_primary_key[0]
    )


def remove_device(
    uow: UnitOfWork, device_id: int, on: Any, reason: str | None, provenance: Provenance
) -> dt.date:
    """Record that the device was taken away on `on` (kept, as the site's history, until the
    catalogue's period for it ends); without a `reason`, the register's own words."""
    reason = reason or coded(Reason.DEVICE_REMOVED)
    row = uow.execute(select(device).where(device.c.id == device_id)).first()
    if row is None:
        raise NotFound("device", device_id)
    removed = attributes.checked(uow, device, "removed_on", on, writable=REMOVAL)
    if removed is None:
        raise InvalidInput("removed_on", "is required")
    if row.installed_on is not None and removed < row.installed_on:
        raise InvalidInput("removed_on", f"is before the device was installed ({row.installed_on})")
    if removed > uow.today():
        raise InvalidInput("removed_on", f"is in the future ({removed})")
    if row.removed_on is not None and row.removed_on != removed:
        raise InvalidInput("removed_on", f"the device was already removed on {row.removed_on}")
    holder = holder_of(uow, row.site_id)
    attributes.write_attributes(
        uow,
        device,
        device_id,
        holder,
        {"removed_on": removed},
        reason,
        provenance,
        writable=REMOVAL,
    )
    return removed  # type: ignore[no-any-return]
