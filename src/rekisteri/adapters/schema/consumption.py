"""Consumption readings: the one big table, its correction history and the imported files.

`reading` is clustered by (metering point, time) so that one point's years are one range scan:
SQLite stores it WITHOUT ROWID (the primary key is the table), PostgreSQL partitions it by UTC
month (RANGE on ts) so a month whose retention ended is dropped as a whole partition. There is
no foreign key from reading to metering_point: the import resolves every GSRN itself, and a
per-row foreign-key check would halve the bulk-load rate on PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
)

from rekisteri.adapters.schema.base import UtcDateTime, metadata

datahub_file = Table(
    # Every imported file once: its content hash makes a repeated import change nothing (P2: the
    # file is the source of each reading it brought).
    "datahub_file",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("rows", BigInteger, nullable=False),
    Column("readings_new", BigInteger, nullable=False),
    Column("readings_corrected", BigInteger, nullable=False),
    Column("imported_at", UtcDateTime(), nullable=False),
    Column("imported_by", String(60), nullable=False),
)

reading = Table(
    "reading",
    metadata,
    Column("metering_point_id", Integer, nullable=False),
    Column("ts", BigInteger, nullable=False),  # interval start, UTC epoch seconds
    Column("wh", Integer),  # null: the meter sent no value (quality MISSING)
    Column("quality", SmallInteger, nullable=False),  # domain.consumption.Quality
    Column("resolution", SmallInteger, nullable=False),  # seconds: 900 or 3600
    Column("file_id", Integer, nullable=False),  # datahub_file.id (no FK: see above)
    PrimaryKeyConstraint("metering_point_id", "ts", name="pk_reading"),
    sqlite_with_rowid=False,
    postgresql_partition_by="RANGE (ts)",
)

reading_correction = Table(
    # A reading replaced by a later file: the replaced value, and which file replaced it (P12).
    "reading_correction",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("metering_point_id", Integer, nullable=False),
    Column("ts", BigInteger, nullable=False),
    Column("wh", Integer),
    Column("quality", SmallInteger, nullable=False),
    Column("resolution", SmallInteger, nullable=False),
    Column("file_id", Integer, nullable=False),
    Column("replaced_by_file_id", ForeignKey("datahub_file.id"), nullable=False),
    Column("replaced_at", UtcDateTime(), nullable=False),
)
Index(
    "ix_reading_correction_point_ts",
    reading_correction.c.metering_point_id,
    reading_correction.c.ts,
)
