"""What a billing clerk needs to do a payment task: the payment the task names, as the bank
stated it (payer's name, amount, reference, why it was kept for review) and the invoice it is
linked to, if any.

A task holds no personal data itself (services/register/tasks.py); this reads the row it
names, so the read is audited like any other: the person is the invoice's, when the payment
is linked to one; a quarantined payment linked to none names nobody (it is never attached to
a person by a guess), and its read is still in the trail with its category.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, select

from rekisteri.adapters.schema.payments import payment_file, payment_quarantine
from rekisteri.adapters.schema.register import invoice, payment
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.register import tasks
from rekisteri.services.unit_of_work import UnitOfWork

# (column, the name it is returned as): the invoice's under names of their own.
_QUARANTINED: list[tuple[Column[Any], str]] = [
    (c, c.name)
    for c in (
        payment_quarantine.c.payer_name,
        payment_quarantine.c.amount,
        payment_quarantine.c.currency,
        payment_quarantine.c.reference,
        payment_quarantine.c.booked_on,
        payment_quarantine.c.bank_ref,
        payment_quarantine.c.reason,
        payment_quarantine.c.quarantined_at,
        payment_quarantine.c.entry_no,
    )
]
_KEPT: list[tuple[Column[Any], str]] = [
    (c, c.name)
    for c in (
        payment.c.paid_on,
        payment.c.amount_cents,
        payment.c.excess_cents,
        payment.c.method,
        payment.c.bank_ref,
        payment.c.source_detail,
    )
]
_INVOICE: list[tuple[Column[Any], str]] = [
    (invoice.c.person_id, "person_id"),
    (invoice.c.invoice_number, "invoice_number"),
    (invoice.c.reference, "invoice_reference"),
    (invoice.c.amount_cents, "invoice_amount_cents"),
    (invoice.c.status, "invoice_status"),
]


def _picked(columns: list[tuple[Column[Any], str]]) -> list[Any]:
    return [c.label(name) for c, name in columns]


def show_task(uow: UnitOfWork, task_id: int) -> dict[str, Any]:
    """The task and the payment it names (`payment`: None when the row is gone)."""
    task = tasks.find(uow, task_id)
    if task.subject_table == "payment_quarantine":
        fields = [*_QUARANTINED, *_INVOICE]
        query = (
            select(*_picked(_QUARANTINED), payment_file.c.name.label("file"), *_picked(_INVOICE))
            .select_from(payment_quarantine)
            .join(payment_file, payment_file.c.id == payment_quarantine.c.file_id)
            .outerjoin(invoice, invoice.c.id == payment_quarantine.c.invoice_id)
            .where(payment_quarantine.c.id == task.subject_id)
        )
    elif task.subject_table == "payment":
        fields = [*_KEPT, *_INVOICE]
        query = (
            select(*_picked(_KEPT), *_picked(_INVOICE))
            .select_from(payment)
            .join(invoice, invoice.c.id == payment.c.invoice_id)
            .where(payment.c.id == task.subject_id)
        )
    else:
        raise InvalidInput("ID", f"task {task_id} names a {task.subject_table}, not a payment")
    row = uow.execute(query).mappings().first()
    shown: dict[str, Any] = {"task": task.as_dict(), "payment": None}
    if row is None:
        return shown
    found = dict(row)
    person_id = found.pop("person_id")
    # The categories of what it returned: the columns that hold a value.
    returned = [(c.table.name, c.name) for c, name in fields if found.get(name) is not None]
    categories = {
        a.category
        for table, column in returned
        for a in uow.catalogue.for_table(table)
        if column in a.columns
    }
    uow.note_read(
        () if person_id is None else (int(person_id),),
        categories,
        f"task {task_id}: {task.subject_table} {task.subject_id}",
    )
    shown["payment"] = found
    return shown
