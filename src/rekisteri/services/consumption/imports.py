"""Import of Datahub consumption readings: one file, one transaction.

A file with one bad row stores nothing (the transaction rolls back) and the error names the file,
line, field and reason. The same file twice changes nothing: its content hash is kept. A later
file that states other values for stored readings corrects them, and the replaced values stay in
reading_correction. Killing the process at any moment leaves the database as it was. The
readings are stored in day blocks (adapters.reading_writer): the file is parsed in chunks by
polars and each chunk becomes blocks with numpy, no Python object per reading.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import or_, select

from rekisteri.adapters import datahub
from rekisteri.adapters.read_ahead import read_ahead
from rekisteri.adapters.reading_writer import ReadingWriter, StatedTwice
from rekisteri.adapters.schema.consumption import datahub_file
from rekisteri.adapters.schema.register import contract, metering_point
from rekisteri.catalogue import Category
from rekisteri.domain.consumption import HELSINKI, RESOLUTION_NAMES, Period, plausible_window
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.unit_of_work import UnitOfWork

Progress = Callable[[int], None]


@dataclass(frozen=True)
class FileImport:
    """What importing one file did."""

    name: str
    sha256: str
    already_imported: bool
    rows: int = 0
    new: int = 0
    corrected: int = 0

    def describe(self) -> str:
        if self.already_imported:
            return f"{self.name}: already imported, nothing changed"
        return (
            f"{self.name}: {self.rows:,} rows, {self.new:,} new readings, "
            f"{self.corrected:,} corrected"
        )


def datahub_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a directory gives its *.csv and *.csv.gz files in name order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(
                f
                for f in p.iterdir()
                if f.is_file() and f.name.lower().endswith((".csv", ".csv.gz"))
            )
        elif p.is_file():
            out.append(p)
        else:
            raise InvalidInput("FILE", f"{p} does not exist")
    return out


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def already_imported(uow: UnitOfWork, sha256: str) -> bool:
    found = uow.execute(select(datahub_file.c.id).where(datahub_file.c.sha256 == sha256))
    return found.first() is not None


def import_datahub_file(
    uow: UnitOfWork,
    path: Path,
    progress: Progress | None = None,
    chunk_bytes: int = datahub.CHUNK_BYTES,
) -> FileImport:
    """Import one file inside the unit of work's transaction."""
    name = path.name
    sha = file_sha256(path)
    if already_imported(uow, sha):
        return FileImport(name, sha, True)
    now = uow.now()
    file_id = int(
        uow.execute(
            datahub_file.insert().values(
                sha256=sha,
                name=name[:300],
                size_bytes=path.stat().st_size,
                rows=0,
                readings_new=0,
                readings_corrected=0,
                imported_at=now,
                imported_by=uow.actor.name[:60],
            )
        ).inserted_primary_key[0]
    )
    window = reading_window(uow)
    writer = ReadingWriter(uow.connection, file_id, now)
    points: dict[str, int] = {}
    point_resolution: dict[str, int] = {}
    rows = 0
    done = 0
    spans: dict[int, tuple[int, int]] = {}  # point id: first and last interval written
    # The next blocks are parsed in a thread while this one is written (adapters/read_ahead).
    parsed = read_ahead(datahub.read_chunks(path, name, window, chunk_bytes), name="datahub-parse")
    with contextlib.closing(parsed) as chunks:
        for chunk in chunks:
            frame = _with_point_ids(uow, chunk, name, points, point_resolution)
            _widen(spans, frame)
            try:
                writer.write(frame)
            except StatedTwice as twice:
                raise _stated_twice(path, name, window, (twice.point, twice.ts), points) from None
            rows += frame.height
            if progress:
                progress(chunk.bytes_done - done)
            done = chunk.bytes_done
    corrected = writer.corrected
    uow.execute(
        datahub_file.update()
        .where(datahub_file.c.id == file_id)
        .values(rows=rows, readings_new=writer.new, readings_corrected=corrected)
    )
    # The blocks go through the driver, past the unit of work's change tracking: the persons
    # whose contract periods the readings fall in are noted here (P7: every change audited).
    uow.note_change(_holders(uow, spans), [Category.CONSUMPTION], f"import {name[:200]}")
    return FileImport(name, sha, False, rows, writer.new, corrected)


def _widen(spans: dict[int, tuple[int, int]], frame: pl.DataFrame) -> None:
    bounds = frame.group_by("metering_point_id").agg(
        pl.col("ts").min().alias("first"), pl.col("ts").max().alias("last")
    )
    for point, first, last in bounds.iter_rows():
        was = spans.get(int(point))
        spans[int(point)] = (
            (int(first), int(last)) if was is None else (min(was[0], first), max(was[1], last))
        )


def _holders(uow: UnitOfWork, spans: dict[int, tuple[int, int]]) -> set[int]:
    """Whoever held a contract at the points' sites during the readings' span (a day's margin
    either side: contract days are Helsinki days, readings UTC instants)."""
    holders: set[int] = set()
    for point, (first, last) in spans.items():
        start = dt.datetime.fromtimestamp(first, dt.UTC).date() - dt.timedelta(days=1)
        end = dt.datetime.fromtimestamp(last, dt.UTC).date() + dt.timedelta(days=1)
        found = uow.execute(
            select(contract.c.person_id)
            .join(metering_point, metering_point.c.site_id == contract.c.site_id)
            .where(
                metering_point.c.id == point,
                contract.c.start_date <= end,
                or_(contract.c.end_date.is_(None), contract.c.end_date >= start),
            )
        ).scalars()
        holders.update(int(p) for p in found)
    return holders


def reading_window(uow: UnitOfWork) -> Period:
    """The plausible window of reading times, from the settings and today in Helsinki."""
    settings = uow.settings
    today = uow.now().astimezone(HELSINKI).date()
    return plausible_window(settings.readings_from, today, settings.readings_days_ahead)


def _with_point_ids(
    uow: UnitOfWork,
    chunk: datahub.Chunk,
    name: str,
    points: dict[str, int],
    point_resolution: dict[str, int],
) -> pl.DataFrame:
    """The block with metering point ids in place of GSRNs; unknown points and a point whose
    resolution changes within the file are bad rows."""
    per_point = chunk.frame.group_by("gsrn", maintain_order=True).agg(
        pl.col("resolution").unique(maintain_order=True)
    )
    unknown = [g for g in per_point.get_column("gsrn").to_list() if g not in points]
    for i in range(0, len(unknown), 500):
        part = unknown[i : i + 500]
        found = uow.execute(
            select(metering_point.c.gsrn, metering_point.c.id).where(
                metering_point.c.gsrn.in_(part)
            )
        )
        points.update({str(g): int(mid) for g, mid in found})
    for gsrn, resolutions in per_point.iter_rows():
        if gsrn not in points:
            line = chunk.line_of(_is_point(gsrn))
            raise datahub.bad(name, line, datahub.F_GSRN, f"unknown metering point {gsrn}")
        first = point_resolution.setdefault(gsrn, resolutions[0])
        other = [r for r in resolutions if r != first]
        if other:
            word = RESOLUTION_NAMES[other[0]]
            line = chunk.line_of(_is_point(gsrn, word))
            raise datahub.bad(
                name,
                line,
                datahub.F_RES,
                f"{word}, but this file's earlier rows of {gsrn} are "
                f"{RESOLUTION_NAMES[first]} (one resolution per point in a file)",
            )
    ids = {g: points[g] for g in per_point.get_column("gsrn").to_list()}
    return chunk.frame.with_columns(
        pl.col("gsrn").replace_strict(ids, return_dtype=pl.Int32).alias("metering_point_id")
    )


def _is_point(gsrn: str, resolution: str | None = None) -> Callable[[list[str]], bool]:
    def matches(fields: list[str]) -> bool:
        return fields[0] == gsrn and (resolution is None or fields[2:3] == [resolution])

    return matches


def _stated_twice(
    path: Path, name: str, window: Period, twice: tuple[int, int], points: dict[str, int]
) -> InvalidInput:
    """The error for a reading the file states twice with different values: found again by
    reading the file (only on this error path), so it can name both lines."""
    gsrn = next(g for g, i in points.items() if i == twice[0])
    lines = []
    for chunk in datahub.read_chunks(path, name, window):
        frame = chunk.frame.with_row_index("i")
        hits = frame.filter((pl.col("gsrn") == gsrn) & (pl.col("ts") == twice[1]))
        for i in hits.get_column("i").to_list():
            lines.append(_nth_line(chunk, int(i)))
    line = lines[1] if len(lines) > 1 else (lines[0] if lines else 0)
    first = lines[0] if lines else 0
    return datahub.bad(
        name,
        line,
        datahub.F_START,
        f"the interval of {gsrn} starting at this time is already on line {first} "
        "with a different value",
    )


def _nth_line(chunk: datahub.Chunk, index: int) -> int:
    """The file line of the block's index-th row (blank lines are not rows)."""
    seen = -1
    for offset, line in enumerate(chunk.text.split(b"\n")):
        if line.strip():
            seen += 1
            if seen == index:
                return chunk.first_line + offset
    return chunk.first_line
