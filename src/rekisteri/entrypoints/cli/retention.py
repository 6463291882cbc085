"""retention run [--dry-run] | last."""

from __future__ import annotations

import typer
from rich.table import Table

from rekisteri.catalogue import Purpose
from rekisteri.entrypoints.cli.common import console, job, print_json, register_errors, staff
from rekisteri.services.access import system_actors
from rekisteri.services.rights import retention

app = typer.Typer(help="Retention (P14): apply every rule of the catalogue.", no_args_is_help=True)


@app.command()
def run(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="count what would be done, change nothing"
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Apply every retention rule to the whole register; safe to run daily. A job: runs as the
    system actor system:retention, once an administrator has enabled it."""
    reg, actor = job(system_actors.RETENTION)
    with register_errors(), reg.unit_of_work(actor) as uow:
        result = retention.run(uow, dry_run=dry_run)
    if as_json:
        print_json(
            {
                "dry_run": dry_run,
                "counts": result.counts,
                "notes": result.notes,
                "files_to_destroy": result.files_outside,
            }
        )
        return
    table = Table(
        title="retention run" + (" (dry run: nothing changed)" if dry_run else ""),
        title_justify="left",
    )
    table.add_column("category")
    table.add_column("rows", justify="right")
    for category, n in result.counts.items():
        table.add_row(category, str(n))
    console.print(table, soft_wrap=False)
    for note in result.notes:
        console.print(f"note: {note}", markup=False)
    for name in result.files_outside:
        console.print(f"destroy: {name}", markup=False, soft_wrap=True)


@app.command()
def last() -> None:
    """The latest run's result (for the DPO desk; logged in)."""
    reg, actor = staff(Purpose.LEGAL_OBLIGATION)
    with reg.reading(actor) as uow:
        print_json(retention.last_run(uow))
