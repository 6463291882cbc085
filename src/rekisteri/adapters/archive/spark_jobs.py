"""The archive's jobs on Spark: the same code on a laptop (`local[N]`) and on a cluster
(`spark://host:7077`, its workers reading the archive at the same path on a shared file system).

The jobs read the archive's Parquet files as they are (services/archive, docs/archive.md) and
apply the register's own attribution: a reading belongs to whoever held its metering point when
its interval started (the periods file: contract periods as UTC epoch ranges starting at
Helsinki midnights). Months, years and the night (22-07) are Helsinki wall-clock time, taken
with the time-zone rules of the Java runtime, as the register takes them with zoneinfo.

PySpark is imported when a job runs: only the machines that run the jobs need it and a Java
runtime (`pip install rekisteri[spark]`; docs/scale.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rekisteri.domain.consumption import HELSINKI, Quality
from rekisteri.domain.reading_blocks import NIGHT_FROM, NIGHT_TO

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

APP_NAME = "rekisteri-archive"


@dataclass(frozen=True)
class PointMonth:
    """A person's consumption at one metering point in one Helsinki month, within their
    contract periods there."""

    person_id: int
    metering_point_id: int
    gsrn: str
    month: str  # YYYY-MM, Helsinki
    wh: int
    readings: int
    missing: int
    night_wh: int
    peak_start: int | None  # the month's highest hour at the point (UTC epoch); None: no value
    peak_wh: int | None


@dataclass(frozen=True)
class PeakHour:
    """The hour of a person's highest consumption (all their points added up), the earliest
    when several hours tie."""

    person_id: int
    start: int  # UTC epoch seconds of the hour's start
    wh: int


def session(master: str) -> SparkSession:
    """A Spark session for the archive's jobs. Time zone UTC: the jobs turn epoch seconds to
    Helsinki time themselves, never by the driver's or a worker's local zone."""
    from pyspark.sql import SparkSession

    builder: Any = SparkSession.builder
    return (  # type: ignore[no-any-return]
        builder.master(master)
        .appName(APP_NAME)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # A register's archive is months of a few files each: few partitions to shuffle.
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )


def _attributed(spark: SparkSession, root: Path) -> DataFrame | None:
    """Every archived reading with the person whose period it falls in (a reading of a point
    nobody held is nobody's), and its Helsinki month, hour and night."""
    from pyspark.sql import functions as F

    readings_dir, periods_file = root / "readings", root / "periods" / "part-0.parquet"
    if not periods_file.exists() or not any(readings_dir.glob("month=*/*.parquet")):
        return None
    readings = spark.read.parquet(str(readings_dir)).drop("month", "gsrn")
    periods = spark.read.parquet(str(periods_file)).select(
        "person_id", F.col("metering_point_id").alias("point"), "gsrn", "start_ts", "end_ts"
    )
    held = readings.join(
        # Periods are a few rows per point: each worker gets them all (no shuffle of readings).
        F.broadcast(periods),
        (readings.metering_point_id == periods.point)
        & (readings.ts >= periods.start_ts)
        & (readings.ts < periods.end_ts),
    )
    local = F.from_utc_timestamp(F.timestamp_seconds("ts"), HELSINKI.key)
    hour = F.hour(local)
    return held.select(
        "person_id",
        "metering_point_id",
        "gsrn",
        "ts",
        "wh",
        "quality",
        # The month as a number (202503): no string per reading; worded once per total.
        (F.year(local) * 100 + F.month(local)).alias("month"),
        ((hour >= NIGHT_FROM) | (hour < NIGHT_TO)).alias("night"),
    )


def consumption_totals(spark: SparkSession, root: Path) -> tuple[list[PointMonth], list[PeakHour]]:
    """Monthly totals per person and metering point (their Wh, readings, missing readings,
    night Wh and the month's peak hour at the point), and each person's peak hour over all
    their points. Years, whole-person totals and the night share are sums of the monthly rows.

    The readings are added up by point and UTC hour first; the months and both peaks come
    from those rows in one plan, so Spark reads and shuffles the readings once."""
    from pyspark.sql import functions as F

    attributed = _attributed(spark, root)
    if attributed is None:
        return [], []
    value = F.coalesce(F.col("wh").cast("long"), F.lit(0))
    hours = attributed.groupBy(
        "person_id", "metering_point_id", "month", (F.col("ts") - F.col("ts") % 3600).alias("hour")
    ).agg(
        F.sum(F.col("wh").cast("long")).alias("wh"),  # null: no value in the hour
        F.count(F.lit(1)).alias("readings"),
        F.sum(F.when(F.col("quality") == int(Quality.MISSING), 1).otherwise(0)).alias("missing"),
        F.sum(F.when(F.col("night"), value).otherwise(0)).alias("night_wh"),
    )
    # The highest hour with a value; of equal ones the earliest (max of (wh, -hour)).
    top = F.max(
        F.when(F.col("wh").isNotNull(), F.struct(F.col("wh"), (-F.col("hour")).alias("earliest")))
    ).alias("top")
    months = hours.groupBy("person_id", "metering_point_id", "month").agg(
        F.sum(F.coalesce(F.col("wh"), F.lit(0))).alias("wh"),
        F.sum("readings").alias("readings"),
        F.sum("missing").alias("missing"),
        F.sum("night_wh").alias("night_wh"),
        top,
    )
    person_hours = (
        hours.where(F.col("wh").isNotNull())
        .groupBy("person_id", "hour")
        .agg(F.sum("wh").alias("wh"))  # the person's points added up
    )
    peaks = person_hours.groupBy("person_id").agg(top)
    none = F.lit(None).cast("long")
    both = months.select(
        F.lit(True).alias("monthly"), "person_id", "metering_point_id", "month", "wh",
        "readings", "missing", "night_wh", "top",
    ).unionByName(
        peaks.select(
            F.lit(False).alias("monthly"), "person_id", none.alias("metering_point_id"),
            none.alias("month"), none.alias("wh"), none.alias("readings"),
            none.alias("missing"), none.alias("night_wh"), "top",
        ),
        allowMissingColumns=False,
    )  # fmt: skip
    gsrn = {
        int(point): str(code)
        for point, code in spark.read.parquet(str(root / "periods" / "part-0.parquet"))
        .select("metering_point_id", "gsrn")
        .distinct()
        .collect()
    }
    monthly: list[PointMonth] = []
    person: list[PeakHour] = []
    for row in _rows(both, list(both.columns)):
        is_month, pid, point, month, wh, readings, missing, night_wh, peak = row
        if is_month:
            monthly.append(
                PointMonth(
                    int(pid),
                    int(point),
                    gsrn[int(point)],
                    f"{month // 100:04d}-{month % 100:02d}",
                    int(wh),
                    int(readings),
                    int(missing),
                    int(night_wh),
                    -int(peak["earliest"]) if peak else None,
                    int(peak["wh"]) if peak else None,
                )
            )
        elif peak is not None:
            person.append(PeakHour(int(pid), -int(peak["earliest"]), int(peak["wh"])))
    return monthly, person


def _rows(frame: DataFrame, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    # To the driver a partition at a time; the caller keeps them all, a few rows per person
    # and month (docs/scale.md: a national run would write them to files instead).
    for row in frame.select(*columns).toLocalIterator():
        yield tuple(row)
