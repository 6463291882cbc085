"""task list, task show, task notice, task done: the staff tasks the register opened (payments
kept for review, ceased companies, address changes held)."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from rekisteri.catalogue import Category, Purpose
from rekisteri.entrypoints.cli.common import console, print_json, register_errors, staff
from rekisteri.services.billing import review
from rekisteri.services.register import tasks
from rekisteri.services.updates import notices

app = typer.Typer(
    help="Staff tasks: work the register hands to people (payments kept for review, ceased "
    "companies, address changes held).",
    no_args_is_help=True,
)


@app.command("list")
def list_tasks(
    kind: str = typer.Option(None, help="only tasks of this kind, e.g. payment_quarantined"),
    done: bool = typer.Option(False, "--done", help="also the tasks already done"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Open tasks, oldest first: what, the row it concerns (table and id) and why. A task
    holds no personal data; the row it names does, read with that row's own command."""
    reg, actor = staff(Purpose.CUSTOMER_RELATIONSHIP)
    with register_errors(), reg.unit_of_work(actor) as uow:
        found = tasks.listing(uow, kind=kind, include_done=done)
    if as_json:
        print_json([t.as_dict() for t in found])
        return
    table = Table("id", "kind", "subject", "reason", "created", "done")
    for t in found:
        table.add_row(
            str(t.id),
            t.kind,
            f"{t.subject_table} {t.subject_id}",
            t.reason,
            f"{t.created_at:%Y-%m-%d %H:%M} {t.created_by}",
            f"{t.done_at:%Y-%m-%d %H:%M} {t.done_by}" if t.done_at else "",
        )
    console.print(table)
    console.print(f"{len(found)} tasks", highlight=False)


@app.command()
def done(task_id: int = typer.Argument(..., metavar="ID", help="the task's id")) -> None:
    """Mark a task done, in your name (recorded in the audit trail)."""
    reg, actor = staff(Purpose.CUSTOMER_RELATIONSHIP, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        t = tasks.mark_done(uow, task_id)
    console.print(f"task {t.id} done by {t.done_by}", markup=False, highlight=False)


def _print_task_with(shown: dict[str, Any], what: str, as_json: bool) -> None:
    """A task and the row it names (`shown[what]`, None once that row has gone), as JSON or as
    indented lines."""
    if as_json:
        print_json(shown)
        return
    t = shown["task"]
    lines = [f"task {t['id']}: {t['kind']} ({t['subject_table']} {t['subject_id']})"]
    lines.append(f"  reason: {t['reason']}")
    if t["done_at"]:
        lines.append(f"  done: {t['done_at']:%Y-%m-%d %H:%M} {t['done_by']}")
    if shown[what] is None:
        lines.append(f"  the {what} is no longer in the register")
    else:
        lines += [f"  {k}: {v}" for k, v in shown[what].items() if v is not None]
    console.print("\n".join(lines), markup=False, highlight=False)


@app.command()
def show(
    task_id: int = typer.Argument(..., metavar="ID", help="the task's id"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """A payment task with the payment it names: the payer's name, amount, reference and why
    it was kept for review, and the invoice it is linked to (billing; the read is audited)."""
    reg, actor = staff(Purpose.BILLING_AND_COLLECTION, Category.PAYMENT)
    with register_errors(), reg.unit_of_work(actor) as uow:
        shown = review.show_task(uow, task_id)
    _print_task_with(shown, "payment", as_json)


@app.command()
def notice(
    task_id: int = typer.Argument(..., metavar="ID", help="the task's id"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """An address-change task with the notice it names, as the mover service sent it: name,
    previous and new address, moving day, and why it was not applied (customer service; the
    read is audited). Settle it with `customer` commands, then `task done`."""
    reg, actor = staff(Purpose.CUSTOMER_RELATIONSHIP, Category.CONTACT)
    with register_errors(), reg.unit_of_work(actor) as uow:
        shown = notices.show_notice(uow, task_id)
    _print_task_with(shown, "notice", as_json)
