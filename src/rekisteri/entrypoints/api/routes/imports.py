"""/api/v1/imports: files from outside sources sent through the API (the same use cases as
`rekisteri import ...`): the billing system's invoices, the bank's payments, Datahub's market
events, the population register's changes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from rekisteri.catalogue import Category, Purpose
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.services.billing.invoices import InvoiceImport, import_invoice_bytes
from rekisteri.services.billing.payments import PaymentImport, import_payment_bytes
from rekisteri.services.population.changes import (
    DOCUMENT_SCHEMA,
    PopulationImport,
    apply_change_bytes,
)
from rekisteri.services.register.market_events import MarketImport, import_market_event_bytes
from rekisteri.services.unit_of_work import RegisterApp

router = APIRouter(prefix="/api/v1", tags=["imports"], route_class=RegisterRoute)
ImportFiles = Annotated[
    Principal, Depends(guard(Purpose.BILLING_AND_COLLECTION, Category.PAYMENT, writes=True))
]
FileName = Annotated[
    str,
    Query(
        min_length=1,
        max_length=200,
        pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]*$",
        description="the file's name, as errors and the import record name it",
    ),
]
INVOICES_BODY = {
    "requestBody": {
        "required": True,
        "description": "a Finvoice 3.0 file: one message, or a batch (docs/formats/finvoice.md)",
        "content": {"application/xml": {"schema": {"type": "string"}}},
    }
}


class InvoiceImportAnswer(BaseModel):
    """What importing the file did (`already_imported`: the same file came before)."""

    name: str
    sha256: str
    already_imported: bool
    messages: int
    new: int
    changed: int


@router.post("/imports/invoices", openapi_extra=INVOICES_BODY)
async def import_invoices(
    request: Request, reg: RegisterDep, who: ImportFiles, name: FileName = "invoices.xml"
) -> InvoiceImportAnswer:
    """Invoices from the billing system as Finvoice 3.0 XML in the body. The file is stored
    whole or not at all: a bad message answers 422 naming the message and the element; the
    same file again changes nothing; a resent invoice updates its status and delivery method."""
    body = await request.body()  # bounded by the route's body limit (body_limits.LIMITS)
    done = await run_in_threadpool(_import, reg, who, name, body)
    return InvoiceImportAnswer(
        name=done.name,
        sha256=done.sha256,
        already_imported=done.already_imported,
        messages=done.messages,
        new=done.new,
        changed=done.changed,
    )


def _import(reg: RegisterApp, who: Principal, name: str, body: bytes) -> InvoiceImport:
    with reg.unit_of_work(who.actor) as uow:
        return import_invoice_bytes(uow, name, body)


class Quarantined(BaseModel):
    payment: int  # the payment's position in the file, from 1
    reason: str


class PaymentImportAnswer(BaseModel):
    file: str
    sha256: str
    already_imported: bool
    version: str | None
    payments: int
    applied: int
    partial: int
    over: int
    repeated: int
    duplicate: int
    quarantined: list[Quarantined]


PAYMENTS_BODY = {
    "requestBody": {
        "required": True,
        "description": "a camt.054 notification (camt.054.001.02 to .13), as the bank sent it",
        "content": {"application/xml": {"schema": {"type": "string"}}},
    }
}


@router.post("/imports/payments", response_model=PaymentImportAnswer, openapi_extra=PAYMENTS_BODY)
async def import_payments(
    request: Request,
    reg: RegisterDep,
    who: ImportFiles,
    name: FileName = "payments.xml",
) -> PaymentImportAnswer:
    """Apply a bank's camt.054 notification of incoming reference payments: the same service
    as `rekisteri import payments`. Bad records are quarantined with their reason and a staff
    task, the rest applied; a file that is not well-formed camt.054 is refused whole (422);
    a file already imported changes nothing."""
    data = await request.body()

    def work() -> PaymentImport:
        with reg.unit_of_work(who.actor) as uow:
            return import_payment_bytes(uow, name, data)

    done = await run_in_threadpool(work)
    return PaymentImportAnswer.model_validate(done.as_dict())


ImportMarketEvents = Annotated[
    Principal,
    Depends(guard(Purpose.CUSTOMER_RELATIONSHIP, Category.CONTRACT, Category.SITE, writes=True)),
]
MARKET_EVENTS_BODY = {
    "requestBody": {
        "required": True,
        "description": "Datahub's market events as XML (docs/formats/market-events.md)",
        "content": {"application/xml": {"schema": {"type": "string"}}},
    }
}


class MarketImportAnswer(BaseModel):
    """What applying the file did: every event is already applied, unmatched, or matched (and
    then changed, unchanged or a conflict); notes say why for the unmatched and conflicts."""

    name: str
    message_id: str | None
    events: int
    already_applied: int
    matched: int
    changed: int
    unchanged: int
    unmatched: int
    conflicts: int
    tasks: int
    notes: list[str]


@router.post(
    "/imports/market-events",
    response_model=MarketImportAnswer,
    openapi_extra=MARKET_EVENTS_BODY,
)
async def import_market_events(
    request: Request,
    reg: RegisterDep,
    who: ImportMarketEvents,
    name: FileName = "market-events.xml",
) -> MarketImportAnswer:
    """Apply Datahub's market events (the same service as `rekisteri import market-events`):
    sites, metering points and contracts follow the hub; unknown parties go to staff as tasks;
    a value the person gave after an event's date is kept and reported as a conflict. The file
    is applied whole or not at all: a bad event answers 422 naming the event and the element;
    an event already applied changes nothing."""
    data = await request.body()

    def work() -> MarketImport:
        with reg.unit_of_work(who.actor) as uow:
            return import_market_event_bytes(uow, name, data)

    done = await run_in_threadpool(work)
    return MarketImportAnswer.model_validate(done.as_dict())


PopulationChanges = Annotated[
    Principal,
    Depends(guard(Purpose.CUSTOMER_RELATIONSHIP, Category.IDENTITY, Category.CONTACT, writes=True)),
]
POPULATION_BODY = {
    "requestBody": {
        "required": True,
        "description": "the population register's changes as JSON "
        "(docs/formats/population-changes.md)",
        "content": {"application/json": {"schema": DOCUMENT_SCHEMA}},
    }
}


class Conflict(BaseModel):
    record: int  # the record's position in the file, from 1
    kept: str  # what the person gave that was kept


class PopulationImportAnswer(BaseModel):
    """What applying the file did, counted by record (`already_applied`: the same file came
    before and nothing changed)."""

    file: str
    sha256: str
    already_applied: bool
    records: int
    matched: int
    changed: int
    unchanged: int
    unmatched: int
    conflicts: list[Conflict]
    tasks: int


@router.post(
    "/imports/population", response_model=PopulationImportAnswer, openapi_extra=POPULATION_BODY
)
async def import_population(
    request: Request,
    reg: RegisterDep,
    who: PopulationChanges,
    name: FileName = "population.json",
) -> PopulationImportAnswer:
    """Apply the population register's changes: the same service as `rekisteri import
    population`. The file is applied whole or not at all: a bad record answers 422 naming the
    record and the field; the same file again changes nothing; a value the person gave after
    a change's date is kept and the change reported as a conflict."""
    data = await request.body()  # bounded by the route's body limit (body_limits.LIMITS)

    def work() -> PopulationImport:
        with reg.unit_of_work(who.actor) as uow:
            return apply_change_bytes(uow, name, data)

    done = await run_in_threadpool(work)
    return PopulationImportAnswer.model_validate(done.as_dict())
