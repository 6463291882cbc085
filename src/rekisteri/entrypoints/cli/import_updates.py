"""`rekisteri import trade-register FILE` and `rekisteri import address-changes FILE`: updates
from the trade register and a mover service (docs/formats/trade-register.md,
docs/formats/address-changes.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from rekisteri.entrypoints.cli.common import console, job, register_errors
from rekisteri.services.access import system_actors
from rekisteri.services.unit_of_work import UnitOfWork
from rekisteri.services.updates.address_changes import import_address_changes_file
from rekisteri.services.updates.files import UpdateReport
from rekisteri.services.updates.trade_register import import_trade_register_file


def _run(actor_name: str, path: Path, importer: Callable[[UnitOfWork, Path], UpdateReport]) -> None:
    reg, actor = job(actor_name)
    with register_errors(), reg.unit_of_work(actor) as uow:
        done = importer(uow, path)
    console.print(done.describe(), markup=False, highlight=False)


def install(import_app: typer.Typer) -> None:
    @import_app.command("trade-register")
    def import_trade_register(
        file: Path = typer.Argument(..., help="the trade register's companies JSON (YTJ v3)"),
    ) -> None:
        """Organisations' name, postal address and status from the trade register (YTJ open
        data), matched by business ID. A name or address the organisation gave later is kept
        and counted as a conflict; a bankrupt, liquidated or ceased company with contracts in
        force gets a staff task. Whole or not at all (a bad record: exit 2, nothing stored); the
        same file twice changes nothing. A job: runs as the system actor
        system:import-trade-register, once an administrator enabled it."""
        _run(system_actors.IMPORT_TRADE_REGISTER, file, import_trade_register_file)

    @import_app.command("address-changes")
    def import_address_changes(
        file: Path = typer.Argument(..., help="the mover service's notices (semicolon CSV)"),
    ) -> None:
        """Address changes from a mover service, matched on name and previous address: exactly
        one match gets the new address from the moving day; none or several (namesakes), or a
        newer address the person gave, hold the notice for staff (a staff task). Whole or not
        at all (a bad record: exit 2, nothing stored); the same file twice changes nothing. A
        job: runs as the system actor system:import-address-changes, once enabled."""
        _run(system_actors.IMPORT_ADDRESS_CHANGES, file, import_address_changes_file)
