"""audit verify | person: the tamper-evident audit trail (P7, P16)."""

from __future__ import annotations

import typer
from rich.table import Table

from rekisteri.catalogue import Category, Purpose
from rekisteri.entrypoints.cli.common import (
    EXIT_FAILURE,
    console,
    errors,
    fail,
    job,
    print_json,
    register_errors,
    staff,
)
from rekisteri.services.access import audit, system_actors
from rekisteri.services.register.person_view import resolve_person

app = typer.Typer(help="The audit trail of every read and change.", no_args_is_help=True)


@app.command()
def verify() -> None:
    """Walk the hash chain; exit 1 naming the first entry that was changed, deleted, inserted
    or moved. A job: runs as the system actor system:audit-verify, once enabled."""
    reg, _ = job(system_actors.AUDIT_VERIFY)
    verdict = audit.verify_trail(reg)
    if not verdict.ok:
        fail(
            f"audit trail broken at entry {verdict.first_bad}: {verdict.reason} "
            f"({verdict.checked} entries before it hold)",
            EXIT_FAILURE,
        )
    point = verdict.checkpoint
    if point is None:
        console.print(f"audit trail intact: {verdict.checked} entries")
    else:
        console.print(
            f"audit trail intact: {verdict.checked} entries from entry {point.last + 1}; "
            f"entries {point.first}-{point.last} ({point.count}, recorded before "
            f"{point.before}) were pruned at checkpoint entry {point.seq}",
            soft_wrap=True,
        )
    # Intact is not complete: a process that ran with the audit off left a gap.
    gaps = audit.audit_off(reg)
    if gaps:
        errors.print(
            f"warning: the trail has gaps: {len(gaps)} process(es) ran with the audit off, "
            "what they read and changed is not recorded: "
            + "; ".join(f"entry {g.seq} at {g.at:%Y-%m-%d %H:%M:%S} ({g.via})" for g in gaps),
            markup=False,
            highlight=False,
        )


@app.command()
def person(
    key: str = typer.Argument(..., help="customer number, id or personal identity code"),
    limit: int = typer.Option(1000, min=1, help="newest entries first, at most this many"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Who read or changed a person's data, when, for what and through which route."""
    reg, actor = staff(Purpose.LEGAL_OBLIGATION, Category.ACCESS_LOG)
    with register_errors(), reg.reading(actor) as uow:
        entries = audit.who_read(uow, resolve_person(uow, key), limit)
    if as_json:
        print_json(entries)
        return
    table = Table("seq", "when (UTC)", "who", "role", "purpose", "via", "action", "categories")
    for e in entries:
        table.add_row(
            str(e["seq"]),
            f"{e['at']:%Y-%m-%d %H:%M:%S}",
            e["actor"],
            e["role"] or "-",
            e["purpose"] or "-",
            e["via"],
            f"{e['action']} {e['outcome']}",
            " ".join(e["categories"]),
        )
    console.print(table, soft_wrap=False)
