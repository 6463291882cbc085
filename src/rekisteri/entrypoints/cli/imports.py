"""import datahub (and, from other areas, further `import` commands on the same sub-app)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from rekisteri.entrypoints.cli.common import console, is_terminal, register, register_errors
from rekisteri.services.consumption.imports import datahub_paths, import_datahub_file
from rekisteri.services.unit_of_work import Actor

app = typer.Typer(help="Import files from outside sources.", no_args_is_help=True)


def _advance(bar: Progress, task: TaskID) -> Callable[[int], None]:
    return lambda n: bar.advance(task, n)


@app.command()
def datahub(
    files: list[Path] = typer.Argument(..., help="Datahub CSV files, .gz files or directories"),
) -> None:
    """Consumption readings from Fingrid Datahub's CSV export. Each file is imported whole or
    not at all; a file already imported changes nothing; later files correct earlier ones."""
    reg = register()
    with register_errors():
        paths = datahub_paths(files)
        for path in paths:
            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeElapsedColumn(),
                console=console,
                disable=not is_terminal(),
                transient=True,
            ) as bar:
                task = bar.add_task(path.name, total=path.stat().st_size)
                with reg.unit_of_work(Actor("import datahub")) as uow:
                    done = import_datahub_file(uow, path, _advance(bar, task))
            console.print(done.describe(), markup=False, highlight=False)
