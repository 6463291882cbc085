"""The readings archive on disk: Parquet files an engine such as Spark reads as they are.

    <root>/readings/month=2025-01/part-0.parquet   one Helsinki month of readings
    <root>/periods/part-0.parquet                  who held which metering point when
    <root>/_manifest.json                          what each month was written from
    <root>/_staging/                               files being written (no reader looks here)
    <root>/_lock                                   one writer at a time (sync, erasure, retention)

Hive-style partitions by month, one file per partition. A file is replaced whole: written
into `_staging` on the same file system, flushed, then renamed over the partition's file.
A rename of a file is atomic, so a reader (or a killed writer) sees the month as before or as
after, never half. (Renaming a directory over a non-empty one is not possible in one step on
POSIX: a swap of directories would leave a moment with the month missing.) Readers skip
`_`-prefixed paths, as Spark and Hive do.

Columns are encoded for meter data: readings sorted by point and time, so `ts` and `wh` delta
encode to a few bits; the point, its GSRN, the quality and the resolution dictionary encode;
all of it zstd compressed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from rekisteri.domain.errors import InvalidInput

READING_SCHEMA = pa.schema(
    [
        ("metering_point_id", pa.int32()),
        ("gsrn", pa.string()),
        ("ts", pa.int64()),  # interval start, UTC epoch seconds
        ("wh", pa.int32()),  # null: the meter sent no value (quality MISSING)
        ("quality", pa.int8()),  # domain.consumption.Quality
        ("resolution", pa.int16()),  # seconds: 900 or 3600
    ]
)
PERIOD_SCHEMA = pa.schema(
    [
        ("person_id", pa.int64()),
        ("metering_point_id", pa.int32()),
        ("gsrn", pa.string()),
        ("start_ts", pa.int64()),  # the person's contract period, UTC epoch seconds [start, end)
        ("end_ts", pa.int64()),
    ]
)
_DICTIONARY = {"metering_point_id", "gsrn", "quality", "resolution", "person_id"}
_DELTA = {"ts", "wh", "start_ts", "end_ts"}
PART = "part-0.parquet"


# Where the files a rewrite replaced wait until its transaction ends (Archive.keep_for_undo).
UNDO = "_undo"


class Archive:
    """One archive directory (the setting REKISTERI_ARCHIVE_DIR)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.readings = root / "readings"
        self.periods_file = root / "periods" / PART
        self.staging = root / "_staging"
        self.manifest_file = root / "_manifest.json"
        # Set while a unit of work rewrites the archive: each file it replaces or removes is
        # kept in this undo set until the transaction ends (services/archive/location.settle).
        self.undo_token: str | None = None

    # -- one writer at a time
    def lock(self) -> Lock:
        self.root.mkdir(parents=True, exist_ok=True)
        return Lock(self.root / "_lock")

    # -- undoing a rewrite whose transaction did not commit (an erasure rolled back)
    def keep_for_undo(self, token: str, target: Path) -> None:
        """Before `target` (a month, the periods, the manifest) is replaced or removed: a hard
        link to its current file in the undo set `token` (the first version only). The
        rename over the target leaves the link holding the old contents."""
        if not target.is_file():
            return
        kept = self.root / UNDO / token / target.relative_to(self.root)
        if kept.exists():
            return
        kept.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(target, kept)
        except OSError:  # a file system without hard links: a copy, flushed
            shutil.copy2(target, kept)
            with kept.open("rb+") as f:
                os.fsync(f.fileno())
        _flush_directory(kept.parent)

    def undo(self, token: str) -> None:
        """Put back every file of the undo set and remove the set."""
        kept = self.root / UNDO / token
        for path in sorted(p for p in kept.rglob("*") if p.is_file()):
            target = self.root / path.relative_to(kept)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            _flush_directory(target.parent)
        self.forget(token)

    def forget(self, token: str) -> None:
        """Remove the undo set (the rewrite committed: its old files must not stay)."""
        shutil.rmtree(self.root / UNDO / token, ignore_errors=True)

    def undo_tokens(self) -> list[str]:
        folder = self.root / UNDO
        return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []

    def clean_staging(self) -> None:
        """Files a killed writer left half-written (called under the lock)."""
        if self.staging.is_dir():
            for leftover in self.staging.iterdir():
                leftover.unlink()

    # -- the readings, by month
    def month_file(self, month: str) -> Path:
        return self.readings / f"month={month}" / PART

    def months(self) -> list[str]:
        """The months held (YYYY-MM), oldest first."""
        if not self.readings.is_dir():
            return []
        return sorted(
            p.name.removeprefix("month=")
            for p in self.readings.iterdir()
            if p.name.startswith("month=") and (p / PART).is_file()
        )

    def read_month(self, month: str, points: list[int] | None = None) -> pa.Table:
        path = self.month_file(month)
        if not path.is_file():
            return READING_SCHEMA.empty_table()
        where = None if points is None else [("metering_point_id", "in", points)]
        return _read(path, READING_SCHEMA, where)

    def write_month(self, month: str, table: pa.Table) -> None:
        """Replace the month's file (an empty table removes the month)."""
        if table.num_rows == 0:
            self.drop_month(month)
            return
        ordered = (
            table.select(READING_SCHEMA.names)
            .cast(READING_SCHEMA)
            .sort_by(
                [
                    ("metering_point_id", "ascending"),
                    ("ts", "ascending"),
                    ("resolution", "ascending"),
                ]
            )
        )
        self._replace(self.month_file(month), ordered)

    def drop_month(self, month: str) -> None:
        path = self.month_file(month)
        self._keep(path)
        path.unlink(missing_ok=True)
        with contextlib.suppress(FileNotFoundError, OSError):
            path.parent.rmdir()

    # -- the person-to-point periods
    def read_periods(self) -> pa.Table:
        if not self.periods_file.is_file():
            return PERIOD_SCHEMA.empty_table()
        return _read(self.periods_file, PERIOD_SCHEMA, None)

    def write_periods(self, table: pa.Table) -> None:
        ordered = (
            table.select(PERIOD_SCHEMA.names)
            .cast(PERIOD_SCHEMA)
            .sort_by([("metering_point_id", "ascending"), ("start_ts", "ascending")])
        )
        self._replace(self.periods_file, ordered)

    # -- what was synced
    def manifest(self) -> dict[str, Any]:
        if not self.manifest_file.is_file():
            return {"months": {}}
        try:
            loaded = json.loads(self.manifest_file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
            raise InvalidInput(
                str(self.manifest_file), f"is not the archive's manifest: {exc}"
            ) from None
        if not isinstance(loaded, dict) or not isinstance(loaded.get("months"), dict):
            raise InvalidInput(str(self.manifest_file), "is not the archive's manifest: no months")
        return loaded

    def save_manifest(self, manifest: dict[str, Any]) -> None:
        staged = self._staged(".json")
        staged.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        self._keep(self.manifest_file)
        _commit(staged, self.manifest_file)

    def files(self) -> list[Path]:
        """Every file of the archive (what a scan for a person's data must read)."""
        return sorted(p for p in self.root.rglob("*") if p.is_file())

    def _staged(self, suffix: str) -> Path:
        self.staging.mkdir(parents=True, exist_ok=True)
        return self.staging / f"{uuid.uuid4().hex}{suffix}"

    def _replace(self, target: Path, table: pa.Table) -> None:
        staged = self._staged(".parquet")
        pq.write_table(
            table,
            staged,
            compression="zstd",
            use_dictionary=[c for c in table.column_names if c in _DICTIONARY],
            column_encoding={c: "DELTA_BINARY_PACKED" for c in table.column_names if c in _DELTA},
            row_group_size=4 * 1024 * 1024,
        )
        self._keep(target)
        _commit(staged, target)

    def _keep(self, target: Path) -> None:
        if self.undo_token is not None:
            self.keep_for_undo(self.undo_token, target)


def _commit(staged: Path, target: Path) -> None:
    """Flush the staged file, rename it over the target, flush the directory (so the rename
    survives a power cut, not only a killed process)."""
    with staged.open("rb+") as f:
        os.fsync(f.fileno())
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, target)
    _flush_directory(target.parent)


def _flush_directory(path: Path) -> None:
    directory = os.open(path, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class Lock:
    """An exclusive lock on the archive (flock: released by the kernel if the holder dies)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> None:
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> Lock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def scan(paths: list[Path]) -> Iterator[pa.Table]:
    """Each Parquet file read whole (the erasure scan reads every file)."""
    for path in paths:
        if path.suffix == ".parquet":
            yield pq.read_table(path)


def _read(path: Path, schema: pa.Schema, where: list[tuple[str, str, Any]] | None) -> pa.Table:
    """A file of the archive; one that is not (damaged, or another schema) is refused naming
    it, not a traceback."""
    try:
        missing = set(schema.names) - set(pq.read_schema(path).names)
        if missing:  # read with the schema, they would come back as nulls
            raise InvalidInput(
                str(path), f"is not a file of the readings archive: no {', '.join(sorted(missing))}"
            )
        return pq.read_table(path, schema=schema, filters=where)
    except (pa.ArrowException, OSError) as exc:
        raise InvalidInput(str(path), f"is not a file of the readings archive: {exc}") from None
