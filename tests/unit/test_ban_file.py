"""Reading the ASML ban file: every line within the bound, decoded and split on its own, so a
byte that is not UTF-8, a row short of fields, a quote left open, a control character or a line
past the bound is refused naming the line and the field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rekisteri.adapters.ban_file import read_ban_file
from rekisteri.adapters.input_files import MAX_LINE_BYTES
from rekisteri.domain.errors import InvalidInput

HEADER = b"kind,last_name,first_names,street,postal_code,post_office,phone,registered_on\n"
POSTAL = b"postal,Virtanen,Anna,Kotikatu 1,00100,Helsinki,,2025-01-01\n"
PHONE = b"phone,,,,,,040 123 4567,\n"
TODAY = dt.date(2026, 3, 3)


def refusal(tmp_path: Path, data: bytes) -> tuple[str | None, str, str]:
    path = tmp_path / "asml.csv"
    path.write_bytes(data)
    with pytest.raises(InvalidInput) as refused:
        read_ban_file(path, TODAY)
    error = refused.value
    assert error.where is not None
    return error.where.removeprefix(f"{tmp_path}/"), error.field, error.reason


def test_a_good_file_is_read_with_where_it_ends(tmp_path: Path) -> None:
    path = tmp_path / "asml.csv"
    path.write_bytes(b"\xef\xbb\xbf" + HEADER.replace(b"\n", b"\r\n") + POSTAL + b"\n" + PHONE)
    read = read_ban_file(path, TODAY)
    assert [b.kind.value for b in read.bans] == ["postal", "phone"]
    assert read.end == f"{path}:4"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (HEADER + POSTAL.replace(b"Virtanen", b"M\xe4kinen"), ("asml.csv:2", "last_name")),
        (HEADER.replace(b"kind", b"k\xe4ind"), ("asml.csv:1", "header")),
        ("\ufeff".encode("utf-16") + HEADER.decode().encode("utf-16-le"), ("asml.csv:1", "header")),
        (HEADER + POSTAL.replace(b",2025-01-01", b""), ("asml.csv:2", "registered_on")),
        (HEADER + b"postal,Virta\n", ("asml.csv:2", "first_names")),
        (HEADER + POSTAL.replace(b"\n", b",x\n"), ("asml.csv:2", "row")),
        (HEADER + b'postal,"Virta\nnen",Anna,Kotikatu 1,00100,,,\n', ("asml.csv:2", "last_name")),
        (HEADER + b'postal,"Virta"nen,Anna,Kotikatu 1,00100,,,\n', ("asml.csv:2", "last_name")),
        (HEADER.replace(b"\n", b"\r") + POSTAL.replace(b"\n", b"\r"), ("asml.csv:1", "header")),
        (HEADER + POSTAL.replace(b"Kotikatu", b"Koti\x00katu"), ("asml.csv:2", "street")),
        (HEADER + POSTAL.replace(b"Virtanen", b"\x1b[2JV"), ("asml.csv:2", "last_name")),
        (HEADER + POSTAL.replace(b"Anna", "\u202eannA".encode()), ("asml.csv:2", "first_names")),
        (HEADER.replace(b"post_office", b"kind") + POSTAL, ("asml.csv:1", "header")),
        (HEADER.replace(b"post_office", b"\x1b[31m") + POSTAL, ("asml.csv:1", "header")),
        (b"", ("asml.csv:1", "header")),
        (b"\n", ("asml.csv:1", "header")),
    ],
)
def test_a_bad_line_is_named_by_line_and_field(
    tmp_path: Path, data: bytes, expected: tuple[str, str]
) -> None:
    where, field, reason = refusal(tmp_path, data)
    assert (where, field) == expected, reason
    assert reason.isprintable() and len(reason) < 200, reason


def test_the_byte_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    _, _, reason = refusal(tmp_path, HEADER + POSTAL.replace(b"Virtanen", b"M\xe4kinen"))
    assert reason == "is not UTF-8 text (byte 0xE4); the file must be saved as UTF-8"


def test_a_row_short_of_fields_says_how_many_it_has(tmp_path: Path) -> None:
    _, _, reason = refusal(tmp_path, HEADER + POSTAL.replace(b",2025-01-01", b""))
    assert reason == "is missing: the row has 7 of 8 fields"


@pytest.mark.parametrize("size", [MAX_LINE_BYTES + 1, 8 << 20])
def test_a_line_past_the_bound_is_refused_in_the_field_it_passed_it_in(
    tmp_path: Path, size: int
) -> None:
    line = b"postal,A,B," + b"9" * size + b",00100,,,\n"
    where, field, reason = refusal(tmp_path, HEADER + POSTAL + line)
    assert (where, field) == ("asml.csv:3", "street")
    assert reason == f"makes the line longer than {MAX_LINE_BYTES} bytes"


def test_a_long_bad_value_is_echoed_as_a_short_excerpt(tmp_path: Path) -> None:
    where, field, reason = refusal(tmp_path, HEADER + b"phone,,,,,,\x1b" + b"9" * 3000 + b",\n")
    assert (where, field) == ("asml.csv:2", "phone")
    where, field, reason = refusal(tmp_path, HEADER + b"phone,,,,,," + b"9" * 3000 + b",\n")
    assert (where, field) == ("asml.csv:2", "phone")
    assert len(reason) < 120 and "3,000 characters" in reason
