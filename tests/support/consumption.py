"""Helpers for consumption tests: customers, sites and contracts through the services, and
Datahub files written from readings."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select

from rekisteri.adapters.datahub_writer import write_datahub_file
from rekisteri.adapters.reading_store import Store, blocks_frame
from rekisteri.adapters.schema.consumption import reading_correction
from rekisteri.demo.values import gsrn as random_gsrn
from rekisteri.demo.values import hetu
from rekisteri.domain.drafts import ContractDraft, PersonDraft, SiteDraft
from rekisteri.domain.register import ContractKind, PersonKind, Provenance
from rekisteri.services.consumption.imports import FileImport, import_datahub_file
from rekisteri.services.register import customers
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork

_rng = random.Random(6)
_names = itertools.count(1)


def new_gsrn() -> str:
    return random_gsrn(_rng)


def prov(uow: UnitOfWork) -> Provenance:
    return Provenance.of("contract", uow.now())


def new_customer(uow: UnitOfWork) -> int:
    code = hetu(_rng, dt.date(1980, 1, 1) + dt.timedelta(days=_rng.randint(0, 9000)))
    draft = PersonDraft(
        PersonKind.NATURAL,
        first_names=f"Testi{next(_names)}",
        last_name="Asiakas",
        personal_identity_code=code,
    )
    return customers.register_person(uow, draft, prov(uow)).person_id


def new_site(uow: UnitOfWork, *gsrns: str) -> int:
    draft = SiteDraft("Testikatu 1", "00100", "Helsinki", metering_points=gsrns)
    return customers.add_site(uow, draft, prov(uow))


def new_contract(
    uow: UnitOfWork, person_id: int, site_id: int, start: dt.date, end: dt.date | None = None
) -> int:
    cid, _ = customers.add_contract(
        uow, person_id, ContractDraft(site_id, ContractKind.SALES, "Pörssisähkö", start), prov(uow)
    )
    if end is not None:
        customers.end_contract(uow, cid, end, "moved_out", prov(uow))
    return cid


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)  # type: ignore[misc]


def readings(
    gsrn: str,
    start: dt.datetime,
    count: int,
    resolution: int = 900,
    wh: Callable[[int], int | None] = lambda i: 100 + i % 50,
    quality: Callable[[int], str] = lambda i: "OK",
) -> pl.DataFrame:
    first = int(start.timestamp())
    values = [wh(i) for i in range(count)]
    return pl.DataFrame(
        {
            "gsrn": [gsrn] * count,
            "ts": [first + i * resolution for i in range(count)],
            "wh": values,
            "quality": [("MISSING" if v is None else quality(i)) for i, v in enumerate(values)],
            "resolution": [resolution] * count,
        },
        schema={
            "gsrn": pl.String,
            "ts": pl.Int64,
            "wh": pl.Int64,
            "quality": pl.String,
            "resolution": pl.Int64,
        },
    )


def write(path: Path, *frames: pl.DataFrame, compress: bool = False) -> Path:
    write_datahub_file(path, frames, compress=compress)
    return path


def run_import(register: RegisterApp, path: Path, **kwargs: Any) -> FileImport:
    with register.unit_of_work(Actor("test")) as uow:
        return import_datahub_file(uow, path, **kwargs)


def stored(register: RegisterApp) -> list[tuple[Any, ...]]:
    """Every stored reading, decoded from the blocks: (point id, ts, wh, quality, resolution,
    file id), ordered by point and time."""
    with register.engine.connect() as conn:
        return list(blocks_frame(Store(conn).fetch("1 = 1", [])).iter_rows())


def corrections(register: RegisterApp) -> list[tuple[Any, ...]]:
    with register.engine.connect() as conn:
        q = select(
            reading_correction.c.metering_point_id,
            reading_correction.c.ts,
            reading_correction.c.wh,
            reading_correction.c.quality,
            reading_correction.c.resolution,
        ).order_by(reading_correction.c.metering_point_id, reading_correction.c.ts)
        return [tuple(r) for r in conn.execute(q)]
