"""Invoices from the billing system: Finvoice 3.0 files, one transaction each.

The register keeps of each invoice what the catalogue declares (invoice.invoice: number,
reference, dates, amount, status, delivery method) and whose it is, never the message itself.
The message names the customer by its customer number (BuyerPartyIdentifier) and the contract
by its contract number (AgreementIdentifier, optional); the billing account is the contract's,
or the customer's only one. A number the register does not know is a bad record.

A file is atomic: a bad record stores nothing and the error names the file, the message and the
element. The same file twice changes nothing (its content hash is kept). An invoice number
already stored is the billing system resending that invoice: the same customer, contract,
reference, dates and amount, with the status it has now (paid, cancelled, in collection) or
another delivery method. Those two change, through the write path with their history (P12);
a message that says NOTPAID or PARTLYPAID does not reopen an invoice the register already holds
as paid, cancelled or in collection. A resend that states another amount, date, reference,
customer or contract is a bad record: an issued invoice is not changed, the billing system
sends a credit note instead.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select

from rekisteri.adapters import finvoice
from rekisteri.adapters.bulk import bulk_insert
from rekisteri.adapters.finvoice import FinvoiceInvoice
from rekisteri.adapters.schema.register import (
    billing_account,
    contract,
    invoice,
    invoice_file,
    person,
)
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import InvoiceStatus, Provenance
from rekisteri.domain.vocabulary import Source
from rekisteri.services.register.attributes import received, write_attributes
from rekisteri.services.unit_of_work import UnitOfWork

CHUNK = 2000  # messages looked up and stored together
RESENT = frozenset({"status", "delivery_method"})  # what a resend may change
OPEN = InvoiceStatus.OPEN.value


@dataclass(frozen=True)
class InvoiceImport:
    """What importing one file did."""

    name: str
    sha256: str
    already_imported: bool
    messages: int = 0
    new: int = 0
    changed: int = 0

    def describe(self) -> str:
        if self.already_imported:
            return f"{self.name}: already imported, nothing changed"
        return (
            f"{self.name}: {self.messages:,} invoices, {self.new:,} new, "
            f"{self.changed:,} updated by the billing system"
        )


def invoice_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a directory gives its *.xml files in name order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() == ".xml")
        elif p.is_file():
            out.append(p)
        else:
            raise InvalidInput("FILE", f"{p} does not exist")
    return out


def import_invoice_file(uow: UnitOfWork, path: Path) -> InvoiceImport:
    """Import one file inside the unit of work's transaction."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    with path.open("rb") as f:
        return _import(uow, path.name, digest.hexdigest(), path.stat().st_size, f)


def import_invoice_bytes(uow: UnitOfWork, name: str, data: bytes) -> InvoiceImport:
    """Import a file's content as received (the API's body)."""
    sha = hashlib.sha256(data).hexdigest()
    return _import(uow, name, sha, len(data), io.BytesIO(data))


def _import(uow: UnitOfWork, name: str, sha: str, size: int, stream: IO[bytes]) -> InvoiceImport:
    name = name[:300]
    known = uow.execute(select(invoice_file.c.id).where(invoice_file.c.sha256 == sha)).first()
    if known is not None:
        return InvoiceImport(name, sha, True)
    now = uow.now()
    provenance = Provenance(Source.REGISTER_ITSELF, now, f"Finvoice {name}"[:200])
    batch = _Batch(uow, name, provenance)
    for chunk in _chunks(finvoice.read_invoices(stream, name)):
        batch.add(chunk)
    if batch.messages == 0:
        raise InvalidInput("Finvoice", "is missing: the file holds no Finvoice message", where=name)
    uow.execute(
        invoice_file.insert().values(
            sha256=sha,
            name=name,
            size_bytes=size,
            messages=batch.messages,
            invoices_new=batch.new,
            invoices_changed=batch.changed,
            imported_at=now,
            imported_by=uow.actor.name[:60],
        )
    )
    return InvoiceImport(name, sha, False, batch.messages, batch.new, batch.changed)


def _chunks(invoices: Iterator[FinvoiceInvoice]) -> Iterator[list[FinvoiceInvoice]]:
    while chunk := list(islice(invoices, CHUNK)):
        yield chunk


@dataclass(frozen=True)
class _Contract:
    id: int
    person_id: int
    billing_account_id: int | None


class _Batch:
    """The file's invoices as they are matched and stored, a chunk at a time."""

    def __init__(self, uow: UnitOfWork, name: str, provenance: Provenance) -> None:
        self.uow = uow
        self.name = name
        self.provenance = provenance
        self.messages = self.new = self.changed = 0
        self.seen: dict[str, FinvoiceInvoice] = {}  # this file's invoices by number

    def bad(self, inv: FinvoiceInvoice, element: str, reason: str) -> InvalidInput:
        return finvoice.bad(self.name, inv.message, element, reason)

    def add(self, chunk: list[FinvoiceInvoice]) -> None:
        self.messages += len(chunk)
        fresh = self._once(chunk)
        persons = self._persons({i.customer_number for i in fresh})
        contracts = self._contracts({i.contract_number for i in fresh if i.contract_number})
        accounts = self._accounts(set(persons.values()))
        stored = self._stored({i.invoice_number for i in fresh})
        rows: list[dict[str, Any]] = []
        for inv in fresh:
            person_id = persons.get(inv.customer_number)
            if person_id is None:
                raise self.bad(inv, finvoice.E_CUSTOMER, f"no customer {inv.customer_number}")
            contract_id, account_id = self._belongs(inv, person_id, contracts, accounts)
            facts = {
                "invoice_number": inv.invoice_number,
                "person_id": person_id,
                "billing_account_id": account_id,
                "contract_id": contract_id,
                "reference": inv.reference,
                "issued_on": inv.issued_on,
                "due_on": inv.due_on,
                "amount_cents": inv.amount_cents,
            }
            before = stored.get(inv.invoice_number)
            if before is None:
                rows.append(self._row(inv, facts))
            elif self._resent(inv, facts, before):
                self.changed += 1
        if rows:
            bulk_insert(self.uow.connection, invoice, rows)
            self.new += len(rows)

    def _once(self, chunk: list[FinvoiceInvoice]) -> list[FinvoiceInvoice]:
        """The chunk without repeats of an invoice this file already stated the same way; a
        repeat that states it otherwise is a bad record."""
        fresh = []
        for inv in chunk:
            first = self.seen.get(inv.invoice_number)
            if first is None:
                self.seen[inv.invoice_number] = inv
                fresh.append(inv)
            elif _same(first, inv):
                continue
            else:
                raise self.bad(
                    inv,
                    finvoice.E_NUMBER,
                    f"invoice {inv.invoice_number} is already in message {first.message} of "
                    "this file with other values",
                )
        return fresh

    def _row(self, inv: FinvoiceInvoice, facts: dict[str, Any]) -> dict[str, Any]:
        fields = {
            **facts,
            "status": inv.status.value,
            "paid_on": None,
            "reminders": 0,
            "delivery_method": inv.delivery_method.value,
        }
        row = received(self.uow, invoice, fields, self.provenance)
        row.update(
            source=self.provenance.source.value,
            source_detail=self.provenance.detail,
            received_at=self.provenance.received_at,
        )
        return row

    def _belongs(
        self,
        inv: FinvoiceInvoice,
        person_id: int,
        contracts: dict[str, _Contract],
        accounts: dict[int, list[int]],
    ) -> tuple[int | None, int]:
        """The contract and billing account the invoice is for."""
        contract_id: int | None = None
        if inv.contract_number is not None:
            found = contracts.get(inv.contract_number)
            if found is None:
                raise self.bad(inv, finvoice.E_CONTRACT, f"no contract {inv.contract_number}")
            if found.person_id != person_id:
                raise self.bad(
                    inv,
                    finvoice.E_CONTRACT,
                    f"contract {inv.contract_number} is not customer {inv.customer_number}'s",
                )
            contract_id = found.id
            if found.billing_account_id is not None:
                return contract_id, found.billing_account_id
        own = accounts.get(person_id, [])
        if len(own) != 1:
            raise self.bad(
                inv,
                finvoice.E_CONTRACT if inv.contract_number else finvoice.E_CUSTOMER,
                f"customer {inv.customer_number} has {len(own)} billing accounts and the "
                "invoice names no contract that has one",
            )
        return contract_id, own[0]

    def _resent(self, inv: FinvoiceInvoice, facts: dict[str, Any], before: Any) -> bool:
        """Apply a resend of a stored invoice; whether it changed anything."""
        for element, field in _FIXED:
            if before._mapping[field] != facts[field]:
                raise self.bad(
                    inv,
                    element,
                    f"invoice {inv.invoice_number} is already stored with another {_WORDS[field]}"
                    "; an issued invoice is not changed (the billing system sends a credit note)",
                )
        changes: dict[str, Any] = {}
        if inv.status.value != before.status and not (
            inv.status is InvoiceStatus.OPEN and before.status != OPEN
        ):
            changes["status"] = inv.status.value
        if inv.delivery_method.value != before.delivery_method:
            changes["delivery_method"] = inv.delivery_method.value
        if not changes:
            return False
        written = write_attributes(
            self.uow,
            invoice,
            int(before.id),
            int(before.person_id),
            changes,
            coded(Reason.INVOICE_RESENT, self.name[:200]),
            self.provenance,
            writable=RESENT,
        )
        return bool(written)

    def _persons(self, numbers: set[str]) -> dict[str, int]:
        found = self.uow.execute(
            select(person.c.customer_number, person.c.id).where(
                person.c.customer_number.in_(sorted(numbers))
            )
        )
        return {str(n): int(i) for n, i in found}

    def _contracts(self, numbers: set[str | None]) -> dict[str, _Contract]:
        found = self.uow.execute(
            select(
                contract.c.contract_number,
                contract.c.id,
                contract.c.person_id,
                contract.c.billing_account_id,
            ).where(contract.c.contract_number.in_(sorted(n for n in numbers if n)))
        )
        return {
            str(n): _Contract(int(i), int(p), None if b is None else int(b)) for n, i, p, b in found
        }

    def _accounts(self, person_ids: set[int]) -> dict[int, list[int]]:
        found = self.uow.execute(
            select(billing_account.c.person_id, billing_account.c.id)
            .where(billing_account.c.person_id.in_(sorted(person_ids)))
            .order_by(billing_account.c.id)
        )
        out: dict[int, list[int]] = {}
        for p, i in found:
            out.setdefault(int(p), []).append(int(i))
        return out

    def _stored(self, numbers: set[str]) -> dict[str, Any]:
        found = self.uow.execute(
            select(invoice).where(invoice.c.invoice_number.in_(sorted(numbers)))
        )
        return {str(r.invoice_number): r for r in found}


# What an issued invoice keeps, the element that states it, and its name in an error.
_FIXED = (
    (finvoice.E_CUSTOMER, "person_id"),
    (finvoice.E_CONTRACT, "contract_id"),
    (finvoice.E_REFERENCE, "reference"),
    (finvoice.E_DATE, "issued_on"),
    (finvoice.E_DUE, "due_on"),
    (finvoice.E_TOTAL, "amount_cents"),
)
_WORDS = {
    "person_id": "customer",
    "contract_id": "contract",
    "reference": "reference",
    "issued_on": "invoice date",
    "due_on": "due date",
    "amount_cents": "amount",
}


def _same(a: FinvoiceInvoice, b: FinvoiceInvoice) -> bool:
    """The same invoice stated twice (its message number aside)."""
    return a == replace(b, message=a.message)
