"""Reading a Datahub file within bounds: a line past the bound stops the read (in a block, across
blocks, in the header), a damaged gzip stream and text that is not UTF-8 are named by line."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from rekisteri.adapters.datahub import read_chunks
from rekisteri.adapters.input_files import MAX_LINE_BYTES
from rekisteri.domain.consumption import DATAHUB_HEADER, Period
from rekisteri.domain.errors import InvalidInput

HEADER = ";".join(DATAHUB_HEADER).encode() + b"\n"
ROW = b"643006966022791278;8716867000030;PT15M;kWh;BN01;2024-12-31T22:00:00Z;1,0;OK\n"
WINDOW = Period(946_677_600, 2**35)


def refusal(path: Path, chunk_bytes: int = 1 << 16) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        for _ in read_chunks(path, path.name, WINDOW, chunk_bytes):
            pass
    return refused.value


@pytest.mark.parametrize("chunk_bytes", [1 << 10, 1 << 20])  # across blocks, within one
def test_a_line_past_the_bound_is_named_by_the_field_it_passed_it_in(
    tmp_path: Path, chunk_bytes: int
) -> None:
    path = tmp_path / "long.csv"
    path.write_bytes(HEADER + ROW * 3 + ROW[:19] + b"8" * (MAX_LINE_BYTES * 3) + b";x\n")
    error = refusal(path, chunk_bytes)
    assert (error.where, error.field) == ("long.csv, line 5", "Tuotteen tyyppi")
    assert error.reason == f"makes the line longer than {MAX_LINE_BYTES} bytes"


def test_a_gzip_expanding_to_one_endless_line_is_refused_at_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb") as out:
        out.write(HEADER + ROW)
        for _ in range(20):
            out.write(b"7" * (1 << 20))
    error = refusal(path)
    assert (error.where, error.field) == ("bomb.csv.gz, line 3", "Mittauspisteen tunnus")


def test_a_header_past_the_bound_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_bytes(b"A" * (MAX_LINE_BYTES + 1) + b"\n" + ROW)
    error = refusal(path)
    assert (error.where, error.field) == ("header.csv, line 1", "header")
    # A line of exactly the bound is read (and here refused for what it says).
    path.write_bytes(HEADER + ROW[:-1] + b" " * (MAX_LINE_BYTES - len(ROW) + 1) + b"\n")
    assert refusal(path).field == "Laatu"


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_gzip_cut_short_is_named_by_file_and_line(tmp_path: Path, keep: float) -> None:
    whole = gzip.compress(HEADER + ROW * 5000)
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[: int(len(whole) * keep)])
    error = refusal(path, 1 << 12)
    assert error.field == "file" and error.where is not None
    assert error.where.startswith("cut.csv.gz, line ") and "cut short" in error.reason


def test_a_damaged_gzip_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv.gz"
    path.write_bytes(b"\x1f\x8b" + b"\x00" * 40)
    error = refusal(path)
    assert (error.where, error.field) == ("bad.csv.gz, line 1", "file")


def test_text_that_is_not_utf8_names_its_field(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(HEADER + ROW + ROW.replace(b"kWh", b"kWh\xe4"))
    error = refusal(path)
    assert (error.where, error.field) == ("latin.csv, line 3", "Yksikkötyyppi")
    assert "0xE4" in error.reason
    path.write_bytes(";".join(DATAHUB_HEADER).encode("latin-1") + b"\n" + ROW)
    assert (refusal(path).where, refusal(path).field) == ("latin.csv, line 1", "header")
