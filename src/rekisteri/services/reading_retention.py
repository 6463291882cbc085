"""Readings past their retention period go (P14): on PostgreSQL whole months are dropped as
partitions, cheaply; the rest, and everything on SQLite, by a range delete on the clustered key."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select, text

from rekisteri.adapters.reading_store import month_start, next_month, partition_name
from rekisteri.adapters.schema.consumption import reading, reading_correction
from rekisteri.adapters.schema.register import metering_point
from rekisteri.services.consumption import attribution_periods
from rekisteri.services.unit_of_work import UnitOfWork


def purge_before(uow: UnitOfWork, cutoff: dt.date, dry_run: bool) -> int:
    """Readings whose interval began before `cutoff` (UTC midnight); returns how many."""
    cut = int(dt.datetime.combine(cutoff, dt.time(), dt.UTC).timestamp())
    count = int(
        uow.execute(
            select(func.count()).select_from(reading).where(reading.c.ts < cut)
        ).scalar_one()
    )
    if dry_run or count == 0:
        return count
    if uow.connection.dialect.name == "postgresql":
        # Months wholly before the cutoff: detach and drop (no row-by-row delete, no bloat).
        first = uow.execute(select(func.min(reading.c.ts))).scalar_one()
        month = month_start(int(first))
        while next_month(month) <= cut:
            name = partition_name(month)
            exists = uow.execute(text("SELECT to_regclass(:n)"), {"n": name}).scalar()
            if exists:
                uow.execute(text(f"ALTER TABLE reading DETACH PARTITION {name}"))
                uow.execute(text(f"DROP TABLE {name}"))
            month = next_month(month)
    uow.execute(delete(reading).where(reading.c.ts < cut))
    uow.execute(delete(reading_correction).where(reading_correction.c.ts < cut))
    return count


def erase_periods_of(uow: UnitOfWork, person_ids: list[int]) -> int:
    """Erase the readings of the periods these persons held their contracts, and nothing of
    anyone else's period at the same metering points; returns how many."""
    erased = 0
    for person_id in person_ids:
        for site_id, periods in attribution_periods(uow, person_id).items():
            points = select(metering_point.c.id).where(metering_point.c.site_id == site_id)
            for period in periods:
                for table in (reading_correction, reading):
                    done = uow.execute(
                        delete(table).where(
                            table.c.metering_point_id.in_(points),
                            table.c.ts >= period.start,
                            table.c.ts < period.end,
                        )
                    )
                    if table is reading:
                        erased += int(done.rowcount or 0)
    return erased
