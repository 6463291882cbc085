"""The 72-hour clock of a breach (GDPR Art. 33(1)): 72 elapsed hours from awareness, also when
Helsinki's clocks turn in between, and Helsinki wall-clock input that cannot be told apart."""

from __future__ import annotations

import datetime as dt

import pytest

from rekisteri.domain.breaches import (
    HELSINKI,
    clock,
    deadline,
    helsinki_moment,
    local,
    remaining_text,
)
from rekisteri.domain.errors import InvalidInput


def helsinki(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=HELSINKI)


def test_across_the_spring_change_the_deadline_is_an_hour_later_on_the_wall_clock() -> None:
    # Clocks go forward on Sunday 29 March 2026 at 03:00 (EET +02 to EEST +03).
    aware = helsinki(2026, 3, 28, 10, 0)
    due = deadline(aware)
    assert due - aware == dt.timedelta(hours=72)
    assert due.astimezone(HELSINKI).replace(tzinfo=None) == dt.datetime(2026, 3, 31, 11, 0)
    assert local(due) == "2026-03-31 11:00 EEST"


def test_across_the_autumn_change_the_deadline_is_an_hour_earlier_on_the_wall_clock() -> None:
    # Clocks go back on Sunday 25 October 2026 at 04:00 (EEST +03 to EET +02).
    aware = helsinki(2026, 10, 24, 10, 0)
    due = deadline(aware)
    assert due - aware == dt.timedelta(hours=72)
    assert local(due) == "2026-10-27 09:00 EET"


def test_without_a_change_three_days_to_the_minute() -> None:
    assert local(deadline(helsinki(2026, 6, 1, 23, 59))) == "2026-06-04 23:59 EEST"


def test_the_clock_counts_down_and_goes_overdue_unless_notified_in_time() -> None:
    aware = dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC)
    c = clock(aware, aware + dt.timedelta(hours=30, minutes=55), None)
    assert remaining_text(c.remaining) == "41 h 05 min" and not c.overdue
    late = clock(aware, aware + dt.timedelta(hours=75), None)
    assert late.overdue and remaining_text(late.remaining) == "-3 h 00 min"
    told = aware + dt.timedelta(hours=71)
    assert not clock(aware, aware + dt.timedelta(hours=75), told).overdue
    assert clock(aware, aware + dt.timedelta(hours=75), aware + dt.timedelta(hours=73)).overdue


def test_helsinki_wall_clock_input() -> None:
    assert helsinki_moment("2026-03-28T10:00", "aware_at") == dt.datetime(
        2026, 3, 28, 8, 0, tzinfo=dt.UTC
    )
    assert helsinki_moment("2026-07-01T10:00", "aware_at").hour == 7
    assert helsinki_moment("2026-10-25T03:30+02:00", "aware_at").hour == 1


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2026-03-29T03:30", "does not exist"),  # skipped in spring
        ("2026-10-25T03:30", "ambiguous"),  # twice in autumn
        ("yesterday", "is not a time"),
    ],
)
def test_helsinki_times_that_cannot_be_placed_are_refused(text: str, why: str) -> None:
    with pytest.raises(InvalidInput, match=why):
        helsinki_moment(text, "aware_at")
