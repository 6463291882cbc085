"""credit check | show | review | decide: the credit check made when a contract is made, and a
person's review of an automated refusal or deposit (GDPR Art. 22)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import typer
from rich.table import Table

from rekisteri.catalogue import Category, Purpose, Source
from rekisteri.domain.credit import ReviewOutcome, euros, euros_to_cents
from rekisteri.domain.errors import InvalidInput
from rekisteri.entrypoints.cli.common import (
    EXIT_FAILURE,
    console,
    fail,
    print_json,
    register_errors,
    staff,
)
from rekisteri.services.credit import checks
from rekisteri.services.register.person_view import resolve_person
from rekisteri.services.unit_of_work import Actor, RegisterApp

app = typer.Typer(
    help="Credit checks when a contract is made, and a person's review of an automated "
    "refusal or deposit (GDPR Art. 22).",
    no_args_is_help=True,
)

REL = Purpose.CUSTOMER_RELATIONSHIP
CREDIT = Category.CREDIT_INFORMATION
NOT_CONFIGURED = (
    "no credit check: no credit information service is configured (REKISTERI_CREDIT_CHECK_URL)"
)


def run_check(reg: RegisterApp, actor: Actor, customer: str) -> checks.CreditCheck:
    """Resolve the customer and check them; exits 1 saying so when no service is configured
    or it fails (`contract add` runs it too)."""
    client = checks.client_of(reg.settings)
    if client is None:
        fail(NOT_CONFIGURED, EXIT_FAILURE)
    with register_errors():
        with reg.reading(actor) as uow:
            person_id = resolve_person(uow, customer)
        return checks.check(reg, actor, person_id, client.query)


def print_check(found: checks.CreditCheck) -> None:
    console.print(
        f"credit check {found.id}: {found.decision.value}, {found.default_entries} "
        f"payment-default entries, deposit {euros(found.deposit_cents)} "
        f"(reference {found.reference}{', automated' if found.automated else ''})",
        markup=False,
        highlight=False,
    )
    console.print(f"told the person: {found.told()}", markup=False, highlight=False)


@app.command()
def check(customer: str = typer.Argument(..., help="customer number or id")) -> None:
    """Ask the credit information service about a customer; keep its answer for its period.

    Their identity code or business ID goes to the service: recorded as a disclosure."""
    reg, actor = staff(REL, CREDIT, writes=True)
    print_check(run_check(reg, actor, customer))


@app.command()
def show(
    customer: str = typer.Argument(..., help="customer number or id"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """A customer's credit checks still kept, newest first, with what the person was told."""
    reg, actor = staff(REL, CREDIT)
    with register_errors(), reg.reading(actor) as uow:
        found = checks.of_person(uow, resolve_person(uow, customer))
    if as_json:
        print_json([c.as_dict() for c in found])
        return
    table = Table("id", "day", "decision", "entries", "deposit", "automated", "review")
    for c in found:
        review = ""
        if c.review_outcome is not None:
            review = f"{c.review_outcome.value} ({c.reviewed_by})"
        elif c.review_requested_at is not None:
            review = "asked for"
        table.add_row(
            str(c.id),
            c.checked_on.isoformat(),
            c.decision.value,
            str(c.default_entries),
            euros(c.deposit_cents),
            "yes" if c.automated else "no",
            review,
        )
    console.print(table)


@app.command()
def review(
    check_id: int = typer.Argument(..., metavar="ID", help="the credit check's id"),
    source: Source = typer.Option(
        Source.CUSTOMER_CONTACT, help="how the person asked (P2): customer_contact, ..."
    ),
) -> None:
    """The person asks for a person to review an automated refusal or deposit.

    Recorded on the check and handed to billing as a staff task (credit_review)."""
    reg, actor = staff(REL, CREDIT, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        task_id = checks.request_review(uow, check_id, source)
    console.print(f"review of credit check {check_id} asked for: task {task_id} for billing")


def _cents(deposit: str | None) -> int | None:
    if deposit is None:
        return None
    try:
        text = str(Decimal(deposit.replace(",", ".")).quantize(Decimal("0.01")))
    except InvalidOperation:
        raise InvalidInput("--deposit", "is not an amount of euros such as 200.00") from None
    return euros_to_cents(text, "--deposit")


@app.command()
def decide(
    check_id: int = typer.Argument(..., metavar="ID", help="the credit check's id"),
    outcome: ReviewOutcome = typer.Option(..., help="upheld | accepted | deposit_changed"),
    note: str = typer.Option(..., help="the reasons, as the person will be told them"),
    deposit: str = typer.Option(None, help="with deposit_changed: the deposit in euros"),
) -> None:
    """Billing's decision on a review of an automated refusal or deposit.

    Recorded on the check (with who and why), the task done; prints what the person is told,
    in their language."""
    reg, actor = staff(Purpose.BILLING_AND_COLLECTION, CREDIT, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        found = checks.decide_review(uow, check_id, outcome, note, _cents(deposit))
    print_check(found)
