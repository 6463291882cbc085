"""Bulk writing of readings, the fastest way each database offers, inside the caller's
transaction (so a killed import leaves nothing behind).

New readings go straight into `reading` (SQLite: executemany in primary-key order; PostgreSQL:
COPY into a temporary table, then one INSERT ... ON CONFLICT DO NOTHING). Only a block in which
some readings were already stored is kept aside in `incoming_conflict`; at the end those are
compared with what is stored: a different value from an earlier file is a correction (the old
value goes to reading_correction), a different value from this same file is a bad row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
from sqlalchemy import Connection, text

from rekisteri.adapters.db import sqlite_cache_pragma
from rekisteri.adapters.schema.consumption import reading, reading_correction

COLUMNS = ("metering_point_id", "ts", "wh", "quality", "resolution")
_COLS = ", ".join(COLUMNS)
MAX_RESOLUTION = 3600


class ReadingWriter:
    """Writes one file's readings, in blocks, within one transaction."""

    def __init__(self, connection: Connection, file_id: int) -> None:
        self.conn = connection
        self.file_id = file_id
        self.postgres = connection.dialect.name == "postgresql"
        self.raw: Any = connection.connection.driver_connection
        self.partitions: set[str] | None = None
        self.new = 0
        self.conflicts = 0
        self._create_work_tables()

    def _create_work_tables(self) -> None:
        if self.postgres:
            for name in ("incoming", "incoming_conflict"):
                self.conn.exec_driver_sql(
                    f"CREATE TEMP TABLE {name} (metering_point_id integer, ts bigint, "
                    "wh integer, quality smallint, resolution smallint) ON COMMIT DROP"
                )
        else:
            # A big page cache keeps the primary-key b-tree in memory during the load.
            self.conn.exec_driver_sql(sqlite_cache_pragma())
            self.conn.exec_driver_sql(
                "CREATE TEMP TABLE IF NOT EXISTS incoming_conflict (metering_point_id integer, "
                "ts integer, wh integer, quality integer, resolution integer)"
            )
            self.conn.exec_driver_sql("DELETE FROM incoming_conflict")
        self.conn.exec_driver_sql(
            "CREATE TEMP TABLE IF NOT EXISTS incoming_range (metering_point_id integer, "
            "lo bigint, hi bigint, resolution smallint)"
        )
        self.conn.exec_driver_sql("DELETE FROM incoming_range")

    def close(self) -> None:
        """Drop SQLite's work tables (PostgreSQL drops them at commit)."""
        if not self.postgres:
            self.conn.exec_driver_sql("DROP TABLE IF EXISTS temp.incoming_conflict")
            self.conn.exec_driver_sql("DROP TABLE IF EXISTS temp.incoming_range")

    # -- readings of another resolution that the file's readings cover
    def replace_other_resolution(
        self, ranges: Sequence[tuple[int, int, int, int]], now: dt.datetime
    ) -> int:
        """A file is the truth for its points' time ranges at its resolution: stored readings of
        another resolution overlapping them are moved to the correction history."""
        self.conn.exec_driver_sql("DELETE FROM incoming_range")
        self.conn.execute(
            text(
                "INSERT INTO incoming_range (metering_point_id, lo, hi, resolution) "
                "VALUES (:mp, :lo, :hi, :res)"
            ),
            [{"mp": m, "lo": lo, "hi": hi, "res": r} for m, lo, hi, r in ranges],
        )
        # CROSS JOIN makes SQLite walk the few ranges and probe the primary key for each.
        found = self.conn.execute(
            text(
                f"SELECT r.metering_point_id, r.ts, r.wh, r.quality, r.resolution, r.file_id "  # noqa: S608
                f"FROM incoming_range c CROSS JOIN reading r "
                f"WHERE r.metering_point_id = c.metering_point_id "
                f"AND r.ts >= c.lo - {MAX_RESOLUTION} AND r.ts < c.hi "
                f"AND r.ts + r.resolution > c.lo AND r.resolution <> c.resolution"
            )
        ).all()
        if found:
            self._keep_history(found, now)
            self.conn.execute(
                reading.delete().where(
                    reading.c.metering_point_id == _bind("mp"), reading.c.ts == _bind("ts")
                ),
                [{"mp": r[0], "ts": r[1]} for r in found],
            )
        return len(found)

    def _keep_history(self, rows: Iterable[Sequence[Any]], now: dt.datetime) -> None:
        values = [
            {
                "metering_point_id": r[0],
                "ts": r[1],
                "wh": r[2],
                "quality": r[3],
                "resolution": r[4],
                "file_id": r[5],
                "replaced_by_file_id": self.file_id,
                "replaced_at": now,
            }
            for r in rows
        ]
        if values:
            self.conn.execute(reading_correction.insert(), values)

    # -- new readings
    def write(self, frame: pl.DataFrame) -> None:
        """Store a block (columns COLUMNS); readings already stored are set aside for finish()."""
        frame = frame.select(COLUMNS)
        inserted = self._write_postgres(frame) if self.postgres else self._write_sqlite(frame)
        self.new += inserted
        if inserted < frame.height:
            self.conflicts += frame.height - inserted
            self._set_aside(frame)

    def _write_sqlite(self, frame: pl.DataFrame) -> int:
        before = self.raw.total_changes
        self.raw.executemany(
            f"INSERT INTO reading ({_COLS}, file_id) VALUES (?, ?, ?, ?, ?, {self.file_id}) "  # noqa: S608
            "ON CONFLICT DO NOTHING",
            frame.rows(),
        )
        return int(self.raw.total_changes - before)

    def _write_postgres(self, frame: pl.DataFrame) -> int:
        """COPY straight into `reading` (the fast path for new readings); when the block meets
        stored readings the COPY fails on the primary key, is rolled back to a savepoint, and the
        block goes through a work table and INSERT ... ON CONFLICT DO NOTHING instead."""
        import psycopg

        self._ensure_partitions(frame)
        with self.raw.cursor() as cur:
            cur.execute("SAVEPOINT reading_block")
            try:
                with cur.copy(f"COPY reading ({_COLS}, file_id) FROM STDIN (FORMAT csv)") as copy:
                    copy.write(
                        frame.with_columns(pl.lit(self.file_id).alias("file_id"))
                        .write_csv(include_header=False)
                        .encode()
                    )
            except psycopg.errors.UniqueViolation:
                cur.execute("ROLLBACK TO SAVEPOINT reading_block")
            else:
                cur.execute("RELEASE SAVEPOINT reading_block")
                return frame.height
            cur.execute("RELEASE SAVEPOINT reading_block")
            cur.execute("TRUNCATE incoming")
            with cur.copy(f"COPY incoming ({_COLS}) FROM STDIN (FORMAT csv)") as copy:
                copy.write(frame.write_csv(include_header=False).encode())
            cur.execute(
                f"INSERT INTO reading ({_COLS}, file_id) SELECT {_COLS}, {self.file_id} "  # noqa: S608
                "FROM incoming ON CONFLICT DO NOTHING"
            )
            return int(cur.rowcount)

    def _set_aside(self, frame: pl.DataFrame) -> None:
        if self.postgres:
            self.conn.exec_driver_sql("INSERT INTO incoming_conflict SELECT * FROM incoming")
        else:
            self.raw.executemany(
                f"INSERT INTO incoming_conflict ({_COLS}) VALUES (?, ?, ?, ?, ?)",  # noqa: S608
                frame.rows(),
            )

    def _ensure_partitions(self, frame: pl.DataFrame) -> None:
        """Monthly partitions (UTC months) for the block's time span, made on demand inside the
        import's transaction: created and attached (attaching locks out no readers)."""
        if self.partitions is None:
            self.partitions = {
                str(n)
                for (n,) in self.conn.exec_driver_sql(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = 'reading'::regclass"
                )
            }
        lo, hi = frame.get_column("ts").min(), frame.get_column("ts").max()
        assert isinstance(lo, int) and isinstance(hi, int)
        for start, end in months_between(lo, hi):
            name = partition_name(start)
            if name in self.partitions:
                continue
            self.conn.exec_driver_sql(
                f"CREATE TABLE IF NOT EXISTS {name} (LIKE reading INCLUDING DEFAULTS)"
            )
            self.conn.exec_driver_sql(
                f"ALTER TABLE {name} ADD CONSTRAINT {name}_pkey PRIMARY KEY (metering_point_id, ts)"
            )
            self.conn.exec_driver_sql(
                f"ALTER TABLE reading ATTACH PARTITION {name} FOR VALUES FROM ({start}) TO ({end})"
            )
            self.partitions.add(name)

    # -- the end of the file
    def finish(self, now: dt.datetime) -> tuple[int, tuple[int, int] | None]:
        """Apply corrections. Returns (corrected, None), or (0, (point id, ts)) of a reading
        that this file states twice with different values."""
        if not self.conflicts:
            return 0, None
        twice = self.conn.execute(
            text(
                "SELECT metering_point_id, ts FROM incoming_conflict "
                "GROUP BY metering_point_id, ts HAVING count(DISTINCT coalesce(wh, -1)) > 1 "
                "OR count(DISTINCT quality) > 1"
            )
        ).first()
        if twice is None:
            twice = self.conn.execute(
                text(
                    "SELECT s.metering_point_id, s.ts FROM incoming_conflict s "
                    "CROSS JOIN reading r WHERE r.metering_point_id = s.metering_point_id "
                    "AND r.ts = s.ts AND r.file_id = :fid "
                    "AND (coalesce(r.wh, -1) <> coalesce(s.wh, -1) OR r.quality <> s.quality)"
                ),
                {"fid": self.file_id},
            ).first()
        if twice is not None:
            return 0, (int(twice[0]), int(twice[1]))
        changed = self.conn.execute(
            text(
                "SELECT DISTINCT r.metering_point_id, r.ts, r.wh, r.quality, r.resolution, "
                "r.file_id, s.wh, s.quality, s.resolution FROM incoming_conflict s "
                "CROSS JOIN reading r WHERE r.metering_point_id = s.metering_point_id "
                "AND r.ts = s.ts AND r.file_id <> :fid AND (coalesce(r.wh, -1) <> "
                "coalesce(s.wh, -1) OR r.quality <> s.quality OR r.resolution <> s.resolution)"
            ),
            {"fid": self.file_id},
        ).all()
        self._keep_history(changed, now)
        if changed:
            self.conn.execute(
                reading.update()
                .where(reading.c.metering_point_id == _bind("mp"), reading.c.ts == _bind("t"))
                .values(
                    wh=_bind("wh"),
                    quality=_bind("q"),
                    resolution=_bind("res"),
                    file_id=self.file_id,
                ),
                [{"mp": c[0], "t": c[1], "wh": c[6], "q": c[7], "res": c[8]} for c in changed],
            )
        return len(changed), None


def _bind(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name)


def month_start(ts: int) -> int:
    d = dt.datetime.fromtimestamp(ts, dt.UTC)
    return int(dt.datetime(d.year, d.month, 1, tzinfo=dt.UTC).timestamp())


def next_month(start: int) -> int:
    d = dt.datetime.fromtimestamp(start, dt.UTC)
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return int(dt.datetime(y, m, 1, tzinfo=dt.UTC).timestamp())


def months_between(lo: int, hi: int) -> list[tuple[int, int]]:
    """The UTC months [start, end) that epochs lo..hi fall in."""
    out = []
    start = month_start(lo)
    while start <= hi:
        end = next_month(start)
        out.append((start, end))
        start = end
    return out


def partition_name(start: int) -> str:
    return f"reading_{dt.datetime.fromtimestamp(start, dt.UTC):y%Ym%m}"


def point_series(conn: Connection, metering_point_id: int, start: int, end: int) -> pl.DataFrame:
    """One metering point's readings in [start, end) as columns (ts, wh, quality), ordered by
    time, read the fastest way each database offers: one range scan of the primary key, no
    Python object per row on PostgreSQL (COPY out, parsed by polars)."""
    # Only integers are formatted in (COPY takes no parameters).
    mp, lo, hi = int(metering_point_id), int(start), int(end)
    sql = (
        f"SELECT ts, wh, quality FROM reading WHERE metering_point_id = {mp} "  # noqa: S608
        f"AND ts >= {lo} AND ts < {hi} ORDER BY ts"
    )
    schema = {"ts": pl.Int64, "wh": pl.Int64, "quality": pl.Int16}
    raw: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        out = bytearray()
        with raw.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT") as copy:
            for block in copy:
                out += block
        if not out:
            return pl.DataFrame(schema=schema)
        return pl.read_csv(
            bytes(out), has_header=False, separator="\t", null_values="\\N", schema=schema
        )
    rows = raw.execute(sql).fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")
