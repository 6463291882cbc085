"""/api/v1/persons/{key}/consumption: a person's own consumption, attributed by contract."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from rekisteri.catalogue import Category, Purpose
from rekisteri.domain.consumption import HELSINKI
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.services.consumption import readings_of, summary
from rekisteri.services.customer_view import resolve_person

router = APIRouter(prefix="/api/v1", tags=["consumption"])
ReadConsumption = Annotated[
    Principal, Depends(guard(Purpose.CUSTOMER_RELATIONSHIP, Category.CONSUMPTION))
]


def _midnight(day: dt.date | None) -> dt.datetime | None:
    return None if day is None else dt.datetime.combine(day, dt.time(0), HELSINKI)


@router.get("/persons/{key}/consumption")
def read_consumption(
    key: str,
    reg: RegisterDep,
    who: ReadConsumption,
    start: Annotated[dt.date | None, Query(alias="from")] = None,
    end: Annotated[dt.date | None, Query(alias="to")] = None,
    by: Literal["day", "month", "year"] = "month",
    readings: bool = False,
) -> dict[str, Any]:
    """Totals by day, month or year (Helsinki time), peak hour and night share of the person's
    consumption within their contract periods; `readings=true` adds the readings themselves."""
    with reg.reading(who.actor) as uow:
        person_id = resolve_person(uow, key)
        lo, hi = _midnight(start), _midnight(end)
        body = asdict(summary(uow, person_id, lo, hi, by))
        if readings:
            body["readings"] = [r._asdict() for r in readings_of(uow, person_id, lo, hi)]
    return body
