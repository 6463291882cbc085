"""Fingrid Datahub's customer-portal CSV export, read in bounded chunks.

    Mittauspisteen tunnus;Tuotteen tyyppi;Resoluutio;Yksikkötyyppi;Lukeman tyyppi;Alkuaika;\
    Määrä;Laatu
    643006966022791278;8716867000030;PT15M;kWh;BN01;2024-12-31T22:00:00Z;2,126000;OK

The file (plain or gzip) is read in blocks of a few megabytes cut at line ends and each block is
parsed by polars in one go, so memory stays flat whatever the file size. Each row is checked with
vectorised rules; when a block has a bad row, `parse_row` (the same rules, one row at a time, in
plain Python) finds the first one and names its line, field and reason. Every field has a
bounded rule, readings start inside a plausible window (a setting, given by the caller), and
the stream is read within bounds (adapters.input_files): a line past MAX_LINE_BYTES, a damaged
gzip stream or text that is not UTF-8 is bad input naming its line.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NamedTuple, NoReturn

import polars as pl

from rekisteri.adapters.input_files import (
    GZIP_DAMAGE,
    MAX_LINE_BYTES,
    LineTooLong,
    gzip_damage,
    is_gzip,
    open_bytes,
    read_line,
    too_long,
    undecodable,
)
from rekisteri.domain.consumption import DATAHUB_HEADER, HELSINKI, RESOLUTIONS, Period, Quality
from rekisteri.domain.errors import InvalidInput, excerpt

CHUNK_BYTES = 8 << 20
COLUMNS = ("gsrn", "product", "resolution", "unit", "kind", "start", "amount", "quality")
F_GSRN, F_PRODUCT, F_RES, F_UNIT, F_KIND, F_START, F_AMOUNT, F_QUALITY = DATAHUB_HEADER
GSRN_RE = r"^\d{18}$"
# The product and reading-type codes are not used, but bounded: short letters and digits.
CODE_RE = r"^[0-9A-Za-z]{1,35}$"
# Seconds 00-59: a leap second (23:59:60) is refused, not rolled over into the next minute.
TIME_RE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:[0-5]\dZ$"
_LEAP_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:6\dZ$")
# At most 999 999 kWh in one interval, so Wh fit a 32-bit integer; nine decimals at most.
AMOUNT_RE = r"^\d{1,6}(,\d{1,9})?$"
_BLANK_LINE = re.compile(rb"\n[ \t\r]*\n")
_QUALITY_CODES = {q.name: int(q) for q in Quality}
COLUMNS_IN = DATAHUB_HEADER  # the columns as the file names them


class Row(NamedTuple):
    """One reading as the file states it, in the register's units."""

    gsrn: str
    ts: int  # UTC epoch seconds of the interval start
    wh: int | None
    quality: int
    resolution: int


@dataclass
class Chunk:
    """A block of rows: a frame of (gsrn, ts, wh, quality, resolution) and where it came from."""

    frame: pl.DataFrame
    text: bytes
    first_line: int
    bytes_done: int

    def line_of(self, predicate: Callable[[list[str]], bool]) -> int:
        """The file line of the first row of this block for which `predicate(fields)` holds."""
        for offset, line in enumerate(self.text.split(b"\n")):
            fields = line.decode("utf-8", "replace").replace("\r", "").split(";")
            if line.strip() and predicate(fields):
                return self.first_line + offset
        return self.first_line


def bad(name: str, line: int, field: str, reason: str) -> InvalidInput:
    return InvalidInput(field, reason, where=f"{name}, line {line}")


def parse_row(fields: list[str], window: Period) -> Row:
    """The rules for one row; raises InvalidInput(field, reason). The vectorised parse of
    `parse_chunk` follows exactly these rules (a property test holds them together)."""
    if len(fields) < len(COLUMNS):
        _missing(fields)
    if len(fields) > len(COLUMNS):
        raise InvalidInput("row", f"has {len(fields)} fields, expected {len(COLUMNS)}")
    gsrn, product, res, unit, kind, start, amount, quality = fields
    if not re.fullmatch(GSRN_RE, gsrn):
        raise InvalidInput(F_GSRN, f"{excerpt(gsrn)} is not an 18-digit metering point id")
    for name, code in ((F_PRODUCT, product), (F_KIND, kind)):
        if not re.fullmatch(CODE_RE, code):
            raise InvalidInput(name, f"{excerpt(code)} is not a code of letters and digits")
    if res not in RESOLUTIONS:
        raise InvalidInput(F_RES, f"{excerpt(res)} is not PT15M or PT1H")
    if unit.lower() != "kwh":
        raise InvalidInput(F_UNIT, f"{excerpt(unit)} is not kWh")
    ts = _start(start, window)
    seconds = RESOLUTIONS[res]
    if ts % seconds:
        raise InvalidInput(F_START, f"{start} is not the start of a {res} interval")
    word = quality.upper()
    if word not in _QUALITY_CODES:
        raise InvalidInput(
            F_QUALITY, f"{excerpt(quality)} is not one of {', '.join(_QUALITY_CODES)}"
        )
    wh: int | None = None
    if amount == "":
        if word != Quality.MISSING.name:
            raise InvalidInput(F_AMOUNT, "is empty but the quality is not MISSING")
    elif not re.fullmatch(AMOUNT_RE, amount):
        raise InvalidInput(
            F_AMOUNT, f"{excerpt(amount)} is not a number of kWh with a decimal comma"
        )
    else:
        whole, _, decimals = amount.partition(",")
        # Exact decimal arithmetic: micro-watt-hours, rounded half up to whole watt-hours.
        wh = (int(whole) * 10**9 + int(decimals.ljust(9, "0")) + 500_000) // 10**6
    return Row(gsrn, ts, wh, _QUALITY_CODES[word], seconds)


def _missing(fields: list[str]) -> NoReturn:
    """A row short of fields (a line cut off) names the first field it lacks."""
    raise InvalidInput(
        COLUMNS_IN[len(fields)],
        f"is missing: the row has {len(fields)} of {len(COLUMNS)} fields",
    )


def _start(start: str, window: Period) -> int:
    if _LEAP_SECOND.fullmatch(start):
        raise InvalidInput(F_START, f"{start} is a leap second; no interval starts at one")
    try:
        if not re.fullmatch(TIME_RE, start):
            raise ValueError
        when = dt.datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise InvalidInput(
            F_START, f"{excerpt(start)} is not a UTC time like 2024-12-31T22:00:00Z"
        ) from None
    ts = int(when.timestamp())
    if not window.start <= ts < window.end:
        raise InvalidInput(F_START, f"{start} is outside {describe(window)}")
    return ts


def describe(window: Period) -> str:
    """The plausible window of reading times as the refusal states it (Helsinki dates)."""
    first = dt.datetime.fromtimestamp(window.start, HELSINKI).date()
    last = dt.datetime.fromtimestamp(window.end - 1, HELSINKI).date()
    return (
        f"the plausible window {first} .. {last} "
        "(REKISTERI_READINGS_FROM, REKISTERI_READINGS_DAYS_AHEAD)"
    )


def parse_chunk(text: bytes, window: Period) -> tuple[pl.DataFrame, bool]:
    """Parse a block of whole lines; returns the frame and whether every row is good."""
    text = text.replace(b"\r", b"")  # CRLF line ends
    if _BLANK_LINE.search(b"\n" + text):  # blank lines are skipped, as parse_row's caller does
        text = b"\n".join(line for line in text.split(b"\n") if line.strip()) + b"\n"
    raw = pl.read_csv(
        io.BytesIO(text),
        has_header=False,
        separator=";",
        quote_char=None,
        schema=dict.fromkeys(COLUMNS, pl.String),
        missing_columns="insert",
    )
    res = pl.col("resolution").replace_strict(RESOLUTIONS, default=None, return_dtype=pl.Int16)
    ts = (
        pl.when(pl.col("start").str.contains(TIME_RE))
        .then(pl.col("start"))
        .str.strptime(pl.Datetime("us", "UTC"), "%Y-%m-%dT%H:%M:%SZ", strict=False)
        .dt.epoch("s")
    )
    in_window = pl.col("ts").is_between(window.start, window.end, closed="left")
    quality = (
        pl.col("quality")
        .str.to_uppercase()
        .replace_strict(_QUALITY_CODES, default=None, return_dtype=pl.Int16)
    )
    amount_ok = pl.col("amount").str.contains(AMOUNT_RE)
    parts = pl.col("amount").str.split_exact(",", 1)
    micro = parts.struct.field("field_0").cast(pl.Int64, strict=False) * 10**9 + parts.struct.field(
        "field_1"
    ).fill_null("").str.pad_end(9, "0").cast(pl.Int64, strict=False)
    wh = pl.when(amount_ok).then((micro + 500_000) // 10**6)
    frame = raw.select(
        pl.col("gsrn"),
        ts.alias("ts"),
        wh.alias("wh"),
        quality.alias("quality"),
        res.alias("resolution"),
        (
            pl.col("gsrn").str.contains(GSRN_RE).fill_null(False)
            & pl.col("product").str.contains(CODE_RE).fill_null(False)
            & pl.col("kind").str.contains(CODE_RE).fill_null(False)
            & (pl.col("unit").str.to_lowercase() == "kwh").fill_null(False)
            & (
                amount_ok.fill_null(False)
                | ((pl.col("amount").fill_null("") == "") & (quality == int(Quality.MISSING)))
            ).fill_null(False)
        ).alias("ok"),
    )
    frame = frame.with_columns(
        (
            pl.col("ok")
            & pl.col("ts").is_not_null()
            & in_window.fill_null(False)
            & pl.col("quality").is_not_null()
            & pl.col("resolution").is_not_null()
            & ((pl.col("ts") % pl.col("resolution").cast(pl.Int64)) == 0).fill_null(False)
        ).alias("ok")
    )
    good = bool(frame.get_column("ok").all())
    return frame.drop("ok"), good


def check_header(name: str, line: bytes) -> None:
    try:
        text = line.decode("utf-8").lstrip("\ufeff").strip()
    except UnicodeDecodeError:
        raise bad(name, 1, *undecodable(line, b";", ("header",))) from None
    found = tuple(f.strip().lower() for f in text.split(";"))
    if found != tuple(h.lower() for h in DATAHUB_HEADER):
        raise bad(name, 1, "header", "is not the Datahub header " + ";".join(DATAHUB_HEADER))


def read_chunks(
    path: Path, name: str, window: Period, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[Chunk]:
    """The file's rows in blocks; raises InvalidInput naming the first bad line of a block.
    `Chunk.bytes_done` counts bytes of the file as stored (compressed, for gzip): progress.
    Memory stays within a block and a line whatever the file expands to."""
    with open_bytes(path, name) as raw:
        stream: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if is_gzip(raw) else raw  # type: ignore[assignment]
        line = 1
        try:
            try:
                header = read_line(stream)
            except LineTooLong:
                raise bad(name, 1, "header", f"is longer than {MAX_LINE_BYTES} bytes") from None
            check_header(name, header)
            line, tail = 2, b""
            while True:
                block = stream.read(chunk_bytes)
                data = tail + block
                cut = len(data) if not block else data.rfind(b"\n") + 1
                text, tail = data[:cut], data[cut:]
                ends = text.count(b"\n")
                if len(tail) > MAX_LINE_BYTES:  # no line end within the bound: stop reading
                    raise bad(name, line + ends, *too_long(tail[:MAX_LINE_BYTES], b";", COLUMNS_IN))
                if text.strip():
                    yield _chunk(name, text, line, raw.tell(), window)
                line += ends
                if not block:
                    return
        except GZIP_DAMAGE as exc:
            raise bad(name, line, "file", gzip_damage(exc)) from None
        finally:
            stream.close()


def _chunk(name: str, text: bytes, first_line: int, done: int, window: Period) -> Chunk:
    try:
        frame, good = parse_chunk(text, window)
    except pl.exceptions.PolarsError:
        good = False
        frame = pl.DataFrame()
    chunk = Chunk(frame, text, first_line, done)
    if not good:
        raise first_error(name, chunk, window)
    return chunk


def first_error(name: str, chunk: Chunk, window: Period) -> InvalidInput:
    """The first bad row of a block, by the one-row rules."""
    for offset, line in enumerate(chunk.text.split(b"\n")):
        if not line.strip():
            continue
        at = chunk.first_line + offset
        if len(line.rstrip(b"\r")) > MAX_LINE_BYTES:
            return bad(name, at, *too_long(line[:MAX_LINE_BYTES], b";", COLUMNS_IN))
        try:
            parse_row(line.decode("utf-8").replace("\r", "").split(";"), window)
        except UnicodeDecodeError:
            return bad(name, at, *undecodable(line, b";", COLUMNS_IN))
        except InvalidInput as exc:
            return bad(name, at, exc.field, exc.reason)
    return bad(name, chunk.first_line, "row", "could not be read")
