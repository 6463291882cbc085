"""Readings past their retention period go (P14). Readings are kept in Helsinki day blocks, so
the cutoff is a Helsinki midnight: on PostgreSQL whole months are dropped as partitions,
cheaply; the rest, and everything on SQLite, by a range delete on the clustered key."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import delete, func, select, text

from rekisteri.adapters.reading_store import (
    day_number,
    day_of,
    months_between,
    next_month,
    partition_name,
)
from rekisteri.adapters.schema.consumption import reading_block, reading_correction
from rekisteri.adapters.schema.register import contract, metering_point
from rekisteri.domain.consumption import Period, contract_period, local_midnight, merge_periods
from rekisteri.services.consumption.attribution import FAR
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
    anyone else's period at the same metering points; returns how many.

    The persons' periods (whole Helsinki days: contracts run from date to date) are gathered
    with two queries and put in a work table; then one delete of the blocks and one of the
    replaced values cover them all, whatever the number of persons."""
    ranges = ranges_of(uow, person_ids)
    if not ranges:
        return 0
    conn = uow.connection
    conn.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS erase_range (metering_point_id integer, "
        "lo_day integer, hi_day integer, lo_ts bigint, hi_ts bigint)"
    )
    conn.exec_driver_sql("DELETE FROM erase_range")
    conn.execute(
        text("INSERT INTO erase_range VALUES (:mp, :lo_day, :hi_day, :lo_ts, :hi_ts)"),
        [
            {
                "mp": mp,
                "lo_day": day_of(p.start),
                "hi_day": day_of(p.end),
                "lo_ts": p.start,
                "hi_ts": p.end,
            }
            for mp, p in ranges
        ],
    )
    blocks = (
        "FROM erase_range r WHERE r.metering_point_id = reading_block.metering_point_id "
        "AND reading_block.day >= r.lo_day AND reading_block.day < r.hi_day"
    )
    erased = int(
        conn.exec_driver_sql(
            f"SELECT coalesce(sum(readings), 0) FROM reading_block WHERE EXISTS (SELECT 1 {blocks})"  # noqa: S608
        ).scalar_one()
    )
    conn.exec_driver_sql(f"DELETE FROM reading_block WHERE EXISTS (SELECT 1 {blocks})")  # noqa: S608
    conn.exec_driver_sql(
        "DELETE FROM reading_correction WHERE EXISTS (SELECT 1 FROM erase_range r "
        "WHERE r.metering_point_id = reading_correction.metering_point_id "
        "AND reading_correction.ts >= r.lo_ts AND reading_correction.ts < r.hi_ts)"
    )
    conn.exec_driver_sql("DELETE FROM erase_range")
    return erased


def ranges_of(uow: UnitOfWork, person_ids: list[int]) -> list[tuple[int, Period]]:
    """(metering point, period) of every contract period of these persons, merged per person
    and site. Each period starts and ends at a Helsinki midnight, so it covers whole blocks."""
    per_site: dict[tuple[int, int], list[Period]] = defaultdict(list)
    for pid, site_id, start_date, end_date in uow.execute(
        select(
            contract.c.person_id, contract.c.site_id, contract.c.start_date, contract.c.end_date
        ).where(contract.c.person_id.in_(person_ids))
    ):
        per_site[int(pid), int(site_id)].append(contract_period(start_date, end_date, FAR))
    if not per_site:
        return []
    points: dict[int, list[int]] = defaultdict(list)
    for mp, site_id in uow.execute(
        select(metering_point.c.id, metering_point.c.site_id).where(
            metering_point.c.site_id.in_({site for _, site in per_site})
        )
    ):
        points[int(site_id)].append(int(mp))
    return [
        (mp, period)
        for (_, site_id), periods in per_site.items()
        for period in merge_periods(periods)
        for mp in points.get(site_id, [])
    ]
