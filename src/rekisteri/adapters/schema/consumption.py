"""Consumption readings: the blocks of readings, their correction history and the files.

`reading_block` holds one row per metering point per Helsinki day (per resolution), the day's
readings packed in binary arrays (domain.reading_blocks): six years of one point are about 2,200
rows, one range scan of the primary key (metering point, day). SQLite stores it WITHOUT ROWID
(the primary key is the table); PostgreSQL partitions it by local month (RANGE on day) so a
month whose retention ended is dropped as a whole partition. There is no foreign key from the
blocks to metering_point: the import resolves every GSRN itself.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
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

reading_block = Table(
    # One metering point's readings of one Helsinki day at one resolution (domain.reading_blocks):
    # slots packed in `wh` and `quality`, and the day's aggregates beside them for summaries.
    "reading_block",
    metadata,
    Column("metering_point_id", Integer, nullable=False),
    Column("day", Integer, nullable=False),  # Helsinki local date, days since 1970-01-01
    Column("resolution", SmallInteger, nullable=False),  # seconds: 900 or 3600
    Column("start_ts", BigInteger, nullable=False),  # 00:00 Helsinki of the day, UTC epoch
    Column("slots", SmallInteger, nullable=False),  # intervals in the day: 92..100 or 23..25
    Column("wh", LargeBinary, nullable=False),  # int32 little-endian per slot; -2**31: no value
    Column("quality", LargeBinary, nullable=False),  # int8 per slot; -1: no reading stored
    Column("file_id", Integer, nullable=False),  # datahub_file.id of the readings (the latest)
    Column("slot_files", LargeBinary),  # int32 file per slot, only when from several files
    Column("readings", SmallInteger, nullable=False),
    Column("missing", SmallInteger, nullable=False),
    Column("wh_sum", BigInteger, nullable=False),
    Column("night_wh", BigInteger, nullable=False),  # 22-07 local time
    Column("peak_start", BigInteger),  # UTC start of the day's highest hour
    Column("peak_wh", BigInteger),
    PrimaryKeyConstraint("metering_point_id", "day", "resolution", name="pk_reading_block"),
    sqlite_with_rowid=False,
    postgresql_partition_by="RANGE (day)",
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
    # The replaced reading's file; None: it was kept in the archive only, which keeps no file
    # per reading (services/archive/sync records such a correction).
    Column("file_id", Integer),
    Column("replaced_by_file_id", ForeignKey("datahub_file.id"), nullable=False),
    Column("replaced_at", UtcDateTime(), nullable=False),
)
Index(
    "ix_reading_correction_point_ts",
    reading_correction.c.metering_point_id,
    reading_correction.c.ts,
)


reading_archive = Table(
    # Where the register's readings archive is (services/archive): recorded by the first sync,
    # so an erasure, a retention run or an access package in a process whose
    # REKISTERI_ARCHIVE_DIR is missing or names another place refuses instead of missing the
    # archived readings.
    "reading_archive",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("root", String(1000), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("recorded_by", String(60), nullable=False),
    CheckConstraint("id = 1", name="one_archive"),
)


archive_undo = Table(
    # A unit of work rewriting the archive (an erasure, a retention run) keeps the files it
    # replaced in the archive's undo set named by `token`, and writes this row in its own
    # transaction: the row committed means the rewrite stands (the set is deleted), no row
    # means it rolled back or died (the set is put back). services/archive/location.settle.
    "archive_undo",
    metadata,
    Column("token", String(32), primary_key=True),
    Column("at", UtcDateTime(), nullable=False),
)


consumption_month = Table(
    # What the archive's consumption job (services/archive/totals) found: a person's Wh,
    # readings, missing readings and night Wh at one metering point in one Helsinki month,
    # within their contract periods. Replaced whole by each run; segments on measured
    # consumption read it (P6).
    "consumption_month",
    metadata,
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("metering_point_id", Integer, nullable=False),
    Column("gsrn", String(18), nullable=False),  # the point as the person knows it
    # The Helsinki month by its first day: retention drops the row from that day's period on.
    Column("month", Date, nullable=False),
    Column("wh", BigInteger, nullable=False),
    Column("readings", Integer, nullable=False),
    Column("missing", Integer, nullable=False),
    Column("night_wh", BigInteger, nullable=False),
    # The month's highest hour at the point (null: no value in the month), earliest of equals.
    Column("peak_start", UtcDateTime()),
    Column("peak_wh", BigInteger),
    Column("computed_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("person_id", "metering_point_id", "month"),
)


consumption_peak = Table(
    # The hour of the person's highest consumption over their archived readings (all their
    # points added up), from the same run.
    "consumption_peak",
    metadata,
    Column("person_id", ForeignKey("person.id"), primary_key=True),
    Column("hour_start", UtcDateTime(), nullable=False),
    Column("wh", BigInteger, nullable=False),
    Column("computed_at", UtcDateTime(), nullable=False),
)
