"""request new | list | show | verify | extend | charge | changes | fulfil | reject | close |
handed-over | expire-packages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from rekisteri.catalogue import Category, Lang, Purpose
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.register import Provenance
from rekisteri.domain.requests import ChargeDecision, ReceivedHow, RequestKind, VerifiedHow
from rekisteri.entrypoints.cli.common import console, job, print_json, register_errors, staff
from rekisteri.services.access import system_actors
from rekisteri.services.register.person_view import resolve_person
from rekisteri.services.rights import (
    delivery,
    fulfilment,
    package_delivery,
    recording_copies,
    requests,
)
from rekisteri.services.unit_of_work import Actor, RegisterApp

app = typer.Typer(
    help="Data subject requests (GDPR Art. 15-21): the DPO's workflow.", no_args_is_help=True
)

RR = Category.RIGHTS_REQUEST


def _dpo(*, writes: bool) -> tuple[RegisterApp, Actor]:
    """The DPO's desk: the logged-in user, for the legal obligation (the DPO's role)."""
    return staff(Purpose.LEGAL_OBLIGATION, RR, writes=writes)


@app.command()
def new(
    person: str = typer.Argument(..., help="customer number, id or identity code"),
    kind: RequestKind = typer.Option(..., help="what the person asks"),
    received_how: ReceivedHow = typer.Option(..., "--received-how", help="how it arrived"),
    received_on: str = typer.Option("", "--received-on", help="YYYY-MM-DD (default today)"),
    details: str = typer.Option("", help='JSON, e.g. {"changes": {"last_name": "Virtanen"}}'),
    representative: int | None = typer.Option(
        None,
        help="made for the person by this representative (id from `customer representative "
        "list`): their authority is checked, the answer goes to them",
    ),
) -> None:
    """Register a request; prints its reference and due dates (the earlier one applies)."""
    reg, actor = staff(Purpose.CUSTOMER_RELATIONSHIP, RR, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        on = _date(received_on, "received_on") if received_on else None
        extra = _json(details)
        done = requests.new_request(
            uow,
            resolve_person(uow, person),
            kind,
            received_how,
            Provenance.of("customer_contact", uow.now(), f"request by {received_how.value}"),
            received_on=on,
            details=extra,
            representative_id=representative,
        )
    console.print(
        f"{done.reference}: due {done.due_on} (one month {done.due_month_on}, "
        f"30 days {done.due_30_days_on})",
        markup=False,
    )
    if done.repeat_of:
        console.print(
            f"a further copy ({done.repeat_of} gave the last one): decide whether it carries a "
            f"reasonable fee (rekisteri request charge {done.reference} --decision "
            "waived|charged --reason ...)",
            markup=False,
        )


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, f"is not a date YYYY-MM-DD ({text!r})") from None


def _json(text: str) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput("details", f"is not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise InvalidInput("details", "must be a JSON object")
    return data


@app.command("list")
def list_(
    which: str = typer.Option("open", help="open, overdue, due_this_week or all"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The DPO desk: requests, soonest due first."""
    reg, actor = _dpo(writes=False)
    with register_errors(), reg.reading(actor) as uow:
        rows = requests.listing(uow, which)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"requests: {which}", title_justify="left")
    for col in ("reference", "kind", "state", "received", "due", "left", "flags"):
        table.add_column(col)
    for r in rows:
        flags = " ".join(
            f
            for f, on in (
                ("OVERDUE", r["overdue"]),
                ("unverified", not r["verified"]),
                ("further-copy", r["repeat_of"] is not None),
                ("extended", r["extended_to"] is not None),
            )
            if on
        )
        left = "" if r["days_left"] is None else str(r["days_left"])
        table.add_row(
            r["reference"],
            r["kind"],
            r["state"],
            str(r["received_on"]),
            str(r["due_on"]),
            left,
            flags,
        )
    console.print(table, soft_wrap=False)


@app.command()
def show(reference: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """One request with its events and notices to recipients."""
    reg, actor = _dpo(writes=False)
    with register_errors(), reg.reading(actor) as uow:
        data = requests.show(uow, reference)
    print_json(data) if as_json else _print(data)


def _print(data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key not in ("events", "recipient_notifications") and value is not None:
            console.print(f"{key}: {value}", markup=False)
    for e in data["events"]:
        console.print(
            f"  {e['at']:%Y-%m-%d %H:%M} {e['actor']}: {e['event']} {e['note'] or ''}", markup=False
        )
    notices = data["recipient_notifications"]
    if notices:
        console.print("notices to recipients (Art. 19; rekisteri notices sent ID ...):")
    for n in notices:
        if n["notified_on"] is not None:
            done = f"told {n['notified_on']} by {n['how']} ({n['notified_by']})"
        elif n["impossible_reason"] is not None:
            done = f"impossible: {n['impossible_reason']}"
        else:
            done = "pending"
        console.print(
            f"  {n['id']} {n['recipient']}: {n['event']} of {n['attributes']}: {done}",
            markup=False,
        )


@app.command()
def verify(
    reference: str,
    how: VerifiedHow = typer.Option(..., help="how the identity was verified"),
    note: str = typer.Option("", help="e.g. the document checked (no numbers)"),
    person: str = typer.Option(
        "",
        help="whose identity was checked: customer number, id or identity code (required for "
        "a request from the web form, which belongs to nobody until verified)",
    ),
) -> None:
    """Record how the requester's identity was verified, and by whom."""
    reg, actor = _dpo(writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        person_id = resolve_person(uow, person) if person else None
        requests.verify(uow, reference, how, note, person_id)
    console.print(f"{reference}: verified ({how.value}) by {actor.name}", markup=False)


@app.command()
def extend(
    reference: str,
    to: str = typer.Option(..., "--to", help="new due date YYYY-MM-DD (at most two more months)"),
    reason: str = typer.Option(..., help="why; the person is told this"),
    notice_on: str = typer.Option(..., "--notice-on", help="when the person was told"),
) -> None:
    """Extend the deadline (Art. 12(3)); needs a reason and a notice sent in the first month."""
    reg, actor = _dpo(writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        requests.extend(uow, reference, _date(to, "to"), reason, _date(notice_on, "notice_on"))
    console.print(f"{reference}: due {to}", markup=False)


@app.command()
def charge(
    reference: str,
    decision: ChargeDecision = typer.Option(
        ...,
        help="waived or charged: a further copy (Art. 15(3)); excessive or refused: a manifestly "
        "unfounded or excessive request, charged for or refused (Art. 12(5)). The first copy "
        "is always free.",
    ),
    reason: str = typer.Option(..., help="why; the person is told this"),
) -> None:
    """The DPO's decision on a fee, or a refusal of a manifestly unfounded or excessive request."""
    reg, actor = _dpo(writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        requests.decide_charge(uow, reference, decision, reason)
    done = "refused and rejected" if decision is ChargeDecision.REFUSED else decision.value
    console.print(f"{reference}: fee decision {done}", markup=False)


@app.command()
def changes(
    reference: str,
    set_: list[str] = typer.Option(
        ..., "--set", help="field=corrected value (repeatable), e.g. --set last_name=Virtanen"
    ),
) -> None:
    """What a rectification request corrects, as fields and values: added (or replaced) from
    what the person wrote, checked as `customer rectify` checks them, applied by `fulfil`."""
    reg, actor = _dpo(writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        fields = requests.set_changes(uow, reference, _pairs(set_))
    console.print(f"{reference}: to correct {', '.join(fields)}", markup=False)


def _pairs(items: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidInput("--set", f"{item!r} is not field=value")
        found[name.strip()] = value
    return found


@app.command()
def fulfil(
    reference: str,
    out: Path = typer.Option(
        Path("."), "--out", help="directory for the files (access, portability)"
    ),
    lang: Lang | None = typer.Option(None, help="report language (default: the person's)"),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf"),
    as_json: bool = typer.Option(False, "--json", help="print the outcome as JSON"),
) -> None:
    """Do what was asked, record the outcome, and write the answer's files (an erasure: the
    letter saying what was erased and what is still kept, why and until when). An access
    package is also sealed in the file store for the person, with a notice of its single-use
    download link: e-mailed (sent by `mail send`), or a letter to print written beside the
    files when no e-mail was on file before the request."""
    reg, actor = _dpo(writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        done = fulfilment.fulfil(uow, reference, lang=lang)
        files = delivery.write_answer_files(done, out, settings=reg.settings, pdf=pdf)
        offered = package_delivery.offer(uow, done, pdf=pdf)
        if offered is not None and offered.letter is not None:
            files["notice"] = delivery.write_notice_letter(
                done.reference, offered.letter, out, settings=reg.settings
            )
    if offered is not None:
        done.outcome["delivery"] = {
            "notice": offered.notice,
            "expires_at": offered.expires_at.isoformat(),
        }
    if as_json:
        print_json(done.outcome | {"reference": done.reference, "files": files})
        return
    console.print(f"{done.reference}: {done.kind.value} fulfilled", markup=False)
    if offered is not None:
        how = "e-mailed (queued)" if offered.notice == "email" else "to be posted (letter)"
        console.print(
            f"  download link {how}, open until {offered.expires_at:%Y-%m-%d %H:%M} UTC",
            markup=False,
        )
    if done.answer_to is not None:
        to = done.answer_to
        where = to["address"] or to["email"] or "(no address: hand it over in person)"
        console.print(f"  answer to {to['kind']} {to['name']}: {where}", markup=False)
    for fmt, path in files.items():
        console.print(f"  {fmt}: {path}", markup=False)
    if "letter" in files:
        # As the person reads it: written out whole, not wrapped to the terminal.
        typer.echo(files["letter"].read_text(encoding="utf-8"), nl=False)
    elif not files:
        print_json(done.outcome)


@app.command("recording-copies")
def recording_copies_checked(
    reference: str, note: str = typer.Option(..., help="what was checked (Art. 15(4))")
) -> None:
    """Record that the person asked for copies of their call recordings and that a copy does
    not adversely affect others' rights (Art. 15(4)): the access package then includes the
    audio, decrypted only into the package's own files."""
    reg, actor = _dpo(writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        recording_copies.mark_checked(uow, reference, note)
    console.print(f"{reference}: recording copies checked", markup=False)


@app.command()
def reject(reference: str, reason: str = typer.Option(...)) -> None:
    """Refuse with the reason the person is told (they may complain to the Ombudsman)."""
    reg, actor = _dpo(writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        requests.reject(uow, reference, reason)
    console.print(f"{reference}: rejected", markup=False)


@app.command()
def close(reference: str) -> None:
    reg, actor = _dpo(writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        requests.close(uow, reference)
    console.print(f"{reference}: closed", markup=False)


@app.command("handed-over")
def handed_over(
    reference: str,
    how: str = typer.Option(..., help="in_person or letter"),
    note: str = typer.Option("", help="what was handed over, to whom (at most 300 characters)"),
) -> None:
    """Record that the DPO handed the access package over in person or by letter instead of
    the download link: the link closes and the sealed package is destroyed."""
    reg, actor = _dpo(writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        package_delivery.hand_over(uow, reference, how, note)
    console.print(f"{reference}: package handed over ({how})", markup=False)


@app.command("expire-packages")
def expire_packages() -> None:
    """Delete from the file store the access packages whose download link has expired (run
    it from cron daily; runs as system:packages)."""
    reg, actor = job(system_actors.PACKAGES)
    with register_errors(), reg.unit_of_work(actor) as uow:
        done = package_delivery.expire(uow)
    console.print(f"{len(done)} expired packages deleted", markup=False)
    for reference in done:
        console.print(f"  {reference}", markup=False)
