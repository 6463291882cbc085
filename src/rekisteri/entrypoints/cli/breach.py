"""breach open | scope | assess | notify | notices | list | show: the DPO's register of
personal data breaches (GDPR Art. 33/34) and its 72-hour clock. The DPO's login only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from rekisteri.catalogue import Category, Purpose, Role
from rekisteri.domain.breaches import helsinki_moment, local
from rekisteri.entrypoints.cli.common import (
    EXIT_FAILURE,
    console,
    fail,
    print_json,
    register_errors,
    staff,
)
from rekisteri.services.access.audit import record_denied
from rekisteri.services.breaches import notices, records
from rekisteri.services.breaches.scope import Criteria
from rekisteri.services.unit_of_work import Actor, RegisterApp

app = typer.Typer(
    help="Personal data breaches (GDPR Art. 33/34): scope from the audit trail, the 72-hour "
    "clock, assessment, notification, notices to the persons; the DPO's register.",
    no_args_is_help=True,
)

TIME_HELP = "YYYY-MM-DDTHH:MM in Helsinki time, or ISO 8601 with an offset"


def _dpo(*, writes: bool) -> tuple[RegisterApp, Actor]:
    """The logged-in DPO: the breach register and its scopes (the access log) are theirs."""
    reg, actor = staff(Purpose.LEGAL_OBLIGATION, Category.ACCESS_LOG)
    if actor.role is not Role.DPO:
        why = f"role {actor.role.value if actor.role else '-'} does not keep the breach register"
        record_denied(reg, actor, (Category.ACCESS_LOG,), (), why, "change" if writes else "read")
        fail(f"not allowed: {why}", EXIT_FAILURE)
    return reg, actor


def _moment(text: str | None, field: str) -> dt.datetime | None:
    return helsinki_moment(text, field) if text else None


def _when(value: Any) -> str:
    return local(value) if isinstance(value, dt.datetime) else "-" if value is None else str(value)


@app.command("open")
def open_(
    summary: str = typer.Option(..., help="what happened, in your words (name no customer)"),
    kind: str = typer.Option(..., help="confidentiality, integrity or availability"),
    aware_at: str = typer.Option(
        ..., "--aware-at", help=f"when the controller became aware: {TIME_HELP}"
    ),
    noticed_by: str = typer.Option(..., "--noticed-by", help="who noticed it"),
    started_at: str = typer.Option(
        "", "--started-at", help=f"when it began, if known: {TIME_HELP}"
    ),
) -> None:
    """Record a suspected breach; prints its reference and the 72-hour deadline."""
    reg, actor = _dpo(writes=True)
    with register_errors():
        aware = helsinki_moment(aware_at, "aware_at")
        started = _moment(started_at, "started_at")
        with reg.unit_of_work(actor) as uow:
            ref = records.open_breach(
                uow,
                summary=summary,
                kind=kind,
                aware_at=aware,
                noticed_by=noticed_by,
                started_at=started,
            )
            shown = records.show(uow, ref)
    console.print(
        f"{ref}: the Ombudsman must be told by {shown['deadline_local']} "
        f"({shown['remaining']} left)",
        markup=False,
    )


@app.command()
def scope(
    reference: str = typer.Argument(..., help="the breach's reference (TL-YYYY-NNNN)"),
    user: str = typer.Option("", help="the staff user whose reads and changes count"),
    token: int = typer.Option(0, help="an API token's id: its user, within its lifetime"),
    session: int = typer.Option(0, help="a web session's id: its user, within its lifetime"),
    export: int = typer.Option(0, help="an export's disclosure id (disclose log): its persons"),
    since: str = typer.Option("", "--from", help=f"from this moment: {TIME_HELP}"),
    until: str = typer.Option("", "--to", help=f"to this moment (included): {TIME_HELP}"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Compute the breach's scope from the audit trail (every criterion given must hold) and
    keep it: the persons, and the categories of their data concerned."""
    reg, actor = _dpo(writes=True)
    with register_errors():
        crit = Criteria(
            user=user or None,
            token_id=token or None,
            session_id=session or None,
            export_id=export or None,
            since=_moment(since, "from"),
            until=_moment(until, "to"),
        )
        with reg.unit_of_work(actor) as uow:
            found = records.record_scope(uow, reference, crit)
    if as_json:
        print_json(found)
        return
    console.print(
        f"{found['reference']}: {found['persons']} persons ({found['no_longer_in_register']} "
        f"more in the trail are no longer in the register); categories: "
        f"{', '.join(found['categories']) or '-'}",
        markup=False,
    )
    for entry in found["whole_register_reads"]:
        console.print(
            f"  also read the whole register, naming no one (every person may be concerned): "
            f"{entry}",
            markup=False,
        )


def _texts(**given: str) -> dict[str, str]:
    return {lang: text for lang, text in given.items() if text}


@app.command()
def assess(
    reference: str = typer.Argument(..., help="the breach's reference"),
    risk: str = typer.Option(..., help="none, risk or high"),
    notify_authority: bool = typer.Option(
        ..., "--notify-authority/--no-notify-authority", help="is the Ombudsman told (Art. 33)"
    ),
    notify_persons: bool = typer.Option(
        ..., "--notify-persons/--no-notify-persons", help="are the persons told (Art. 34)"
    ),
    reasons: str = typer.Option(..., help="why: the assessment and its reasons"),
    consequences_fi: str = typer.Option("", "--consequences-fi"),
    consequences_sv: str = typer.Option("", "--consequences-sv"),
    consequences_en: str = typer.Option("", "--consequences-en"),
    measures_fi: str = typer.Option("", "--measures-fi"),
    measures_sv: str = typer.Option("", "--measures-sv"),
    measures_en: str = typer.Option("", "--measures-en"),
) -> None:
    """Record the assessment: the risk, whether the Ombudsman and the persons are told and why,
    and the notices' likely consequences and measures in each language the persons read."""
    reg, actor = _dpo(writes=True)
    assessment = records.Assessment(
        risk,
        notify_authority,
        notify_persons,
        reasons,
        _texts(fi=consequences_fi, sv=consequences_sv, en=consequences_en),
        _texts(fi=measures_fi, sv=measures_sv, en=measures_en),
    )
    with register_errors(), reg.unit_of_work(actor) as uow:
        records.assess(uow, reference, assessment)
    console.print(f"{reference}: assessed ({risk})", markup=False)


@app.command()
def notify(
    reference: str = typer.Argument(..., help="the breach's reference"),
    at: str = typer.Option(..., help=f"when the Ombudsman was told: {TIME_HELP}"),
    authority_reference: str = typer.Option(
        ..., "--reference", help="the notification's reference (the Ombudsman's case number)"
    ),
    delay_reason: str = typer.Option("", "--delay-reason", help="after 72 hours: why"),
) -> None:
    """Record the notification made to the Data Protection Ombudsman (Tietosuojavaltuutettu)."""
    reg, actor = _dpo(writes=True)
    with register_errors():
        when = helsinki_moment(at, "at")
        with reg.unit_of_work(actor) as uow:
            done = records.record_notification(
                uow,
                reference,
                at=when,
                authority_reference=authority_reference,
                delay_reason=delay_reason or None,
            )
    late = " (after the 72 hours)" if done["late"] else ""
    console.print(f"{reference}: notification recorded{late}", markup=False)


@app.command("notices")
def notices_(
    reference: str = typer.Argument(..., help="the breach's reference"),
    letters: Path = typer.Option(
        ..., help="directory for the letters of persons without an e-mail address"
    ),
) -> None:
    """Tell the persons in the scope (Art. 34), each in their language: by e-mail, or a letter
    for printing; those told before are not told again."""
    reg, actor = _dpo(writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        sent = notices.send_notices(uow, reference, letters)
    console.print(
        f"{reference}: {sent.emails} e-mails sent, {len(sent.letters)} letters written to "
        f"{letters}, {len(sent.unreachable)} persons without an address, {sent.already} told "
        "before",
        markup=False,
    )
    if sent.unreachable:
        console.print(
            "without an address (person ids): " + " ".join(str(p) for p in sent.unreachable),
            markup=False,
        )


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json")) -> None:
    """Every breach, newest first, with its deadline and the time left (or overdue)."""
    reg, actor = _dpo(writes=False)
    with register_errors(), reg.reading(actor) as uow:
        rows = records.listing(uow)
    if as_json:
        print_json(rows)
        return
    table = Table(title="personal data breaches", title_justify="left")
    for col in ("reference", "kind", "aware", "deadline", "left", "state", "risk", "persons"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["reference"],
            r["kind"],
            _when(r["aware_at"]),
            r["deadline_local"],
            r["remaining"] if r["state"] in ("open", "overdue") else "-",
            r["state"],
            r["risk"] or "-",
            "-" if r["persons"] is None else str(r["persons"]),
        )
    console.print(table)


@app.command()
def show(
    reference: str = typer.Argument(..., help="the breach's reference"),
    persons: bool = typer.Option(False, "--persons", help="also the persons in the scope"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """One breach: the record, the clock, the assessment, the steps taken (and the persons)."""
    reg, actor = _dpo(writes=False)
    with register_errors(), reg.reading(actor) as uow:
        shown = records.show(uow, reference, with_persons=persons)
    if as_json:
        print_json(shown)
        return
    for key, value in shown.items():
        if key in ("steps", "subjects"):
            continue
        console.print(f"{key}: {_when(value)}", markup=False)
    for step in shown["steps"]:
        console.print(
            f"  {_when(step['at'])} {step['actor']} {step['step']}: {step['detail']}",
            markup=False,
        )
    for s in shown.get("subjects", []):
        told = f"told by {s['notice_channel']}" if s["notice_sent_at"] else "not told"
        console.print(
            f"  {s['customer_number']}: {' '.join(s['categories'])}; {told}", markup=False
        )
