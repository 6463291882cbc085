"""The Datahub parser: the vectorised block parse agrees with the one-row rules, and a bad row
is named by line and field."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rekisteri.adapters.datahub import Chunk, first_error, parse_chunk, parse_row
from rekisteri.domain.consumption import Quality
from rekisteri.domain.errors import InvalidInput

GSRN = "643006966022791278"
times = st.datetimes(min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2035, 12, 31)).map(
    lambda d: d.replace(minute=d.minute - d.minute % 15, second=0, microsecond=0)
)
amounts = st.tuples(st.integers(0, 999_999), st.integers(0, 999_999_999), st.integers(1, 9))


@st.composite
def good_row(draw: st.DrawFn) -> str:
    res = draw(st.sampled_from(["PT15M", "PT1H"]))
    when = draw(times)
    if res == "PT1H":
        when = when.replace(minute=0)
    quality = draw(st.sampled_from([q.name for q in Quality] + ["ok", "Estimated"]))
    whole, frac, digits = draw(amounts)
    amount = f"{whole},{str(frac).zfill(9)[:digits]}" if draw(st.booleans()) else str(whole)
    if quality.upper() == "MISSING" and draw(st.booleans()):
        amount = ""
    return f"{GSRN};8716867000030;{res};kWh;BN01;{when:%Y-%m-%dT%H:%M:%S}Z;{amount};{quality}"


# Rows that may be good or bad: good rows with one field replaced by something drawn.
spoiled = st.tuples(good_row(), st.integers(0, 7), st.text(max_size=22)).map(
    lambda t: ";".join(
        t[2].replace(";", "").replace("\n", "").replace("\r", "") if i == t[1] else f
        for i, f in enumerate(t[0].split(";"))
    )
)


@settings(max_examples=300, deadline=None)
@given(st.lists(good_row(), min_size=1, max_size=30))
def test_the_block_parse_gives_what_the_row_rules_give(lines: list[str]) -> None:
    frame, good = parse_chunk(("\n".join(lines) + "\n").encode())
    assert good
    expected = [tuple(parse_row(line.split(";"))) for line in lines]
    got = [(g, t, w, q, r) for g, t, w, q, r in frame.rows()]
    assert got == expected


@settings(max_examples=400, deadline=None)
@given(st.lists(spoiled, min_size=1, max_size=8))
def test_a_block_is_good_exactly_when_every_row_is(lines: list[str]) -> None:
    text = ("\n".join(lines) + "\n").encode()
    _, good = parse_chunk(text)
    verdicts = []
    for line in lines:
        try:
            parse_row(line.split(";"))
            verdicts.append(True)
        except InvalidInput:
            verdicts.append(False)
    blank = [not line.strip() for line in lines]
    assert good == all(v or b for v, b in zip(verdicts, blank, strict=True))
    if not good:
        error = first_error("f.csv", Chunk(None, text, 2, 0))  # type: ignore[arg-type]
        first_bad = next(i for i, (v, b) in enumerate(zip(verdicts, blank)) if not v and not b)
        assert error.where == f"f.csv, line {2 + first_bad}"


def test_amounts_are_exact_watt_hours() -> None:
    row = f"{GSRN};8716867000030;PT15M;kWh;BN01;2024-12-31T22:00:00Z;"
    assert parse_row((row + "2,126000;OK").split(";")).wh == 2126
    assert parse_row((row + "0,0005;OK").split(";")).wh == 1  # half a Wh rounds up
    assert parse_row((row + "0,000499999;OK").split(";")).wh == 0
    assert parse_row((row + ";MISSING").split(";")).wh is None
    with pytest.raises(InvalidInput, match="not MISSING"):
        parse_row((row + ";OK").split(";"))
