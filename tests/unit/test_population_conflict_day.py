"""The conflict rule's day (services/population/conflicts): a value the person gave is kept
against a change dated before the day, in Helsinki, on which the register recorded it; the
day turns at midnight Helsinki time, in winter (UTC+2) and in summer (UTC+3)."""

from __future__ import annotations

import datetime as dt

import pytest

from rekisteri.services.population.conflicts import given_later

UTC = dt.UTC
PERSON = "customer_contact"  # the person told the register in a contact
OTHER = "population_register"


@pytest.mark.parametrize(
    ("received_at", "change_date", "kept"),
    [
        # Winter: 21:59 UTC is 23:59 in Helsinki, still the change's day; 22:00 is the next.
        (dt.datetime(2026, 3, 20, 21, 59, 59, tzinfo=UTC), dt.date(2026, 3, 20), False),
        (dt.datetime(2026, 3, 20, 22, 0, tzinfo=UTC), dt.date(2026, 3, 20), True),
        # Summer: the next day begins at 21:00 UTC.
        (dt.datetime(2026, 7, 1, 20, 59, 59, tzinfo=UTC), dt.date(2026, 7, 1), False),
        (dt.datetime(2026, 7, 1, 21, 0, tzinfo=UTC), dt.date(2026, 7, 1), True),
        # Recorded before the change's day: the change is newer.
        (dt.datetime(2026, 3, 18, 12, 0, tzinfo=UTC), dt.date(2026, 3, 20), False),
    ],
)
def test_a_value_the_person_gave_is_kept_from_the_next_helsinki_day(
    received_at: dt.datetime, change_date: dt.date, kept: bool
) -> None:
    assert given_later(PERSON, received_at, change_date) is kept


def test_a_value_from_another_source_gives_way_whenever_it_was_recorded() -> None:
    assert not given_later(OTHER, dt.datetime(2026, 12, 1, tzinfo=UTC), dt.date(2026, 3, 20))
