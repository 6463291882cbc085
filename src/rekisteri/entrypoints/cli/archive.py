"""archive sync: the readings to the columnar archive (docs/archive.md); archive totals: the
consumption job on the archive's engine (docs/scale.md)."""

from __future__ import annotations

from dataclasses import asdict

import typer

from rekisteri.entrypoints.cli.common import console, job, print_json, register_errors, settings
from rekisteri.services.access import system_actors
from rekisteri.services.archive import sync as archive_sync
from rekisteri.services.archive import totals as archive_totals

app = typer.Typer(
    help="The readings archive: columnar files past the database.", no_args_is_help=True
)


@app.command()
def sync(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Copy the readings of the day blocks and the contract periods to the archive
    (REKISTERI_ARCHIVE_DIR): only the months changed since the last sync are written, each
    swapped in whole; months older than REKISTERI_DB_READING_MONTHS then leave the database.
    Safe to run again or to kill. A job: runs as the system actor system:archive, once an
    administrator has enabled it."""
    with register_errors():
        archive = archive_sync.required_archive(settings())
    reg, actor = job(system_actors.ARCHIVE)
    with register_errors(), reg.unit_of_work(actor) as uow:
        result = archive_sync.sync(uow, archive)
    if as_json:
        print_json(asdict(result))
        return
    console.print(
        f"months written {len(result.written)}, unchanged {result.unchanged}, "
        f"readings written {result.readings}",
        markup=False,
    )
    if result.periods is not None:
        console.print(f"contract periods written {result.periods}", markup=False)
    if result.trimmed:
        console.print(f"now kept in the archive only: {', '.join(result.trimmed)}", markup=False)
    if result.corrections:
        console.print(
            f"archived readings replaced by later files, kept as corrections {result.corrections}",
            markup=False,
        )


@app.command()
def totals(
    master: str = typer.Option(
        None, "--master", help="Spark master URL (default: REKISTERI_SPARK_MASTER, local[2])"
    ),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Run the consumption job on the archive with Spark: monthly totals per person and
    metering point within their contract periods (night included) and each person's peak
    hour, written to the register in place of the last run's (segments on measured
    consumption and the person page read them). Refused until archive sync has brought the
    archive up to the register's contracts and readings. Needs PySpark and a Java runtime on
    this machine; on a cluster, its workers read REKISTERI_ARCHIVE_DIR at the same path. A
    job: runs as system:archive."""
    reg, actor = job(system_actors.ARCHIVE)
    with register_errors():
        job_run = archive_totals.spark_job(master or reg.settings.spark_master)
        result = archive_totals.compute(reg, actor, job_run)
    if as_json:
        print_json(asdict(result))
        return
    console.print(
        f"persons {result.persons}, months by metering point {result.months}, "
        f"peak hours {result.peaks}",
        markup=False,
    )
    if result.left_out:
        console.print(
            f"left out {len(result.left_out)} persons the register no longer holds or has "
            "restricted since the check before the job",
            markup=False,
        )
