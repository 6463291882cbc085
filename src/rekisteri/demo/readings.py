"""Demo consumption readings: plausible profiles written as Datahub CSV files, then imported
through the same import path as real files (so the demo exercises it).

Every metering point gets readings whether or not someone holds a contract there; attribution
decides whose they are. The profile: a yearly consumption from the site's estimate, a seasonal
heating load for electrically heated sites (peak in January), a daily rhythm in Helsinki time
(night-heavy for time-of-day tariffs), noise, and a few MISSING and ESTIMATED readings.
Deterministic for a seed: the noise is a hash of (seed, point, time).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
from sqlalchemy import select

from rekisteri.adapters.datahub_writer import write_datahub_file
from rekisteri.adapters.schema.register import metering_point, site
from rekisteri.domain.consumption import HELSINKI, RESOLUTIONS, local_midnight
from rekisteri.services.consumption.imports import FileImport, import_datahub_file
from rekisteri.services.unit_of_work import Actor, RegisterApp

POINTS_PER_FILE = 250
# Relative use by local hour: low at night, a morning bump, an evening peak.
DAY_SHAPE = [
    0.55, 0.5, 0.48, 0.47, 0.48, 0.55, 0.8, 1.1, 1.15, 1.0, 0.95, 0.95,
    1.0, 0.95, 0.95, 1.0, 1.15, 1.4, 1.55, 1.5, 1.35, 1.15, 0.9, 0.7,
]  # fmt: skip
NIGHT_SHAPE = [1.6, 1.7, 1.7, 1.7, 1.6, 1.4, 1.0, 0.8] + [0.7] * 14 + [1.2, 1.5]
HEATED = {"electric", "heat_pump", "ground_source"}


def _points(reg: RegisterApp) -> list[tuple[str, str | None, str | None, int | None]]:
    with reg.engine.connect() as conn:
        q = (
            select(
                metering_point.c.gsrn,
                site.c.heating_type,
                site.c.usage_timing,
                site.c.consumption_estimate_kwh,
            )
            .select_from(metering_point.join(site, site.c.id == metering_point.c.site_id))
            .order_by(metering_point.c.id)
        )
        return [tuple(r) for r in conn.execute(q)]


def profile_frame(
    points: list[tuple[str, str | None, str | None, int | None]],
    start: int,
    end: int,
    resolution: int,
    seed: int,
) -> pl.DataFrame:
    """Readings of `points` (GSRN, heating type, usage timing, yearly kWh estimate) every
    `resolution` seconds in [start, end): the profile of the module's docstring."""
    times = pl.int_range(start, end, resolution, dtype=pl.Int64, eager=True).alias("ts")
    per_point = pl.DataFrame(
        {
            "gsrn": [p[0] for p in points],
            "yearly_kwh": [float(p[3] or 5000) for p in points],
            "heated": [(p[1] or "") in HEATED for p in points],
            "night": [p[2] == "time_of_day" for p in points],
        }
    )
    local = pl.from_epoch("ts", time_unit="s").dt.convert_time_zone(HELSINKI.key)
    doy = local.dt.ordinal_day().cast(pl.Float64)
    hour = local.dt.hour()
    season = (
        pl.when(pl.col("heated"))
        .then(1 + 0.85 * (2 * math.pi * (doy - 15) / 365.25).cos())
        .otherwise(1 + 0.15 * (2 * math.pi * (doy - 15) / 365.25).cos())
    )
    shape = (
        pl.when(pl.col("night"))
        .then(hour.replace_strict(dict(enumerate(NIGHT_SHAPE)), return_dtype=pl.Float64))
        .otherwise(hour.replace_strict(dict(enumerate(DAY_SHAPE)), return_dtype=pl.Float64))
    )
    noise = (
        pl.concat_str(pl.col("gsrn"), pl.col("ts").cast(pl.String)).hash(seed) % 1_000_000
    ).cast(pl.Float64) / 1_000_000
    mean_wh = pl.col("yearly_kwh") * 1000 / (365.25 * 86400 / resolution)
    wh = (mean_wh * season * shape * (0.6 + 0.8 * noise)).round(0).cast(pl.Int64)
    return (
        per_point.join(times.to_frame(), how="cross")
        .with_columns(noise.alias("u"))
        .with_columns(
            pl.when(pl.col("u") < 0.003).then(None).otherwise(wh).alias("wh"),
            pl.when(pl.col("u") < 0.003)
            .then(pl.lit("MISSING"))
            .when(pl.col("u") > 0.995)
            .then(pl.lit("ESTIMATED"))
            .otherwise(pl.lit("OK"))
            .alias("quality"),
            pl.lit(resolution, dtype=pl.Int64).alias("resolution"),
        )
        .select("gsrn", "ts", "wh", "quality", "resolution")
    )


def write_demo_files(
    reg: RegisterApp, directory: Path, days: int, resolution: str, seed: int
) -> Iterator[Path]:
    """Datahub CSV files of the last `days` days of every metering point, a few hundred points
    per file (as a real delivery would be split)."""
    directory.mkdir(parents=True, exist_ok=True)
    seconds = RESOLUTIONS[resolution]
    today = reg.clock().astimezone(HELSINKI).date()
    end = local_midnight(today)
    start = local_midnight(today - dt.timedelta(days=days))
    points = _points(reg)
    for n, i in enumerate(range(0, len(points), POINTS_PER_FILE), start=1):
        part = points[i : i + POINTS_PER_FILE]
        path = directory / f"datahub-{today:%Y%m%d}-{seed}-{n:04d}.csv"
        write_datahub_file(path, [profile_frame(part, start, end, seconds, seed)])
        yield path


def demo_readings(
    reg: RegisterApp,
    directory: Path,
    days: int,
    resolution: str,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> list[FileImport]:
    """Write the demo's Datahub files and import them, one transaction per file."""
    done = []
    for path in write_demo_files(reg, directory, days, resolution, seed):
        with reg.unit_of_work(Actor("demo")) as uow:
            done.append(import_datahub_file(uow, path))
        if progress:
            progress(1)
    return done


def demo_file_count(reg: RegisterApp) -> int:
    return -(-len(_points(reg)) // POINTS_PER_FILE)
