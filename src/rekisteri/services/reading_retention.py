"""Readings past their retention period go (P14). Readings are kept in Helsinki day blocks, so
the cutoff is a Helsinki midnight: on PostgreSQL whole months are dropped as partitions,
cheaply; the rest, and everything on SQLite, by a range delete on the clustered key."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select, text

from rekisteri.adapters.reading_store import (
    day_number,
    erase_range,
    months_between,
    next_month,
    partition_name,
)
from rekisteri.adapters.schema.consumption import reading_block, reading_correction
from rekisteri.adapters.schema.register import metering_point
from rekisteri.domain.consumption import local_midnight
from rekisteri.services.consumption import attribution_periods
from rekisteri.services.unit_of_work import UnitOfWork


def purge_before(uow: UnitOfWork, cutoff: dt.date, dry_run: bool) -> int:
    """Readings of the Helsinki days before `cutoff`; returns how many."""
    cut_day = day_number(cutoff)
    count = int(
        uow.execute(
            select(func.coalesce(func.sum(reading_block.c.readings), 0)).where(
                reading_block.c.day < cut_day
            )
        ).scalar_one()
    )
    if dry_run or count == 0:
        return count
    if uow.connection.dialect.name == "postgresql":
        # Months wholly before the cutoff: detach and drop (no row-by-row delete, no bloat).
        first = int(uow.execute(select(func.min(reading_block.c.day))).scalar_one())
        for month in months_between(first, cut_day):
            if day_number(next_month(month)) > cut_day:
                break
            name = partition_name(month)
            if uow.execute(text("SELECT to_regclass(:n)"), {"n": name}).scalar():
                uow.execute(text(f"ALTER TABLE reading_block DETACH PARTITION {name}"))
                uow.execute(text(f"DROP TABLE {name}"))
    uow.execute(delete(reading_block).where(reading_block.c.day < cut_day))
    cut = local_midnight(cutoff)
    uow.execute(delete(reading_correction).where(reading_correction.c.ts < cut))
    return count


def erase_periods_of(uow: UnitOfWork, person_ids: list[int]) -> int:
    """Erase the readings of the periods these persons held their contracts, and nothing of
    anyone else's period at the same metering points; returns how many."""
    erased = 0
    for person_id in person_ids:
        for site_id, periods in attribution_periods(uow, person_id).items():
            points = [
                int(p)
                for (p,) in uow.execute(
                    select(metering_point.c.id).where(metering_point.c.site_id == site_id)
                )
            ]
            for period in periods:
                erased += erase_range(uow.connection, points, period.start, period.end)
                uow.execute(
                    delete(reading_correction).where(
                        reading_correction.c.metering_point_id.in_(points),
                        reading_correction.c.ts >= period.start,
                        reading_correction.c.ts < period.end,
                    )
                )
    return erased
