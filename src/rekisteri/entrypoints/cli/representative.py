"""customer representative add | list | end: who acts for a person (a guardian, the estate's
contact after a death, a holder of a power of attorney), with what powers and on what evidence."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.table import Table

from rekisteri.catalogue import Category, Purpose, Source
from rekisteri.domain.register import Provenance
from rekisteri.domain.representatives import Evidence, RepresentativeKind
from rekisteri.entrypoints.cli.common import console, print_json, register_errors, staff
from rekisteri.services.register import representatives
from rekisteri.services.register.person_view import resolve_person

REL = Purpose.CUSTOMER_RELATIONSHIP
CATEGORIES = (Category.IDENTITY, Category.CONTACT)

app = typer.Typer(
    help="Representatives: a guardian, an estate's contact or an attorney acting for a person.",
    no_args_is_help=True,
)


@app.command("add")
def add(
    person: str = typer.Argument(..., help="the represented person: customer number or id"),
    kind: RepresentativeKind = typer.Option(..., help="guardian | estate_contact | ..."),
    name: str = typer.Option(..., help="the representative's name"),
    evidence: Evidence = typer.Option(..., help="how the authority was shown"),
    evidence_ref: str = typer.Option(
        ..., help="a reference to the document (its number or date), never the document"
    ),
    source: Source = typer.Option(..., help="who told (P2)"),
    source_detail: str = typer.Option(None, help="e.g. the letter or call it came in"),
    powers: str = typer.Option(
        None,
        help="comma-separated: see_data, rights_requests, manage_contract, receive_mail "
        "(default: all for a guardian or an estate's contact; an attorney names them)",
    ),
    street: str = typer.Option(None),
    postal_code: str = typer.Option(None),
    post_office: str = typer.Option(None),
    country: str = typer.Option(None, help="two letters (default FI with an address)"),
    email: str = typer.Option(None),
    phone: str = typer.Option(None),
    valid_from: datetime = typer.Option(None, formats=["%Y-%m-%d"], help="default: today"),
) -> None:
    """Record who acts for a person, with what powers and on what evidence.

    An estate's contact is recorded for a deceased person; letters and invoices then go to
    them, as to a guardian who receives them."""
    reg, actor = staff(REL, *CATEGORIES, writes=True)
    draft = representatives.RepresentativeDraft(
        kind=kind.value,
        name=name,
        evidence=evidence.value,
        evidence_ref=evidence_ref,
        powers=powers,
        street=street,
        postal_code=postal_code,
        post_office=post_office,
        country=country,
        email=email,
        phone=phone,
        valid_from=valid_from.date() if valid_from else None,
    )
    with register_errors(), reg.unit_of_work(actor) as uow:
        rep = representatives.add(
            uow, resolve_person(uow, person), draft, Provenance.of(source, uow.now(), source_detail)
        )
    console.print(f"representative {rep}: {name} as {kind.value}", markup=False)


@app.command("list")
def list_(
    person: str = typer.Argument(..., help="customer number or id"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """The person's representatives, those not ended first."""
    reg, actor = staff(REL, *CATEGORIES)
    with register_errors(), reg.reading(actor) as uow:
        found = representatives.of_person(uow, resolve_person(uow, person))
    if as_json:
        print_json(found)
        return
    table = Table(title="representatives", title_justify="left")
    for column in ("id", "kind", "name", "powers", "from", "to", "in force", "evidence"):
        table.add_column(column)
    for r in found:
        table.add_row(
            str(r["id"]),
            r["kind"],
            r["name"],
            ", ".join(r["powers"]),
            str(r["valid_from"]),
            "" if r["valid_to"] is None else str(r["valid_to"]),
            "yes" if r["in_force"] else "no",
            f"{r['evidence']} {r['evidence_ref']}",
        )
    console.print(table, soft_wrap=False)


@app.command("end")
def end(
    representative: int = typer.Argument(..., help="the representative's id (list)"),
    reason: str = typer.Option(..., help="why it ends (the guardianship ended, ...)"),
    source: Source = typer.Option(..., help="who told (P2)"),
    end_date: datetime = typer.Option(None, formats=["%Y-%m-%d"], help="default: today"),
) -> None:
    """The representative no longer acts for the person."""
    reg, actor = staff(REL, *CATEGORIES, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        day = end_date.date() if end_date else uow.today()
        representatives.end(uow, representative, day, reason, Provenance.of(source, uow.now()))
    console.print(f"representative {representative} ended on {day}", markup=False)
