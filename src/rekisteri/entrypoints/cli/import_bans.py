"""`rekisteri import bans FILE`: the ASML marketing-ban register (docs/ban-register.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from rekisteri.domain.bans import BanRegisterShrinks
from rekisteri.domain.values import HELSINKI
from rekisteri.entrypoints.cli.common import console, fail, job, register_errors
from rekisteri.services.access import system_actors
from rekisteri.services.marketing import bans


def install(import_app: typer.Typer) -> None:
    @import_app.command("bans")
    def import_bans(
        file: Path = typer.Argument(..., help="the ban register as CSV (docs/ban-register.md)"),
        allow_shrink: bool = typer.Option(
            False,
            "--allow-shrink",
            help="import a file that drops more of the bans in force than "
            "REKISTERI_BAN_DROP_LIMIT_PERCENT allows (only when it is known to be whole)",
        ),
    ) -> None:
        """Replace the stored ASML bans with FILE and match them to the register's persons.
        A job: runs as the system actor system:import-bans, once an administrator enabled it."""
        reg, actor = job(system_actors.IMPORT_BANS)
        with register_errors():
            read = bans.read_ban_file(file, reg.clock().astimezone(HELSINKI).date())
            try:
                with reg.unit_of_work(actor) as uow:
                    result = bans.import_bans(
                        uow, read.bans, file.name, allow_shrink=allow_shrink, end=read.end
                    )
            except BanRegisterShrinks as exc:
                fail(f"{exc}; if the file is whole, import it with --allow-shrink")
        console.print(
            f"{file}: {result.postal} postal bans, {result.phone} phone bans stored; "
            f"matched {result.matched_bans.get('letter', 0)} postal and "
            f"{result.matched_bans.get('phone', 0)} phone bans to "
            f"{result.matched_persons} persons",
            markup=False,
            highlight=False,
        )
