"""/api/v1/persons/{key}/consumption: a person's own consumption, attributed by contract."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Annotated, Any, Literal

import polars as pl
from fastapi import APIRouter, Depends, Query, Response
from fastapi.encoders import jsonable_encoder

from rekisteri.catalogue import Category, Purpose
from rekisteri.domain.consumption import FIRST_PERIOD_DAY, HELSINKI, LAST_PERIOD_DAY
from rekisteri.domain.errors import InvalidInput
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.services.consumption.attribution import reading_frame_of, summary
from rekisteri.services.register.person_view import resolve_person

router = APIRouter(prefix="/api/v1", tags=["consumption"], route_class=RegisterRoute)
ReadConsumption = Annotated[
    Principal, Depends(guard(Purpose.CUSTOMER_RELATIONSHIP, Category.CONSUMPTION))
]


PeriodDay = Annotated[dt.date, Query(description=f"from {FIRST_PERIOD_DAY} to {LAST_PERIOD_DAY}")]


def _period_day(day: dt.date | None, name: str) -> dt.date | None:
    """A day outside the bounds answers 422 naming the parameter, not a 500 from the calendar.
    Checked here, not in the schema: a JSON Schema date has no bounds to declare."""
    if day is not None and not FIRST_PERIOD_DAY <= day <= LAST_PERIOD_DAY:
        raise InvalidInput(name, f"must be between {FIRST_PERIOD_DAY} and {LAST_PERIOD_DAY}")
    return day


def _midnight(day: dt.date | None) -> dt.datetime | None:
    return None if day is None else dt.datetime.combine(day, dt.time(0), HELSINKI)


def _with_readings(body: dict[str, Any], readings: pl.DataFrame) -> Response:
    """The body with its readings as records (gsrn, ts ISO 8601 UTC, wh, quality), serialised
    by polars from columns: a long period is tens of thousands of readings."""
    records = readings.select(
        "gsrn",
        pl.from_epoch("ts", time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").alias("ts"),
        "wh",
        "quality",
    ).write_json()
    head = json.dumps(jsonable_encoder(body), ensure_ascii=False)
    return Response(f'{head[:-1]}, "readings": {records}}}', media_type="application/json")


@router.get("/persons/{key}/consumption", response_model=dict[str, Any])
def read_consumption(
    key: str,
    reg: RegisterDep,
    who: ReadConsumption,
    start: Annotated[PeriodDay | None, Query(alias="from")] = None,
    end: Annotated[PeriodDay | None, Query(alias="to")] = None,
    by: Literal["day", "month", "year"] = "month",
    readings: bool = False,
) -> Any:
    """Totals by day, month or year (Helsinki time), peak hour and night share of the person's
    consumption within their contract periods; `readings=true` adds the readings themselves."""
    lo, hi = _midnight(_period_day(start, "from")), _midnight(_period_day(end, "to"))
    with reg.reading(who.actor) as uow:
        person_id = resolve_person(uow, key)
        body = asdict(summary(uow, person_id, lo, hi, by))
        if readings:
            return _with_readings(body, reading_frame_of(uow, person_id, lo, hi))
    return body
