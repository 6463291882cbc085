"""Customers with invoices to pay, and camt.054 files paying them, for the payment door's tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from rekisteri.adapters.camt054_writer import OutPayment, write_notification_file
from rekisteri.adapters.schema.payments import payment_file, payment_quarantine
from rekisteri.adapters.schema.register import attribute_change, invoice, payment
from rekisteri.adapters.schema.tasks import staff_task
from rekisteri.services.billing.payments import PaymentImport, import_payment_file
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.people import make_customer
from tests.support.registered import nth_hetu

BOOKED = dt.date(2026, 11, 30)
AMOUNT = "123.45"  # what make_customer's invoices are for


@dataclass(frozen=True)
class Billed:
    person_id: int
    open_invoice: int
    open_reference: str
    paid_invoice: int
    paid_reference: str


def billed_customer(reg: RegisterApp, n: int, ended_on: dt.date | None = None) -> Billed:
    """A customer (the n-th, so their identifiers are their own) with one paid and one open
    invoice of 123.45 EUR."""
    c = make_customer(
        reg,
        hetu=nth_hetu(n),
        email=f"maksaja{n}@example.fi",
        phone=f"+35840100{n:04d}",
        site_numbers=(2 * n + 1, 2 * n + 2),
        open_invoice=True,
        ended_on=ended_on,
    )
    with reg.engine.connect() as conn:
        refs = dict(
            conn.execute(
                select(invoice.c.id, invoice.c.reference).where(invoice.c.id.in_(c.invoice_ids))
            ).all()
        )
    paid, open_ = c.invoice_ids
    return Billed(c.person_id, open_, refs[open_], paid, refs[paid])


def pay(reference: str | None, bank_ref: str | None, amount: str = AMOUNT, **kw: Any) -> OutPayment:
    return OutPayment(bank_ref, reference, amount, kw.pop("booked_on", BOOKED), **kw)


def notification(path: Path, *payments: OutPayment, **kw: Any) -> Path:
    return write_notification_file(path, payments, **kw)


def run_import(reg: RegisterApp, path: Path) -> PaymentImport:
    with reg.unit_of_work(Actor.system("system:import-payments")) as uow:
        return import_payment_file(uow, path)


def state(reg: RegisterApp) -> dict[str, Any]:
    """Everything the payment door writes, to compare before and after."""
    with reg.engine.connect() as conn:

        def rows(q: Any) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in conn.execute(q)]

        return {
            "payments": rows(select(payment).order_by(payment.c.id)),
            "invoices": rows(select(invoice).order_by(invoice.c.id)),
            "quarantine": rows(select(payment_quarantine).order_by(payment_quarantine.c.id)),
            "tasks": rows(select(staff_task).order_by(staff_task.c.id)),
            "files": conn.execute(select(func.count()).select_from(payment_file)).scalar(),
            "history": conn.execute(select(func.count()).select_from(attribute_change)).scalar(),
        }


def invoice_row(reg: RegisterApp, invoice_id: int) -> Any:
    with reg.engine.connect() as conn:
        return conn.execute(select(invoice).where(invoice.c.id == invoice_id)).one()
