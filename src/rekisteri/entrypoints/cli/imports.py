"""import datahub, invoices, payments, market-events and population (and, from other areas,
further `import` commands on the same sub-app)."""

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

from rekisteri.entrypoints.cli import import_bans, import_service_feeds, import_updates
from rekisteri.entrypoints.cli.common import console, is_terminal, job, register_errors
from rekisteri.services.access import system_actors
from rekisteri.services.billing.invoices import import_invoice_file, invoice_paths
from rekisteri.services.billing.payments import import_payment_file, payment_paths
from rekisteri.services.consumption.imports import datahub_paths, import_datahub_file
from rekisteri.services.population.changes import apply_change_file, change_paths
from rekisteri.services.register.market_events import (
    import_market_event_file,
    market_event_paths,
)

app = typer.Typer(help="Import files from outside sources.", no_args_is_help=True)


def _advance(bar: Progress, task: TaskID) -> Callable[[int], None]:
    return lambda n: bar.advance(task, n)


@app.command()
def datahub(
    files: list[Path] = typer.Argument(..., help="Datahub CSV files, .gz files or directories"),
) -> None:
    """Consumption readings from Fingrid Datahub's CSV export. Each file is imported whole or
    not at all; a file already imported changes nothing; later files correct earlier ones.
    A job: runs as the system actor system:import-datahub, once an administrator enabled it."""
    reg, actor = job(system_actors.IMPORT_DATAHUB)
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
                with reg.unit_of_work(actor) as uow:
                    done = import_datahub_file(uow, path, _advance(bar, task))
            console.print(done.describe(), markup=False, highlight=False)


@app.command()
def invoices(
    files: list[Path] = typer.Argument(
        ..., help="Finvoice 3.0 files (one message or a batch) or directories of *.xml"
    ),
) -> None:
    """Invoices from the billing system as Finvoice 3.0 messages (docs/formats/finvoice.md).
    Each file is imported whole or not at all: a bad message stores nothing and the error
    names the file, the message and the element (exit 2); a file already imported changes
    nothing; a resent invoice updates its status and delivery method only.
    A job: runs as the system actor system:import-invoices, once an administrator enabled it."""
    reg, actor = job(system_actors.IMPORT_INVOICES)
    with register_errors():
        for path in invoice_paths(files):
            with reg.unit_of_work(actor) as uow:
                done = import_invoice_file(uow, path)
            console.print(done.describe(), markup=False, highlight=False)


@app.command()
def payments(
    files: list[Path] = typer.Argument(..., help="camt.054 XML files or directories of them"),
) -> None:
    """Incoming reference payments from the bank's camt.054 notifications, matched to invoices
    by their Finnish or RF reference. A bad record (no or a bad reference, no invoice with it,
    a bad amount) is quarantined with its reason and a staff task (`rekisteri task list`); the
    rest is applied. A file that is not well-formed camt.054 is refused whole (exit 2); a file
    already imported changes nothing. A job: runs as the system actor system:import-payments,
    once an administrator enabled it."""
    reg, actor = job(system_actors.IMPORT_PAYMENTS)
    with register_errors():
        for path in payment_paths(files):
            with reg.unit_of_work(actor) as uow:
                done = import_payment_file(uow, path)
            console.print(done.describe(), markup=False, highlight=False)


@app.command("market-events")
def market_events(
    files: list[Path] = typer.Argument(
        ..., help="Datahub market-event XML files or directories of them"
    ),
) -> None:
    """Datahub's market events (docs/formats/market-events.md): moves in and out, supplier
    switches, contract starts and ends and metering-point data, so that sites, metering points
    and contracts follow the hub. The party is matched by identity code or business ID; an
    unknown one goes to staff as a task (`rekisteri task list`), never guessed; a value the
    person gave after the event's date is kept and reported as a conflict. Each file is applied
    whole or not at all: a bad event stores nothing and the error names the file, the event
    and the element (exit 2); an event already applied changes nothing.
    A job: runs as the system actor system:import-market-events, once an administrator
    enabled it."""
    reg, actor = job(system_actors.IMPORT_MARKET_EVENTS)
    with register_errors():
        for path in market_event_paths(files):
            with reg.unit_of_work(actor) as uow:
                done = import_market_event_file(uow, path)
            console.print(done.describe(), markup=False, highlight=False)


@app.command()
def population(
    files: list[Path] = typer.Argument(
        ..., help="population-register change files (JSON) or directories of *.json"
    ),
) -> None:
    """The population register's changes (names, addresses, mother tongue, deaths,
    guardianship, turvakielto, its direct-marketing ban) matched by identity code
    (docs/formats/population-changes.md). Each file is applied whole or not at all: a bad
    record stores nothing and the error names the file, the record and the field (exit 2);
    a file already applied changes nothing. A value the person gave after the change's date
    is kept and the change reported as a conflict. A job: runs as the system actor
    system:import-population, once an administrator enabled it."""
    reg, actor = job(system_actors.IMPORT_POPULATION)
    with register_errors():
        for path in change_paths(files):
            with reg.unit_of_work(actor) as uow:
                done = apply_change_file(uow, path)
            console.print(done.describe(), markup=False, highlight=False)


# `rekisteri import bans` lives in its own module; it installs its command here, after datahub.
import_bans.install(app)
# `rekisteri import contacts | feedback | logins`: the service systems' feeds (docs/feeds.md).
import_service_feeds.install(app)
# `rekisteri import trade-register | address-changes`: the update sources (docs/formats).
import_updates.install(app)
