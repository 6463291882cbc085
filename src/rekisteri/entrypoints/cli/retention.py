"""retention run [--dry-run] | last."""

from __future__ import annotations

import typer
from rich.table import Table

from rekisteri.entrypoints.cli.common import console, print_json, register, register_errors
from rekisteri.services.rights import retention
from rekisteri.services.unit_of_work import Actor

app = typer.Typer(help="Retention (P14): apply every rule of the catalogue.", no_args_is_help=True)


@app.command()
def run(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="count what would be done, change nothing"
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Apply every retention rule to the whole register; safe to run daily."""
    reg = register()
    with register_errors(), reg.unit_of_work(Actor.system("retention run")) as uow:
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
    """The latest run's result (for the DPO desk)."""
    reg = register()
    with reg.reading(Actor.system("cli")) as uow:
        print_json(retention.last_run(uow))
