"""Consumption readings in the register's own terms: quality, resolution, contract periods.

A reading belongs to whoever held a contract at its metering point's site when its interval
started. Contract periods are [start_date, end_date) in Helsinki local dates: on the day of a
move the old contract's end date is the new one's start date, and the day belongs to the new
holder from 00:00 Helsinki time (which is 22:00 or 21:00 UTC the evening before, DST matters).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import IntEnum
from typing import NamedTuple

import polars as pl

from rekisteri.domain.values import HELSINKI as HELSINKI  # also the consumption rules' own name

# The readings frame every provider returns: gsrn, ts (interval start, UTC epoch seconds),
# wh (null: the meter sent no value) and quality (Datahub's word).
READING_SCHEMA = pl.Schema({"gsrn": pl.Utf8, "ts": pl.Int64, "wh": pl.Int64, "quality": pl.Utf8})

# The header of Datahub's customer-portal CSV export, in its own words.
DATAHUB_HEADER = (
    "Mittauspisteen tunnus",
    "Tuotteen tyyppi",
    "Resoluutio",
    "Yksikkötyyppi",
    "Lukeman tyyppi",
    "Alkuaika",
    "Määrä",
    "Laatu",
)
RESOLUTIONS: dict[str, int] = {"PT15M": 900, "PT1H": 3600}

# The days a consumption period may start or end on (API and CLI from/to): wide enough for any
# question, narrow enough that the period's Helsinki midnights and the summary's dates stay
# inside the calendar (year 1 in Helsinki's local mean time is year 0 in UTC).
FIRST_PERIOD_DAY = dt.date(1900, 1, 1)
LAST_PERIOD_DAY = dt.date(2999, 12, 31)
RESOLUTION_NAMES = {seconds: name for name, seconds in RESOLUTIONS.items()}


class Quality(IntEnum):
    """The quality of a reading as Datahub states it, stored as a small code."""

    OK = 0
    ESTIMATED = 1
    REVISED = 2
    CALCULATED = 3
    UNCERTAIN = 4
    MISSING = 9

    @classmethod
    def of(cls, word: str) -> Quality:
        return cls[word.strip().upper()]


QUALITY_WORDS = tuple(q.name for q in Quality)


class Period(NamedTuple):
    """[start, end) in UTC epoch seconds."""

    start: int
    end: int


def local_midnight(day: dt.date) -> int:
    """00:00 Helsinki time of `day`, as UTC epoch seconds."""
    return int(dt.datetime.combine(day, dt.time(0), HELSINKI).timestamp())


def plausible_window(first_day: dt.date, today: dt.date, days_ahead: int) -> Period:
    """When a reading may start: from 00:00 Helsinki time of `first_day` to the end of the day
    `days_ahead` after today (Helsinki)."""
    return Period(local_midnight(first_day), local_midnight(today + dt.timedelta(days_ahead + 1)))


def contract_period(start_date: dt.date, end_date: dt.date | None, far: int) -> Period:
    """A contract's [start_date, end_date) as UTC epoch seconds; an open contract runs to `far`."""
    return Period(local_midnight(start_date), far if end_date is None else local_midnight(end_date))


def merge_periods(periods: Iterable[Period]) -> list[Period]:
    """Overlapping or touching periods joined, so no reading is counted twice (a person may hold
    a sales and a network contract at the same site)."""
    merged: list[Period] = []
    for p in sorted(periods):
        if p.end <= p.start:
            continue
        if merged and p.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Period(last.start, max(last.end, p.end))
        else:
            merged.append(p)
    return merged


def clip(periods: Iterable[Period], window: Period) -> list[Period]:
    out = []
    for p in periods:
        lo, hi = max(p.start, window.start), min(p.end, window.end)
        if lo < hi:
            out.append(Period(lo, hi))
    return out


def offset_changes(window: Period) -> list[tuple[int, int]]:
    """Helsinki's UTC offset over `window`: (from epoch, offset seconds) at the window's start
    and at every change inside it. Lets the database turn UTC epochs into local time with
    plain integer arithmetic, the same on SQLite and PostgreSQL."""

    def offset(epoch: int) -> int:
        when = dt.datetime.fromtimestamp(epoch, dt.UTC).astimezone(HELSINKI)
        delta = when.utcoffset()
        assert delta is not None
        return int(delta.total_seconds())

    changes = [(window.start, offset(window.start))]
    day, hour = 86400, 3600
    t = window.start
    while t < window.end:
        nxt = min(t + day, window.end)
        if offset(nxt) != changes[-1][1]:
            # Offsets change on whole UTC hours: find the hour within this day.
            h = t - t % hour
            while offset(h) == changes[-1][1]:
                h += hour
            changes.append((h, offset(h)))
        t = nxt
    return changes


def last_whole_months(today: dt.date) -> tuple[dt.date, dt.date]:
    """The 12 whole months before `today`'s (a Helsinki day): [first day, first of this month).
    The measured_kwh segment rule and the person page's metered year both count these."""
    end = today.replace(day=1)
    return end.replace(year=end.year - 1), end
