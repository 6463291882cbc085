"""Writing Datahub's customer-portal CSV (the demo's files, tests and benchmarks): readings as
the export states them, plain or gzip."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from rekisteri.domain.consumption import DATAHUB_HEADER, RESOLUTIONS

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
