"""`rekisteri import contacts | feedback | logins FILE`: the feeds of the customer-service, survey
and self-service systems (docs/feeds.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from rekisteri.entrypoints.cli.common import console, job, register_errors
from rekisteri.services.access import system_actors
from rekisteri.services.contacts import feedback, log
from rekisteri.services.register import digital_accounts
from rekisteri.services.register.feeds import FeedImport
from rekisteri.services.unit_of_work import UnitOfWork

FEED = typer.Argument(..., help="a CSV (.csv) or JSON lines (.jsonl) file (docs/feeds.md)")


def _run(actor_name: str, path: Path, importer: Callable[[UnitOfWork, Path], FeedImport]) -> None:
    reg, actor = job(actor_name)
    with register_errors(), reg.unit_of_work(actor) as uow:
        done = importer(uow, path)
    console.print(done.describe(), markup=False, highlight=False)


def install(import_app: typer.Typer) -> None:
    @import_app.command("contacts")
    def import_contacts(file: Path = FEED) -> None:
        """Contacts from the customer-service system's feed. The file is imported whole or not
        at all; a record already stored is not stored again (a changed one is corrected).
        A job: runs as the system actor system:import-contacts, once an administrator enabled it."""
        _run(system_actors.IMPORT_CONTACTS, file, log.import_contacts)

    @import_app.command("feedback")
    def import_feedback(file: Path = FEED) -> None:
        """Feedback and satisfaction answers from the survey system's feed, whole or not at all;
        an answer already stored is not stored again (a changed one is corrected). A job: runs
        as the system actor system:import-feedback, once an administrator enabled it."""
        _run(system_actors.IMPORT_FEEDBACK, file, feedback.import_feedback)

    @import_app.command("logins")
    def import_logins(file: Path = FEED) -> None:
        """Login events of the self-service: each account's last login moves to its latest
        event (no list of logins is kept). Whole or not at all; the same file twice changes
        nothing. A job: runs as the system actor system:import-logins, once enabled."""
        _run(system_actors.IMPORT_LOGINS, file, digital_accounts.import_logins)
