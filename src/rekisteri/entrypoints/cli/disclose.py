"""recipient add|list, disclose asiakastieto|collection|group-marketing|authority|recordings|log,
loans list|close: where personal data goes, and the record of it (P8, P9, P10)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from rekisteri.catalogue import Category, Purpose
from rekisteri.domain import reasons
from rekisteri.domain.transfers import RecipientKind, Safeguard
from rekisteri.entrypoints.cli.common import console, print_json, register_errors, staff
from rekisteri.services import exports
from rekisteri.services.access import (
    disclosure_sets,
    disclosures,
    group_marketing,
    recording_loans,
)
from rekisteri.services.register.person_view import resolve_person
from rekisteri.services.unit_of_work import UnitOfWork

recipients = typer.Typer(help="Recipients of personal data (P8, P10).", no_args_is_help=True)
app = typer.Typer(help="Disclose data to a recipient, recorded (P8).", no_args_is_help=True)
loans = typer.Typer(help="Call recordings lent for research (P9).", no_args_is_help=True)

OUT = typer.Option(..., "--out", help="the file to hand over (written owner-readable only)")
RECIPIENT = typer.Option(..., "--recipient", help="recipient name or id")


D = Category.DISCLOSURE


@contextmanager
def _unit(purpose: Purpose, *categories: Category) -> Iterator[UnitOfWork]:
    """A disclosure, made by the logged-in user (it records it: their role must change
    `categories`, D first, for `purpose`)."""
    reg, actor = staff(purpose, *categories, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        yield uow


def _write_table(uow: UnitOfWork, path: Path, hand: disclosure_sets.Handover) -> None:
    exports.write_table(path, hand.header, [hand.rows], settings=uow.settings, delimiter=";")


def _done(hand: disclosure_sets.Handover, out: Path) -> None:
    d = hand.disclosed
    console.print(
        f"disclosure {d.disclosure_id}: {d.person_count} persons to {d.recipient.name} "
        f"({d.recipient.country}), written to {out}",
        markup=False,
    )


def _tabular(
    purpose: Purpose, make: Callable[[UnitOfWork, disclosures.Recipient], Any], to: str, out: Path
) -> None:
    with _unit(purpose, D) as uow:
        hand = make(uow, disclosures.find_recipient(uow, to))
        _write_table(uow, out, hand)  # inside the unit: no file, no record
    _done(hand, out)


@recipients.command("add")
def recipient_add(
    name: str = typer.Argument(..., help="the organisation's name"),
    kind: RecipientKind = typer.Option(..., help="what the recipient is to the register"),
    country: str = typer.Option(..., help="ISO 3166 two-letter country code"),
    purpose: list[Purpose] = typer.Option(..., help="purposes its agreement covers"),
    agreement: str = typer.Option(None, help="agreement reference"),
    safeguard: Safeguard = typer.Option(None, help="outside the EU/EEA: adequacy, scc or bcr"),
    safeguard_ref: str = typer.Option(
        None, help="e.g. the SCC module and date; in the US under adequacy, its DPF listing"
    ),
    business_id: str = typer.Option(None, help="business ID"),
) -> None:
    """Register a recipient (partner, subsidiary, authority, institute...)."""
    with _unit(Purpose.LEGAL_OBLIGATION, D) as uow:
        new_id = disclosures.add_recipient(
            uow,
            name,
            kind,
            country,
            purpose,
            agreement_ref=agreement,
            safeguard=safeguard,
            safeguard_ref=safeguard_ref,
            business_id=business_id,
        )
    console.print(f"recipient {new_id} {name} added", markup=False)


@recipients.command("list")
def recipient_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """The register of recipients."""
    reg, actor = staff(Purpose.LEGAL_OBLIGATION, D)
    with reg.reading(actor) as uow:
        rows = disclosures.list_recipients(uow)
    if as_json:
        print_json(rows)
        return
    table = Table("id", "name", "kind", "country", "safeguard", "purposes", "agreement")
    for r in rows:
        table.add_row(
            str(r["id"]), r["name"], r["kind"], r["country"], r["safeguard"] or "-",
            r["purposes"], r["agreement_ref"] or "-",
        )  # fmt: skip
    console.print(table, soft_wrap=False)


@app.command()
def asiakastieto(to: str = RECIPIENT, out: Path = OUT) -> None:
    """Identity code and name of persons with open overdue invoices, for Suomen Asiakastieto's
    payment-default monitoring."""
    _tabular(
        Purpose.BILLING_AND_COLLECTION,
        lambda uow, r: disclosure_sets.asiakastieto(uow, r, out.name),
        to,
        out,
    )


@app.command()
def collection(
    to: str = RECIPIENT,
    out: Path = OUT,
    min_days: int = typer.Option(14, help="days past the due date"),
) -> None:
    """Overdue invoices and the debtors' data, to the collection agency."""
    _tabular(
        Purpose.BILLING_AND_COLLECTION,
        lambda uow, r: disclosure_sets.collection(uow, r, min_days, out.name),
        to,
        out,
    )


@app.command("group-marketing")
def group_marketing_file(to: str = RECIPIENT, out: Path = OUT) -> None:
    """Customers' contact details for the group's direct marketing: one column per channel,
    filled only where the person may be reached on it (as that channel's audience decides)."""
    _tabular(
        Purpose.DIRECT_MARKETING,
        lambda uow, r: group_marketing.group_marketing(uow, r, out.name),
        to,
        out,
    )


@app.command()
def authority(
    to: str = RECIPIENT,
    reference: str = typer.Option(..., help="the authority's reference of the request"),
    request: str = typer.Option(..., help="what was asked, and under which law"),
    person: list[str] = typer.Option(..., help="customer number, id or identity code"),
    category: list[Category] = typer.Option(..., help="data categories asked for"),
    out: Path = OUT,
) -> None:
    """Answer an authority's request under law with what it asked, and record it."""
    with _unit(Purpose.LEGAL_OBLIGATION, D) as uow:
        hand = disclosure_sets.authority_request(
            uow,
            disclosures.find_recipient(uow, to),
            reference=reference,
            request=request,
            person_keys=person,
            categories=category,
            output_name=out.name,
        )
        exports.write_json(out, hand.document, settings=uow.settings)
    _done(hand, out)


@app.command()
def recordings(
    to: str = RECIPIENT,
    recording: list[int] = typer.Option(..., help="call recording ids"),
    study: str = typer.Option(..., help="the study the recordings are lent for"),
    due: dt.datetime = typer.Option(..., formats=["%Y-%m-%d"], help="return or destroy by"),
    out: Path = OUT,
) -> None:
    """Lend call recordings to a research institute, to be returned or destroyed by a date."""
    with _unit(Purpose.SERVICE_QUALITY, D, Category.RECORDING) as uow:
        loan = recording_loans.lend_recordings(
            uow,
            disclosures.find_recipient(uow, to),
            recording,
            study=study,
            due_on=due.date(),
            output_name=out.name,
        )
        exports.write_table(
            out,
            ("tallenne", "tiedosto", "tallennettu", "kesto_s"),
            [loan.manifest],
            settings=uow.settings,
            delimiter=";",
        )
    console.print(
        f"loan {loan.loan_id} (disclosure {loan.disclosed.disclosure_id}): "
        f"{len(loan.manifest)} recordings, return or destroy by {due.date()}; manifest {out}",
        markup=False,
    )


@app.command("log")
def log(key: str = typer.Argument(..., help="customer number, id or identity code")) -> None:
    """To whom a person's data has been disclosed."""
    reg, actor = staff(Purpose.LEGAL_OBLIGATION, D)
    with register_errors(), reg.reading(actor) as uow:
        found = disclosures.disclosures_of(uow, resolve_person(uow, key))
    # The register's own reasons in one coded form (older rows were English): docs/formats.
    print_json([d | {"reason": reasons.normal(d["reason"])} for d in found])


@loans.command("list")
def loans_list(
    overdue: bool = typer.Option(False, help="only loans past their deadline and not closed"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Recording loans; --overdue lists what the DPO must chase."""
    reg, actor = staff(Purpose.SERVICE_QUALITY, D, Category.RECORDING)
    with reg.reading(actor) as uow:
        rows = (
            recording_loans.overdue_recording_loans(uow)
            if overdue
            else recording_loans.recording_loans(uow)
        )
    if as_json:
        print_json(rows)
        return
    table = Table("loan", "recipient", "study", "due", "recordings", "closed")
    for r in rows:
        closed = f"{r['closed_how']} {r['closed_at']:%Y-%m-%d}" if r["closed_how"] else "open"
        table.add_row(
            str(r["loan_id"]), r["recipient"], r["study"], str(r["due_on"]),
            str(r["recordings"]), closed,
        )  # fmt: skip
    console.print(table, soft_wrap=False)


@loans.command("close")
def loans_close(
    loan: int = typer.Argument(..., help="loan id"),
    returned: bool = typer.Option(False, "--returned", help="the recordings came back"),
    destroyed: bool = typer.Option(False, "--destroyed", help="the institute destroyed them"),
    evidence: str = typer.Option(..., help="e.g. the destruction certificate's reference"),
) -> None:
    """Record that lent recordings were returned or destroyed, with the evidence."""
    if returned == destroyed:
        from rekisteri.entrypoints.cli.common import fail

        fail("how: give exactly one of --returned or --destroyed")
    with _unit(Purpose.SERVICE_QUALITY, D) as uow:
        recording_loans.close_loan(uow, loan, "returned" if returned else "destroyed", evidence)
    console.print(f"loan {loan} closed", markup=False)
