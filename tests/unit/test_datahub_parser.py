"""The Datahub parser: the vectorised block parse agrees with the one-row rules, and a bad row
is named by line and field."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rekisteri.adapters.datahub import Chunk, first_error, parse_chunk, parse_row
from rekisteri.domain.consumption import Period, Quality, plausible_window
from rekisteri.domain.errors import InvalidInput

GSRN = "643006966022791278"
# Wide enough for the drawn times: the plausible window's own tests draw beyond it.
WINDOW = Period(int(dt.datetime(2000, 1, 1, tzinfo=dt.UTC).timestamp()), 2**35)
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
    frame, good = parse_chunk(("\n".join(lines) + "\n").encode(), WINDOW)
    assert good
    expected = [tuple(parse_row(line.split(";"), WINDOW)) for line in lines]
    got = [(g, t, w, q, r) for g, t, w, q, r in frame.rows()]
    assert got == expected


@settings(max_examples=400, deadline=None)
@given(st.lists(spoiled, min_size=1, max_size=8))
def test_a_block_is_good_exactly_when_every_row_is(lines: list[str]) -> None:
    text = ("\n".join(lines) + "\n").encode()
    _, good = parse_chunk(text, WINDOW)
    verdicts = []
    for line in lines:
        try:
            parse_row(line.split(";"), WINDOW)
            verdicts.append(True)
        except InvalidInput:
            verdicts.append(False)
    blank = [not line.strip() for line in lines]
    assert good == all(v or b for v, b in zip(verdicts, blank, strict=True))
    if not good:
        error = first_error("f.csv", Chunk(None, text, 2, 0), WINDOW)  # type: ignore[arg-type]
        first_bad = next(i for i, (v, b) in enumerate(zip(verdicts, blank)) if not v and not b)
        assert error.where == f"f.csv, line {2 + first_bad}"


def test_amounts_are_exact_watt_hours() -> None:
    row = f"{GSRN};8716867000030;PT15M;kWh;BN01;2024-12-31T22:00:00Z;"
    assert parse_row((row + "2,126000;OK").split(";"), WINDOW).wh == 2126
    assert parse_row((row + "0,0005;OK").split(";"), WINDOW).wh == 1  # half a Wh rounds up
    assert parse_row((row + "0,000499999;OK").split(";"), WINDOW).wh == 0
    assert parse_row((row + ";MISSING").split(";"), WINDOW).wh is None
    with pytest.raises(InvalidInput, match="not MISSING"):
        parse_row((row + ";OK").split(";"), WINDOW)


TODAY = dt.date(2026, 3, 3)
PLAUSIBLE = plausible_window(dt.date(2000, 1, 1), TODAY, 2)  # 1999-12-31T22:00Z..2026-03-05T22:00Z


def verdicts(start: str, window: Period = PLAUSIBLE) -> tuple[bool, bool]:
    """Whether the block parse and the row rules take a row starting at `start`."""
    line = f"{GSRN};8716867000030;PT15M;kWh;BN01;{start};1,0;OK"
    _, block = parse_chunk((line + "\n").encode(), window)
    try:
        parse_row(line.split(";"), window)
    except InvalidInput as exc:
        assert exc.field == "Alkuaika"
        return block, False
    return block, True


@pytest.mark.parametrize(
    ("start", "taken"),
    [
        ("2016-12-31T23:59:60Z", False),  # a leap second, not the next minute
        ("2015-06-30T23:59:60Z", False),
        ("2016-12-31T23:60:00Z", False),
        ("2016-12-31T24:00:00Z", False),
        ("2024-02-30T00:00:00Z", False),
        ("2024-02-29T00:00:00Z", True),
        ("0000-01-01T00:00:00Z", False),
        ("0001-01-01T00:00:00Z", False),
        ("1900-01-01T00:00:00Z", False),
        ("1999-12-31T21:45:00Z", False),  # 23:45 on 31 December 1999 in Helsinki
        ("1999-12-31T22:00:00Z", True),  # 00:00 on 1 January 2000 in Helsinki
        ("2026-03-05T21:45:00Z", True),  # the last quarter of today + 2 days
        ("2026-03-05T22:00:00Z", False),
        ("2099-01-01T00:00:00Z", False),
        ("9999-12-31T23:45:00Z", False),
    ],
)
def test_edge_times_are_taken_only_inside_the_plausible_window(start: str, taken: bool) -> None:
    assert verdicts(start) == (taken, taken)


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23)).map(
        lambda d: d.replace(minute=d.minute - d.minute % 15, second=0, microsecond=0)
    )
)
def test_a_time_is_taken_exactly_when_it_is_inside_the_window(when: dt.datetime) -> None:
    epoch = calendar.timegm(when.timetuple())
    inside = PLAUSIBLE.start <= epoch < PLAUSIBLE.end
    assert verdicts(f"{when:%Y-%m-%dT%H:%M:%S}Z".rjust(20, "0")) == (inside, inside)


def test_a_leap_second_is_named_as_one() -> None:
    line = f"{GSRN};8716867000030;PT15M;kWh;BN01;2016-12-31T23:59:60Z;1,0;OK"
    with pytest.raises(InvalidInput, match="leap second"):
        parse_row(line.split(";"), WINDOW)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({1: "\x1b]0;x"}, "Tuotteen tyyppi"),
        ({1: "8" * 36}, "Tuotteen tyyppi"),
        ({4: "A" * 200}, "Lukeman tyyppi"),
        ({4: "BN\u202e01"}, "Lukeman tyyppi"),
        ({4: ""}, "Lukeman tyyppi"),
    ],
)
def test_the_unused_codes_are_bounded_too(fields: dict[int, str], field: str) -> None:
    parts = f"{GSRN};8716867000030;PT15M;kWh;BN01;2024-12-31T22:00:00Z;1,0;OK".split(";")
    for index, value in fields.items():
        parts[index] = value.replace(";", "")
    _, good = parse_chunk((";".join(parts) + "\n").encode(), WINDOW)
    assert not good
    with pytest.raises(InvalidInput) as refused:
        parse_row(parts, WINDOW)
    assert refused.value.field == field


def test_a_row_cut_short_names_the_first_field_it_lacks() -> None:
    parts = f"{GSRN};8716867000030;PT15M;kWh;BN01;2024-12-31T22:00:00Z;1,0;OK".split(";")
    with pytest.raises(InvalidInput) as refused:
        parse_row(parts[:7], WINDOW)
    assert (refused.value.field, refused.value.reason) == (
        "Laatu",
        "is missing: the row has 7 of 8 fields",
    )
    with pytest.raises(InvalidInput) as refused:
        parse_row(parts[:3], WINDOW)
    assert refused.value.field == "Yksikkötyyppi"


@pytest.mark.parametrize("index", [0, 2, 3, 5, 6, 7])
def test_a_huge_bad_value_is_echoed_as_a_short_escaped_excerpt(index: int) -> None:
    parts = f"{GSRN};8716867000030;PT15M;kWh;BN01;2024-12-31T22:00:00Z;1,0;OK".split(";")
    parts[index] = "\x1b[2J" + "7" * 100_000
    with pytest.raises(InvalidInput) as refused:
        parse_row(parts, WINDOW)
    message = str(refused.value)
    assert len(message) < 200 and "\x1b" not in message and "100,004 characters" in message
