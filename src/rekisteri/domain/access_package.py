"""The access package (Art. 15, P11) as a value: what the register holds on a person, in sections,
with the readings as one frame and their monthly totals. Built by services/rights/package.py,
laid out as files by adapters/reports/access.py.

Readings travel as one polars DataFrame (columns gsrn, ts UTC epoch seconds, wh, quality,
resolution seconds), not as an object each: six years of 15-minute readings is about 210,000
rows. The monthly totals of the report's chart are computed from that same frame, so chart and
CSV never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from rekisteri.domain.consumption import READING_SCHEMA
from rekisteri.domain.vocabulary import Lang

# The package's readings carry their interval's length too: the readings CSV states it in
# Datahub's own column (Resoluutio), so the file loads where Datahub's export does.
PACKAGE_READING_SCHEMA = pl.Schema([*READING_SCHEMA.items(), ("resolution", pl.Int64())])


@dataclass
class Section:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (field, label in the person's language)
    rows: list[dict[str, Any]]
    category: str | None = None


MONTH_ZONE = "Europe/Helsinki"  # the months of the chart are the person's calendar months


def no_readings() -> pl.DataFrame:
    return pl.DataFrame(schema=PACKAGE_READING_SCHEMA)


@dataclass(frozen=True)
class MonthlyTotal:
    month: str  # YYYY-MM
    kwh: float


@dataclass(frozen=True)
class SitePeriod:
    """One of the person's periods at a metering point: the move-in and move-out days (Helsinki
    dates; `moved_out` None while the contract runs). The chart marks them."""

    gsrn: str
    moved_in: dt.date
    moved_out: dt.date | None


@dataclass(frozen=True)
class Consulted:
    """Reads of the person's data in one month for one purpose by one role (C-579/21: the dates
    and purposes, not the employees' identities); `role` None: the register itself or the
    person on their own data."""

    month: str  # YYYY-MM, Helsinki
    purpose: str | None
    role: str | None
    times: int


@dataclass
class AccessPackage:
    person_id: int
    customer_number: str
    name: str
    lang: Lang
    generated_at: dt.datetime
    reveal: bool
    sections: list[Section]
    information: dict[str, Any]
    monthly: list[MonthlyTotal]
    readings: pl.DataFrame = field(default_factory=no_readings)
    periods: list[SitePeriod] = field(default_factory=list)
    consulted: list[Consulted] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Everything but the readings themselves (their monthly totals are in it)."""
        return {
            "person_id": self.person_id,
            "customer_number": self.customer_number,
            "name": self.name,
            "language": self.lang.value,
            "generated_at": self.generated_at,
            "sections": {
                s.key: {"title": s.title, "category": s.category, "rows": s.rows}
                for s in self.sections
            },
            "consumption_monthly_kwh": [{"month": m.month, "kwh": m.kwh} for m in self.monthly],
            "consumption_sites": [
                {"gsrn": p.gsrn, "moved_in": p.moved_in, "moved_out": p.moved_out}
                for p in self.periods
            ],
            "consultations_by_month": [
                {"month": c.month, "purpose": c.purpose, "role": c.role, "times": c.times}
                for c in self.consulted
            ],
            "information": self.information,
        }


def readings_table(readings: pl.DataFrame) -> pl.DataFrame:
    """The readings as files show them (CSV, portability JSON): gsrn, start_utc (the interval
    start, ISO 8601 UTC with Z), wh (null: no value), quality. Formatted in columns."""
    start = pl.from_epoch("ts", time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return readings.select("gsrn", start.alias("start_utc"), "wh", "quality")


def monthly_totals(readings: pl.DataFrame, gsrn: str | None = None) -> list[MonthlyTotal]:
    """kWh by Helsinki calendar month (missing values count as nothing), computed in columns;
    of one metering point when `gsrn` is given."""
    if gsrn is not None:
        readings = readings.filter(pl.col("gsrn") == gsrn)
    if readings.is_empty():
        return []
    month = (
        pl.from_epoch("ts", time_unit="s")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(MONTH_ZONE)
        .dt.strftime("%Y-%m")
    )
    totals = (
        readings.group_by(month.alias("month")).agg(pl.col("wh").sum().alias("wh")).sort("month")
    )
    return [MonthlyTotal(m, wh / 1000) for m, wh in totals.iter_rows()]
