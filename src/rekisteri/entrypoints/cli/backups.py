"""backup and restore: encrypted copies of the register, and restores that keep every erasure
made since the copy (docs/backups.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from rekisteri.entrypoints.cli.common import (
    administrator,
    console,
    job,
    print_json,
    register,
    register_errors,
)
from rekisteri.services.access import system_actors
from rekisteri.services.backups import copies
from rekisteri.services.unit_of_work import Actor

# Who restores into a register that holds nothing: whoever holds the backup and its keyring
# (there is no administrator to log in as yet; the keyring is the authority to read it).
KEY_HOLDER = "restore (keyring holder)"


def install(app: typer.Typer) -> None:
    @app.command()
    def backup(
        out: Path = typer.Option(..., "--out", help="the encrypted backup file to write"),
    ) -> None:
        """Write an encrypted, consistent backup of the whole register while it serves.

        SQLite through its online backup API, PostgreSQL through pg_dump; encrypted as it
        streams under a key derived from the keyring, so the file cannot be read without the
        keyring (keep the two apart: docs/backups.md). The file records its moment: the last
        audit entry and erasure-journal entry it holds. A job: runs as the system actor
        system:backup, once an administrator has enabled it."""
        reg, actor = job(system_actors.BACKUP)
        with register_errors():
            taken = copies.take(reg, out, actor)
        h = taken.header
        console.print(
            f"backup written: {out} ({taken.plain_bytes} bytes of {h.dialect}, taken "
            f"{h.taken_at}, audit entries to {h.audit_seq}, erasure journal to "
            f"{h.journal_position})",
            markup=False,
        )

    @app.command()
    def restore(
        file: Path = typer.Argument(..., help="a backup written by `rekisteri backup`"),
        replace: bool = typer.Option(
            False, "--replace", help="replace a register that holds data (all of it)"
        ),
        as_json: bool = typer.Option(False, "--json", help="print JSON"),
    ) -> None:
        """Restore a backup into the configured database, then apply again every erasure and
        retention run recorded since the backup was taken, so no erased person comes back.

        Every chunk is verified before anything is replaced. A register that holds data is
        replaced only with --replace, by a logged-in administrator; an empty one (after
        `rekisteri init`) by whoever holds the backup and its keyring: it has no journal, and
        the restore warns that erasures since the backup must be redone by hand. Objections,
        marketing bans, restrictions and rectifications made since the backup are not
        journalled: every restore warns that it undoes them (docs/backups.md)."""
        reg = register()
        with register_errors():
            live = copies.live_state(reg)
            copies.check_replace(live, replace=replace)
            copies.read_header(file)  # not a backup at all: said before asking for a login
        actor = administrator(reg) if live.holds_data else Actor.system(KEY_HOLDER)
        with register_errors():
            done = copies.restore(reg, file, actor, replace=replace)
        summary = {
            "taken_at": done.header.taken_at,
            "audit_seq": done.header.audit_seq,
            "journal_position": done.header.journal_position,
            "journal_entries_carried": done.carried,
            "applied_again": done.reapplied.as_dict(),
            "warnings": list(done.warnings),
        }
        if as_json:
            print_json(summary)
            return
        again = done.reapplied
        console.print(
            f"restored the backup taken {done.header.taken_at}; applied again: "
            f"{again.erased} erasures, {again.purged} purges, {again.retention_runs} retention "
            f"runs ({again.gone_already} persons were not in the backup)",
            markup=False,
        )
        for note in again.notes:
            console.print(f"note: {note}", markup=False)
        for warning in done.warnings:
            console.print(f"warning: {warning}", markup=False)
