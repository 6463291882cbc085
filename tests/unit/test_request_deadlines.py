"""Deadlines of data subject requests: GDPR Art. 12(3) one month, seed 004's 30 days."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.domain.requests import (
    RequestKind,
    RequestState,
    add_months,
    check_extension,
    deadlines,
    is_repeat,
    require_transition,
)

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))


def test_one_month_after_31_january_is_the_end_of_february() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 3, 15), 1) == dt.date(2026, 4, 15)
    assert add_months(dt.date(2026, 12, 31), 2) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)


@given(days, st.integers(min_value=-240, max_value=240))
def test_add_months_lands_in_the_right_month_on_the_same_day_or_the_months_last(
    day: dt.date, months: int
) -> None:
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(later.year, later.month)[1]
    assert later.day == min(day.day, last)


@pytest.mark.proves("P11.answer-within-a-month")
@given(days)
def test_the_due_date_is_the_earlier_of_one_month_and_30_days(day: dt.date) -> None:
    d = deadlines(day)
    assert d.thirty_days == day + dt.timedelta(days=30)
    assert d.due == min(d.one_month, d.thirty_days)
    assert day < d.due <= day + dt.timedelta(days=31)
    assert d.latest_extension == add_months(day, 3)
    # 30 days is earlier exactly when the month has 31 days from the receipt.
    assert (d.due == d.thirty_days) == (d.one_month >= d.thirty_days)


@pytest.mark.proves("P11.answer-within-a-month")
@given(days, st.integers(min_value=0, max_value=40), st.integers(min_value=1, max_value=100))
def test_an_extension_needs_a_notice_in_the_first_month_and_ends_within_two_more(
    day: dt.date, notice_after: int, extra: int
) -> None:
    d = deadlines(day)
    notice = day + dt.timedelta(days=notice_after)
    to = d.due + dt.timedelta(days=extra)
    ok = notice <= d.due and to <= d.latest_extension
    if ok:
        assert check_extension(day, d.due, to, "a large file", notice) == "a large file"
    else:
        with pytest.raises(RuleViolation):
            check_extension(day, d.due, to, "a large file", notice)


def test_an_extension_needs_a_reason() -> None:
    day = dt.date(2026, 1, 10)
    with pytest.raises(InvalidInput, match="reason"):
        check_extension(day, deadlines(day).due, dt.date(2026, 3, 1), " ", day)


@given(days, days)
def test_a_repeat_is_an_access_request_within_twelve_months_of_a_fulfilled_one(
    fulfilled: dt.date, received: dt.date
) -> None:
    expect = received < add_months(fulfilled, 12)
    assert is_repeat(RequestKind.ACCESS, received, fulfilled, 12) is expect
    assert is_repeat(RequestKind.ERASURE, received, fulfilled, 12) is False
    assert is_repeat(RequestKind.ACCESS, received, None, 12) is False


@pytest.mark.proves("P11.identity-verified")
def test_an_unverified_request_cannot_be_fulfilled() -> None:
    with pytest.raises(RuleViolation, match="verified"):
        require_transition(RequestState.RECEIVED, RequestState.FULFILLED)
    require_transition(RequestState.VERIFIED, RequestState.FULFILLED)
    with pytest.raises(RuleViolation):
        require_transition(RequestState.CLOSED, RequestState.IN_PROGRESS)
