"""notices list | sent | impossible: the Art. 19 notices to recipients, planned wherever a
person's data was rectified, erased or restricted (by a request or by staff)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import typer
from rich.table import Table

from rekisteri.catalogue import Category, Purpose
from rekisteri.domain.errors import InvalidInput
from rekisteri.entrypoints.cli.common import console, print_json, register_errors, staff
from rekisteri.services.rights import recipient_notices
from rekisteri.services.unit_of_work import Actor, RegisterApp

app = typer.Typer(
    help="Notices to the recipients of a person's data of a rectification, erasure or "
    "restriction (GDPR Art. 19): the DPO's list, and recording that each was told.",
    no_args_is_help=True,
)


def _dpo(*, writes: bool) -> tuple[RegisterApp, Actor]:
    """The DPO's desk, as the API's notice routes: the logged-in user, legal obligation."""
    return staff(Purpose.LEGAL_OBLIGATION, Category.RIGHTS_REQUEST, writes=writes)


@app.command("list")
def list_(
    every: bool = typer.Option(False, "--all", help="also the notices already recorded"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The notices still to send, oldest first (with --all, every notice)."""
    reg, actor = _dpo(writes=False)
    with register_errors(), reg.reading(actor) as uow:
        rows = recipient_notices.listing(uow, done=every)
    if as_json:
        print_json(rows)
        return
    table = Table(title="notices to recipients", title_justify="left")
    for col in ("id", "event", "recipient", "person", "request", "disclosures", "done"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["event"],
            r["recipient"],
            "(purged)" if r["person_id"] is None else str(r["person_id"]),
            r["reference"] or "(staff)",
            r["disclosures"] or "",
            _done(r),
        )
    console.print(table)


def _done(r: dict[str, Any]) -> str:
    if r["notified_on"] is not None:
        return f"told {r['notified_on']} by {r['how']}"
    if r["impossible_reason"] is not None:
        return f"impossible: {r['impossible_reason']}"
    return "pending"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("on", f"is not a date YYYY-MM-DD ({text!r})") from None


@app.command()
def sent(
    notice_id: int = typer.Argument(..., help="the notice's id (notices list)"),
    how: str = typer.Option(..., help="how the recipient was told, e.g. e-mail, interface"),
    on: str = typer.Option("", "--on", help="when, YYYY-MM-DD (default today)"),
) -> None:
    """Record that the recipient was told (when and how)."""
    reg, actor = _dpo(writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        recipient_notices.record_notice(
            uow, notice_id, notified_on=_date(on) if on else None, how=how
        )
    console.print(f"notice {notice_id}: told by {how}", markup=False)


@app.command()
def impossible(
    notice_id: int = typer.Argument(..., help="the notice's id (notices list)"),
    reason: str = typer.Option(
        ..., help="why telling the recipient is impossible or would take disproportionate effort"
    ),
) -> None:
    """Record why the recipient cannot be told (Art. 19)."""
    reg, actor = _dpo(writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        recipient_notices.record_notice(uow, notice_id, impossible_reason=reason)
    console.print(f"notice {notice_id}: recorded as impossible", markup=False)
