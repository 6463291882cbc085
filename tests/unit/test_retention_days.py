"""A rule's two day functions agree to the day (P14): the retention run removes on `today` what
is anchored before `first_kept(today)`, and the person is told `last_day(anchor)`; so data is
kept through the day it is told and goes the day after, month ends and leap days included."""

from __future__ import annotations

import datetime as dt

import pytest

from rekisteri.catalogue.model import Anchor, OnErasure, RetentionRule

DAYS = [dt.date(2027, 12, 1) + dt.timedelta(days=i) for i in range(460)]  # a leap February


@pytest.mark.parametrize("months", [1, 6, 12, 36])
def test_the_run_removes_data_the_day_after_its_last_day(months: int) -> None:
    rule = RetentionRule("r", Anchor.RECORDED, months, OnErasure.ERASE)
    for today in DAYS[100:]:
        first = rule.first_kept(today)
        for anchor in DAYS[:100] + DAYS[100 - 40 : 100]:
            assert (anchor >= first) == (rule.last_day(anchor) >= today), (anchor, today)


def test_a_period_anchored_on_a_short_months_last_day_ends_on_the_same_day_number() -> None:
    rule = RetentionRule("r", Anchor.RECORDED, 1, OnErasure.ERASE)
    assert rule.last_day(dt.date(2027, 2, 28)) == dt.date(2027, 3, 28)
    # 29 March less a month is 28 February, yet data of that day is kept through 28 March only.
    assert rule.first_kept(dt.date(2027, 3, 29)) == dt.date(2027, 3, 1)
