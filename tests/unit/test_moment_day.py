"""A point in time is refused when it is in the future by the Finnish day (Given.today is the
Helsinki date, `uow.today()`): 23:30 in Helsinki today is accepted, 00:30 tomorrow is not,
though both are today in UTC at that hour."""

from __future__ import annotations

import datetime as dt

import pytest

from rekisteri.domain.attribute_rules import Given, moment
from rekisteri.domain.errors import InvalidInput

TODAY = dt.date(2026, 3, 2)  # in Helsinki


def test_a_time_later_today_in_helsinki_is_taken_and_one_tomorrow_refused() -> None:
    rule = moment()
    given = Given(today=TODAY)
    late = rule("2026-03-02T23:30:00+02:00", "at", given)  # 21:30 UTC
    assert late == dt.datetime(2026, 3, 2, 21, 30, tzinfo=dt.UTC)
    with pytest.raises(InvalidInput, match="is in the future"):
        rule("2026-03-03T00:30:00+02:00", "at", given)  # 22:30 UTC on 2 March
    with pytest.raises(InvalidInput, match="is in the future"):
        rule("2026-03-02T22:30:00Z", "at", given)  # the same moment, given in UTC
