"""/api/v1/imports: files from outside sources sent through the API (the bank's payments)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from rekisteri.catalogue import Category, Purpose
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.services.billing.payments import PaymentImport, import_payment_bytes

router = APIRouter(prefix="/api/v1/imports", tags=["imports"], route_class=RegisterRoute)
ImportPayments = Annotated[
    Principal, Depends(guard(Purpose.BILLING_AND_COLLECTION, Category.PAYMENT, writes=True))
]
FILE_NAME = re.compile(r"[\w.-]{1,200}")


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


_XML_BODY = {
    "requestBody": {
        "required": True,
        "description": "a camt.054 notification (camt.054.001.02 to .13), as the bank sent it",
        "content": {"application/xml": {"schema": {"type": "string"}}},
    }
}


@router.post("/payments", response_model=PaymentImportAnswer, openapi_extra=_XML_BODY)
async def import_payments(
    request: Request,
    reg: RegisterDep,
    who: ImportPayments,
    name: Annotated[str, Query(pattern=FILE_NAME.pattern, max_length=200)] = "payments.xml",
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
