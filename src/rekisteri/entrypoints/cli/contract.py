"""contract add | offer-sent | accepted | end: contracts, and the written offer and acceptance of
a contract sold by telephone."""

from __future__ import annotations

from datetime import date, datetime

import typer

from rekisteri.catalogue import Category, Purpose, Source
from rekisteri.domain.credit import euros
from rekisteri.domain.drafts import ContractDraft
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.register import ContractKind, EndReason, Provenance, SalesCall, WrittenHow
from rekisteri.domain.telephone_sales import WrittenStep
from rekisteri.entrypoints.cli.common import EXIT_FAILURE, console, fail, register_errors, staff
from rekisteri.entrypoints.cli.credit import NOT_CONFIGURED, print_check, run_check
from rekisteri.services.credit import checks
from rekisteri.services.register import customers, telephone_sales
from rekisteri.services.register.person_view import resolve_person

app = typer.Typer(
    help="Contracts, and the written offer and acceptance of telephone sales.",
    no_args_is_help=True,
)

REL = Purpose.CUSTOMER_RELATIONSHIP
TIME_FORMATS = ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%d %H:%M%z"]


def _aware(value: datetime | None, option: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise InvalidInput(option, "needs a time zone, e.g. 2026-01-05T10:30+02:00")
    return value


@app.command()
def add(
    customer: str = typer.Argument(..., help="customer number or id"),
    site: int = typer.Option(..., help="the site's id"),
    product: str = typer.Option(..., help="the product sold"),
    start: datetime = typer.Option(..., formats=["%Y-%m-%d"], help="start date"),
    source: Source = typer.Option(..., help="where the data came from (P2)"),
    source_detail: str = typer.Option(None, help="e.g. the order number"),
    kind: ContractKind = typer.Option(ContractKind.SALES, help="sales | network"),
    billing_account: int = typer.Option(None, help="the billing account's id"),
    fixed_term_end: datetime = typer.Option(None, formats=["%Y-%m-%d"]),
    sold_by_phone_call: SalesCall = typer.Option(
        None,
        help="sold in a telephone call: outbound (we called: not in force until the consumer "
        "accepts the written offer in writing) or inbound (the customer called or asked to be "
        "called: in force as agreed)",
    ),
    call_at: datetime = typer.Option(
        None, formats=TIME_FORMATS, help="when the sales call was, with its time zone"
    ),
    credit_check: int = typer.Option(
        None,
        help="make the contract on this earlier credit check of the customer (e.g. one a "
        "review accepted) instead of a new one",
    ),
) -> None:
    """A new contract at a site. A contract sold in a call the company made is not in force
    until the consumer accepts the written offer in writing (`contract offer-sent`, then
    `contract accepted`).

    When a credit information service is configured (REKISTERI_CREDIT_CHECK_URL), the
    customer's credit is checked first (`credit check`): a refusal makes no contract, and the
    person is told, in their language, that a person can review it (`credit review`)."""
    reg, actor = staff(REL, Category.CONTRACT, Category.CREDIT_INFORMATION, writes=True)
    checked = None
    if credit_check is None and checks.client_of(reg.settings) is None:
        console.print(NOT_CONFIGURED, markup=False, highlight=False)
    elif credit_check is None:
        checked = run_check(reg, actor, customer)
        print_check(checked)
        if not checked.contract_allowed:
            fail(
                f"contract not made: credit check {checked.id} refused it; the person may "
                f"ask for a review (rekisteri credit review {checked.id})",
                EXIT_FAILURE,
            )
    with register_errors():
        draft = ContractDraft(
            site_id=site,
            kind=kind,
            product=product,
            start_date=start.date(),
            billing_account_id=billing_account,
            fixed_term_end=fixed_term_end.date() if fixed_term_end else None,
            sales_call=sold_by_phone_call,
            sales_call_at=_aware(call_at, "--call-at"),
        )
        with reg.unit_of_work(actor) as uow:
            person_id = resolve_person(uow, customer)
            if credit_check is not None:
                checked = checks.for_contract(uow, credit_check, person_id)
            contract_id, number = customers.add_contract(
                uow, person_id, draft, Provenance.of(source, uow.now(), source_detail)
            )
            if checked is not None:
                checks.link_contract(uow, checked.id, contract_id)
    console.print(f"contract {number} (id {contract_id})")
    if checked is not None and checked.deposit_required:
        console.print(f"on a security deposit of {euros(checked.deposit_required)}")
    if sold_by_phone_call is SalesCall.OUTBOUND:
        console.print("not in force until the customer accepts the written offer in writing")


def _step(
    contract: str,
    at: datetime | None,
    how: WrittenHow,
    source: Source,
    accepted: bool,
) -> None:
    reg, actor = staff(REL, Category.CONTRACT, writes=True)
    with register_errors(), reg.unit_of_work(actor) as uow:
        when = _aware(at, "--at") or uow.now()
        record = telephone_sales.accepted if accepted else telephone_sales.offer_sent
        record(uow, _key(contract), WrittenStep(when, how), Provenance.of(source, uow.now()))
    done = "accepted: in force" if accepted else "written offer sent"
    console.print(f"contract {contract}: {done} ({when.isoformat()}, {how.value})")


def _key(contract: str) -> int | str:
    """A contract number (S1000001) or an id."""
    text = contract.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else text


@app.command("offer-sent")
def offer_sent(
    contract: str = typer.Argument(..., help="the contract's number or id"),
    how: WrittenHow = typer.Option(..., help="how the written offer went out"),
    source: Source = typer.Option(Source.REGISTER_ITSELF, help="who recorded it (P2)"),
    at: datetime = typer.Option(None, formats=TIME_FORMATS, help="when; default: now"),
) -> None:
    """The written offer of a contract sold in a call the company made went out."""
    _step(contract, at, how, source, accepted=False)


@app.command()
def accepted(
    contract: str = typer.Argument(..., help="the contract's number or id"),
    how: WrittenHow = typer.Option(..., help="how the consumer accepted in writing"),
    source: Source = typer.Option(Source.CONTRACT, help="where the acceptance came from (P2)"),
    at: datetime = typer.Option(None, formats=TIME_FORMATS, help="when; default: now"),
) -> None:
    """The consumer accepted the written offer in writing: the contract is in force."""
    _step(contract, at, how, source, accepted=True)


@app.command()
def end(
    contract: str = typer.Argument(..., help="the contract's number or id"),
    end_date: datetime = typer.Option(..., formats=["%Y-%m-%d"]),
    reason: EndReason = typer.Option(..., help="why the contract ends"),
    source: Source = typer.Option(..., help="who told (P2)"),
) -> None:
    """End a contract (the contract records stay for their period)."""
    reg, actor = staff(REL, Category.CONTRACT, writes=True)
    day: date = end_date.date()
    with register_errors(), reg.unit_of_work(actor) as uow:
        contract_id = telephone_sales.id_of(uow, _key(contract))
        customers.end_contract(uow, contract_id, day, reason, Provenance.of(source, uow.now()))
    console.print(f"contract {contract} ended on {day}")
