"""What the archive's consumption job last found for one person (services/archive/totals):
their metered kWh over the last 12 whole Helsinki months, the share of it at night, and their
peak hour. The person page shows it beside the database's own chart, which holds only the
months the database keeps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from rekisteri.adapters.schema.consumption import consumption_month, consumption_peak
from rekisteri.catalogue import Category
from rekisteri.domain.consumption import HELSINKI, last_whole_months
from rekisteri.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Measured:
    first: dt.date  # the first of the 12 months
    end: dt.date  # the first day after them
    months: int  # months of the 12 with totals
    kwh: float
    night_share: float | None
    # Over all the person's archived readings (the job keeps one peak per person), Helsinki
    peak_hour: dt.datetime | None
    peak_kwh: float | None
    computed_at: dt.datetime


def of_person(uow: UnitOfWork, person_id: int) -> Measured | None:
    """None when the job has found nothing of the person in those months."""
    first, end = last_whole_months(uow.today())
    m = consumption_month.c
    row = uow.execute(
        select(
            func.count(func.distinct(m.month)),
            func.sum(m.wh),
            func.sum(m.night_wh),
            func.max(m.computed_at),
        ).where(m.person_id == person_id, m.month >= first, m.month < end)
    ).one()
    if not row[0]:
        return None
    peak = uow.execute(
        select(consumption_peak.c.hour_start, consumption_peak.c.wh).where(
            consumption_peak.c.person_id == person_id
        )
    ).first()
    uow.note_read([person_id], {Category.CONSUMPTION}, "metered consumption of 12 months")
    wh = int(row[1] or 0)
    return Measured(
        first,
        end,
        int(row[0]),
        wh / 1000,
        int(row[2] or 0) / wh if wh else None,
        peak[0].astimezone(HELSINKI) if peak else None,
        int(peak[1]) / 1000 if peak else None,
        row[3],
    )
