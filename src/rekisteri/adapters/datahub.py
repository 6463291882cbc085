"""Fingrid Datahub's customer-portal CSV export, read in bounded chunks.

    Mittauspisteen tunnus;Tuotteen tyyppi;Resoluutio;Yksikkötyyppi;Lukeman tyyppi;Alkuaika;\
    Määrä;Laatu
    643006966022791278;8716867000030;PT15M;kWh;BN01;2024-12-31T22:00:00Z;2,126000;OK

The file (plain or gzip) is read in blocks of a few megabytes cut at line ends and each block is
parsed by polars in one go, so memory stays flat whatever the file size. Each row is checked with
vectorised rules; when a block has a bad row, `parse_row` (the same rules, one row at a time, in
plain Python) finds the first one and names its line, field and reason.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NamedTuple

import polars as pl

from rekisteri.domain.consumption import DATAHUB_HEADER, RESOLUTIONS, Quality
from rekisteri.domain.errors import InvalidInput

CHUNK_BYTES = 8 << 20
COLUMNS = ("gsrn", "product", "resolution", "unit", "kind", "start", "amount", "quality")
F_GSRN, F_RES, F_UNIT, F_START, F_AMOUNT, F_QUALITY = (
    DATAHUB_HEADER[i] for i in (0, 2, 3, 5, 6, 7)
)
GSRN_RE = r"^\d{18}$"
TIME_RE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"
# At most 999 999 kWh in one interval, so Wh fit a 32-bit integer; nine decimals at most.
AMOUNT_RE = r"^\d{1,6}(,\d{1,9})?$"
_BLANK_LINE = re.compile(rb"\n[ \t\r]*\n")
_QUALITY_CODES = {q.name: int(q) for q in Quality}


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


def parse_row(fields: list[str]) -> Row:
    """The rules for one row; raises InvalidInput(field, reason). The vectorised parse of
    `parse_chunk` follows exactly these rules (a property test holds them together)."""
    if len(fields) != len(COLUMNS):
        raise InvalidInput("row", f"has {len(fields)} fields, expected {len(COLUMNS)}")
    gsrn, _product, res, unit, _kind, start, amount, quality = fields
    if not re.fullmatch(GSRN_RE, gsrn):
        raise InvalidInput(F_GSRN, f"{gsrn!r} is not an 18-digit metering point id")
    if res not in RESOLUTIONS:
        raise InvalidInput(F_RES, f"{res!r} is not PT15M or PT1H")
    if unit.lower() != "kwh":
        raise InvalidInput(F_UNIT, f"{unit!r} is not kWh")
    try:
        if not re.fullmatch(TIME_RE, start):
            raise ValueError
        when = dt.datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise InvalidInput(
            F_START, f"{start!r} is not a UTC time like 2024-12-31T22:00:00Z"
        ) from None
    ts = int(when.timestamp())
    seconds = RESOLUTIONS[res]
    if ts % seconds:
        raise InvalidInput(F_START, f"{start} is not the start of a {res} interval")
    word = quality.upper()
    if word not in _QUALITY_CODES:
        raise InvalidInput(F_QUALITY, f"{quality!r} is not one of {', '.join(_QUALITY_CODES)}")
    wh: int | None = None
    if amount == "":
        if word != Quality.MISSING.name:
            raise InvalidInput(F_AMOUNT, "is empty but the quality is not MISSING")
    elif not re.fullmatch(AMOUNT_RE, amount):
        raise InvalidInput(F_AMOUNT, f"{amount!r} is not a number of kWh with a decimal comma")
    else:
        whole, _, decimals = amount.partition(",")
        # Exact decimal arithmetic: micro-watt-hours, rounded half up to whole watt-hours.
        wh = (int(whole) * 10**9 + int(decimals.ljust(9, "0")) + 500_000) // 10**6
    return Row(gsrn, ts, wh, _QUALITY_CODES[word], seconds)


def parse_chunk(text: bytes) -> tuple[pl.DataFrame, bool]:
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
            & pl.col("quality").is_not_null()
            & pl.col("resolution").is_not_null()
            & ((pl.col("ts") % pl.col("resolution").cast(pl.Int64)) == 0).fill_null(False)
        ).alias("ok")
    )
    good = bool(frame.get_column("ok").all())
    return frame.drop("ok"), good


def check_header(name: str, line: bytes) -> None:
    text = line.decode("utf-8", "replace").lstrip("\ufeff").strip()
    found = tuple(f.strip().lower() for f in text.split(";"))
    if found != tuple(h.lower() for h in DATAHUB_HEADER):
        raise bad(name, 1, "header", "is not the Datahub header " + ";".join(DATAHUB_HEADER))


def read_chunks(path: Path, name: str, chunk_bytes: int = CHUNK_BYTES) -> Iterator[Chunk]:
    """The file's rows in blocks; raises InvalidInput naming the first bad line of a block.
    `Chunk.bytes_done` counts bytes of the file as stored (compressed, for gzip): progress."""
    with path.open("rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        stream: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw  # type: ignore[assignment]
        try:
            check_header(name, stream.readline())
            line, tail = 2, b""
            while True:
                block = stream.read(chunk_bytes)
                data = tail + block
                cut = len(data) if not block else data.rfind(b"\n") + 1
                text, tail = data[:cut], data[cut:]
                if text.strip():
                    yield _chunk(name, text, line, raw.tell())
                line += text.count(b"\n")
                if not block:
                    return
        finally:
            stream.close()


def _chunk(name: str, text: bytes, first_line: int, done: int) -> Chunk:
    try:
        frame, good = parse_chunk(text)
    except pl.exceptions.PolarsError:
        good = False
        frame = pl.DataFrame()
    chunk = Chunk(frame, text, first_line, done)
    if not good:
        raise first_error(name, chunk)
    return chunk


def first_error(name: str, chunk: Chunk) -> InvalidInput:
    """The first bad row of a block, by the one-row rules."""
    for offset, line in enumerate(chunk.text.split(b"\n")):
        if not line.strip():
            continue
        try:
            parse_row(line.decode("utf-8").replace("\r", "").split(";"))
        except UnicodeDecodeError:
            return bad(name, chunk.first_line + offset, "row", "is not UTF-8 text")
        except InvalidInput as exc:
            return bad(name, chunk.first_line + offset, exc.field, exc.reason)
    return bad(name, chunk.first_line, "row", "could not be read")


PRODUCT_ACTIVE_ENERGY = "8716867000030"
READING_KIND = "BN01"


def to_datahub_rows(frame: pl.DataFrame) -> bytes:
    """Readings (gsrn, ts, wh, quality word, resolution seconds) as Datahub CSV lines."""
    res_words = {s: w for w, s in RESOLUTIONS.items()}
    wh = pl.col("wh")
    amount = (
        pl.when(wh.is_null())
        .then(pl.lit(""))
        .otherwise(
            (wh // 1000).cast(pl.String)
            + ","
            + (wh % 1000).cast(pl.String).str.pad_start(3, "0")
            + "000"
        )
    )
    out = frame.select(
        pl.col("gsrn"),
        pl.lit(PRODUCT_ACTIVE_ENERGY).alias("product"),
        pl.col("resolution").replace_strict(res_words, return_dtype=pl.String),
        pl.lit("kWh").alias("unit"),
        pl.lit(READING_KIND).alias("kind"),
        pl.from_epoch(pl.col("ts"), time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias("start"),
        amount.alias("amount"),
        pl.col("quality"),
    )
    return out.write_csv(include_header=False, separator=";", quote_style="never").encode()


def write_datahub_file(
    path: Path, frames: Iterable[pl.DataFrame], *, compress: bool = False
) -> int:
    """Write a Datahub CSV file (gzip when asked) from frames of readings; returns the rows."""
    rows = 0
    opener = gzip.open if compress else open
    with opener(path, "wb") as out:
        out.write((";".join(DATAHUB_HEADER) + "\n").encode())
        for frame in frames:
            out.write(to_datahub_rows(frame))
            rows += frame.height
    return rows
