"""Payments from the bank: a camt.054 notification applied to the invoices it pays (P4).

A bank cannot send a corrected file again, so a file is not all-or-nothing like the Datahub
import: each payment is applied or kept for review on its own merits.
- applied: the payment settles its invoice's open balance exactly; the invoice is paid.
- partial: less than the balance; the invoice stays open with the rest to pay.
- over: more than the balance; the invoice is paid and the excess is noted on the payment, with
  a staff task to refund or allocate it.
- repeated: the invoice was already paid; the payment is kept whole as excess, with a task.
- duplicate: the bank's transaction reference (AcctSvcrRef) was already read; nothing changes.
- quarantined: a bad record (no or a bad reference, no invoice with it, a bad amount, currency
  or date, a debit, an entry not booked) is kept as the bank stated it with its reason and a
  staff task; it is linked to an invoice only when its reference names exactly one, never to a
  person by a guess from the payer's name.
A file that is not a well-formed camt.054 is refused whole and nothing is stored; the same file
twice changes nothing (its hash is kept). Invoice status and paid_on change through the one
write path (services/register/attributes), so each change has its history entry (P12);
payment rows get their sources checked by `received_many` and go in with the bulk loader.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import re
import sys
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

from rekisteri.adapters import camt054
from rekisteri.adapters.bulk import bulk_insert
from rekisteri.adapters.read_ahead import read_ahead, read_apart
from rekisteri.adapters.schema.payments import payment_file, payment_quarantine
from rekisteri.adapters.schema.register import invoice, payment
from rekisteri.adapters.value_sets import one_of
from rekisteri.domain import references
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import InvoiceStatus, Provenance
from rekisteri.domain.vocabulary import Source
from rekisteri.services.register import tasks
from rekisteri.services.register.attributes import (
    RowChange,
    received,
    received_many,
    write_attributes_many,
)
from rekisteri.services.unit_of_work import UnitOfWork

CHUNK = 5000  # payments matched per round of queries
# A file this large is parsed in a process of its own (some 15,000 payments; 100,000 are about
# 60 MB): starting one takes a fraction of a second, parsing 15,000 payments about two.
APART_FROM_BYTES = 8 * 1024 * 1024
_AMOUNT = re.compile(r"\d{1,12}(\.\d{1,2})?")
_SETTLES = frozenset({"status", "paid_on"})
METHOD = "bank_transfer"
TASK_OVER = "payment_over"
TASK_REPEATED = "payment_repeated"
TASK_QUARANTINED = "payment_quarantined"


@dataclass
class PaymentImport:
    """What reading one notification did."""

    name: str
    sha256: str
    already_imported: bool = False
    version: str | None = None
    payments: int = 0
    applied: int = 0
    partial: int = 0
    over: int = 0
    repeated: int = 0
    duplicate: int = 0
    quarantined: list[tuple[int, str]] = field(default_factory=list)  # (payment no., reason)

    def describe(self) -> str:
        if self.already_imported:
            return f"{self.name}: already imported, nothing changed"
        lines = [
            f"{self.name} ({self.version}): {self.payments:,} payments: {self.applied:,} applied, "
            f"{self.partial:,} partial, {self.over:,} over, {self.repeated:,} paid again, "
            f"{self.duplicate:,} duplicate, {len(self.quarantined):,} quarantined"
        ]
        lines += [f"  payment {n}: quarantined: {why}" for n, why in self.quarantined]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "sha256": self.sha256,
            "already_imported": self.already_imported,
            "version": self.version,
            "payments": self.payments,
            "applied": self.applied,
            "partial": self.partial,
            "over": self.over,
            "repeated": self.repeated,
            "duplicate": self.duplicate,
            "quarantined": [{"payment": n, "reason": why} for n, why in self.quarantined],
        }


@dataclass(frozen=True)
class _Checked:
    """A payment whose values passed: ready to match."""

    raw: camt054.Payment
    bank_ref: str
    key: str  # the reference's normal form (domain/references)
    cents: int
    booked_on: dt.date


class _Bad(Exception):
    def __init__(self, reason: str, key: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.key = key  # the reference, when it was valid (the record may still name an invoice)


def import_payment_file(uow: UnitOfWork, path: Path) -> PaymentImport:
    """Read one notification file inside the unit of work's transaction."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return _import(uow, path, path.name, digest.hexdigest(), path.stat().st_size)


def import_payment_bytes(uow: UnitOfWork, name: str, data: bytes) -> PaymentImport:
    """Read one notification sent as bytes (the API)."""
    return _import(uow, data, name, hashlib.sha256(data).hexdigest(), len(data))


def payment_paths(paths: Iterable[Path]) -> list[Path]:
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


def _import(uow: UnitOfWork, source: Path | bytes, name: str, sha: str, size: int) -> PaymentImport:
    result = PaymentImport(name[:300], sha)
    if uow.execute(select(payment_file.c.id).where(payment_file.c.sha256 == sha)).first():
        result.already_imported = True
        return result
    now = uow.now()
    file_id = int(
        uow.execute(
            insert(payment_file).values(
                sha256=sha,
                name=name[:300],
                entries=0,
                applied=0,
                quarantined=0,
                duplicates=0,
                imported_at=now,
                imported_by=uow.actor.name[:60],
            )
        ).inserted_primary_key[0]
    )
    matcher = _Matcher(uow, result, file_id, now)
    message_id: str | None = None
    with contextlib.closing(_parsed(source, name, size)) as chunks:
        for chunk in chunks:
            result.version, message_id = chunk.version, chunk.message_id
            if chunk.payments:
                matcher.apply(chunk.payments)
    uow.execute(
        update(payment_file)
        .where(payment_file.c.id == file_id)
        .values(
            message_id=message_id,
            entries=result.payments,
            applied=result.applied + result.partial + result.over + result.repeated,
            quarantined=len(result.quarantined),
            duplicates=result.duplicate,
        )
    )
    return result


def _parsed(source: Path | bytes, name: str, size: int) -> Generator[camt054.Chunk, None, None]:
    """The file's payments in chunks, parsed ahead of the matching: a large file in a child
    interpreter (the parser is pure Python and, in a thread, would hold the interpreter while
    the database works), a small one or an upload in a thread (a child takes a moment to
    start, and an upload would have to be copied to it whole)."""
    read = functools.partial(camt054.read_chunks, source, name, CHUNK)
    if isinstance(source, Path) and size >= APART_FROM_BYTES and sys.executable:
        return read_apart(read, name="camt.054 parser")
    return read_ahead(read(), name="camt054-parse")


def _checked(p: camt054.Payment) -> _Checked:
    """The payment's values checked, or _Bad with the first reason it cannot be applied."""
    key: str | None = None
    if p.reference is None:
        raise _Bad("no creditor reference (RmtInf/Strd/CdtrRefInf/Ref)")
    try:
        key = references.creditor_reference(p.reference)
    except InvalidInput as exc:
        raise _Bad(f"reference: {exc.reason}") from None
    if p.bank_ref is None:
        raise _Bad("no bank transaction reference (AcctSvcrRef)", key)
    if len(p.bank_ref) > 35:
        raise _Bad("bank transaction reference (AcctSvcrRef) longer than 35 characters", key)
    if p.credit_debit != "CRDT":
        raise _Bad(f"not an incoming payment (CdtDbtInd {p.credit_debit or 'missing'})", key)
    if p.status not in (None, "BOOK"):
        raise _Bad(f"entry not booked (Sts {p.status})", key)
    if p.amount is None:
        raise _Bad("no amount (Amt)", key)
    if not _AMOUNT.fullmatch(p.amount):
        raise _Bad("amount (Amt) is not a sum of euros and cents like 12.50", key)
    whole, _, cents = p.amount.partition(".")
    amount = int(whole) * 100 + int(cents.ljust(2, "0") or "0")
    if amount <= 0:
        raise _Bad("amount (Amt) is not positive", key)
    if p.currency != "EUR":
        raise _Bad(f"currency (Amt Ccy) {p.currency or 'missing'}, not EUR", key)
    try:
        booked = dt.date.fromisoformat((p.booked_on or "")[:10])
    except ValueError:
        raise _Bad("booking date (BookgDt) missing or not a date", key) from None
    return _Checked(p, p.bank_ref, key, amount, booked)


@dataclass
class _Invoice:
    id: int
    person_id: int
    amount_cents: int
    status: str
    paid_cents: int  # payments applied so far (this file's included)


class _Matcher:
    def __init__(self, uow: UnitOfWork, result: PaymentImport, file_id: int, now: dt.datetime):
        self.uow = uow
        # A chunk's values go in one IN list on SQLite (CHUNK payments, two forms of each
        # reference: under its limit of 32,766 bound values), one array on PostgreSQL.
        self.dialect = uow.connection.dialect.name
        self.result = result
        self.file_id = file_id
        self.provenance = Provenance(Source.OTHER_COMPANY, now, f"camt.054 {result.name}"[:200])
        # An invoice's status is the register's own data: it changes it, on the bank's word.
        self.settled = Provenance(Source.REGISTER_ITSELF, now, f"camt.054 {result.name}"[:200])
        self.seen: set[str] = set()  # bank references read from this file so far
        self.invoices: dict[int, _Invoice] = {}
        # Kept for review in the chunk at hand, stored with their tasks at its end.
        self.review: list[tuple[dict[str, Any], str, str]] = []
        self.review_quarantine: list[tuple[dict[str, Any], str]] = []

    def apply(self, chunk: list[camt054.Payment]) -> None:
        self.result.payments += len(chunk)
        good: list[_Checked] = []
        bad: list[tuple[camt054.Payment, _Bad]] = []
        for p in chunk:
            try:
                good.append(_checked(p))
            except _Bad as refused:
                bad.append((p, refused))
        known = self._known_refs([p.bank_ref for p in chunk if p.bank_ref])
        by_key = self._invoices_by_key({c.key for c in good} | {b.key for _, b in bad if b.key})
        plain: list[dict[str, Any]] = []
        settle: dict[int, dt.date] = {}
        # Each good payment's row through the write path's sources check, the chunk at once.
        columns = received_many(
            self.uow,
            payment,
            [
                (
                    {
                        "paid_on": c.booked_on,
                        "amount_cents": c.cents,
                        "method": METHOD,
                        "bank_ref": c.bank_ref,
                    },
                    self.provenance,
                )
                for c in good
            ],
        )
        for p, why in bad:
            if self._duplicate(p.bank_ref, known):
                continue
            found = by_key.get(why.key or "", [])
            self._quarantine(p, why.reason, found[0].id if len(found) == 1 else None)
        for c, given in zip(good, columns, strict=True):
            if self._duplicate(c.bank_ref, known):
                continue
            found = by_key.get(c.key, [])
            if not found:
                self._quarantine(c.raw, "no invoice has this reference", None)
                continue
            if len(found) > 1:
                self._quarantine(c.raw, "more than one invoice has this reference", None)
                continue
            inv = found[0]
            if inv.status == InvoiceStatus.CANCELLED:
                self._quarantine(c.raw, "the invoice was cancelled", inv.id)
                continue
            self._pay(c, given, inv, plain, settle)
        bulk_insert(self.uow.connection, payment, plain)
        self._store_for_review()
        self._settle(settle)

    def _duplicate(self, bank_ref: str | None, known: set[str]) -> bool:
        if bank_ref is None:
            return False
        if bank_ref in known or bank_ref in self.seen:
            self.result.duplicate += 1
            return True
        self.seen.add(bank_ref)
        return False

    def _known_refs(self, refs: list[str]) -> set[str]:
        refs = [r for r in refs if len(r) <= 35]
        if not refs:
            return set()
        found: set[str] = set()
        for column in (payment.c.bank_ref, payment_quarantine.c.bank_ref):
            found |= set(
                self.uow.execute(select(column).where(one_of(self.dialect, column, refs)))
                .scalars()
                .all()
            )
        return {str(r) for r in found}

    def _invoices_by_key(self, keys: set[str]) -> dict[str, list[_Invoice]]:
        """The invoices each reference key names. Invoices are stored with their reference in
        the same normal form (domain/references.creditor_reference, as the Finvoice import
        writes it), so a key is looked up as it is."""
        if not keys:
            return {}
        rows = self.uow.execute(
            select(
                invoice.c.id,
                invoice.c.person_id,
                invoice.c.amount_cents,
                invoice.c.status,
                invoice.c.reference,
            ).where(one_of(self.dialect, invoice.c.reference, sorted(keys)))
        ).all()
        new = [r[0] for r in rows if r[0] not in self.invoices]
        paid: dict[int, int] = {}
        if new:
            paid = {
                int(i): int(s)
                for i, s in self.uow.execute(
                    select(payment.c.invoice_id, func.sum(payment.c.amount_cents))
                    .where(one_of(self.dialect, payment.c.invoice_id, new))
                    .group_by(payment.c.invoice_id)
                )
            }
        out: dict[str, list[_Invoice]] = {}
        # Unpacked as tuples: a Row's attributes are looked up by name each time, and a chunk
        # of a bank file has thousands of rows.
        for invoice_id, person_id, amount_cents, status, reference in rows:
            inv = self.invoices.get(invoice_id)
            if inv is None:
                inv = _Invoice(invoice_id, person_id, amount_cents, status, paid.get(invoice_id, 0))
                self.invoices[invoice_id] = inv
            out.setdefault(reference, []).append(inv)
        return out

    def _pay(
        self,
        c: _Checked,
        given: dict[str, Any],
        inv: _Invoice,
        plain: list[dict[str, Any]],
        settle: dict[int, dt.date],
    ) -> None:
        balance = inv.amount_cents - inv.paid_cents
        inv.paid_cents += c.cents
        row = {
            "invoice_id": inv.id,
            **given,
            "source": self.provenance.source.value,
            "source_detail": self.provenance.detail,
            "received_at": self.provenance.received_at,
        }
        if inv.status == InvoiceStatus.PAID or balance <= 0:
            self.result.repeated += 1
            self._for_review(row, c.cents, TASK_REPEATED, "a payment of an invoice already paid")
            return
        if c.cents < balance:
            self.result.partial += 1
            plain.append({**row, "excess_cents": None})
            return
        inv.status = InvoiceStatus.PAID
        settle[inv.id] = c.booked_on
        if c.cents == balance:
            self.result.applied += 1
            plain.append({**row, "excess_cents": None})
            return
        self.result.over += 1
        excess = c.cents - balance
        self._for_review(
            row, excess, TASK_OVER, f"over-payment: {excess // 100}.{excess % 100:02d} EUR over"
        )

    def _for_review(self, row: dict[str, Any], excess: int, kind: str, reason: str) -> None:
        self.review.append(({**row, "excess_cents": excess}, kind, reason))

    def _quarantine(self, p: camt054.Payment, reason: str, invoice_id: int | None) -> None:
        self.result.quarantined.append((p.entry_no, reason))
        fields = {
            "quarantined_at": self.provenance.received_at,
            "bank_ref": _cut(p.bank_ref, 35),
            "reference": _cut(p.reference, 35),
            "amount": _cut(p.amount, 40),
            "currency": _cut(p.currency, 3),
            "booked_on": _cut(p.booked_on, 10),
            "payer_name": _cut(p.payer_name, 140),
            "reason": reason[:300],
        }
        row = {
            "file_id": self.file_id,
            "entry_no": p.entry_no,
            "invoice_id": invoice_id,
            **received(self.uow, payment_quarantine, fields, self.provenance),
            "source": self.provenance.source.value,
            "source_detail": self.provenance.detail,
            "received_at": self.provenance.received_at,
        }
        why = f"payment {p.entry_no} of {self.result.name[:120]}: {reason}"
        self.review_quarantine.append((row, why))

    def _next_id(self, table: Any) -> int:
        # The rows a task names are loaded with their ids (the bulk loader moves PostgreSQL's
        # sequence past them). The file's row, written first, holds SQLite's write lock; two
        # imports at once on PostgreSQL may pick the same ids, and the second then fails
        # whole on the primary key, changing nothing.
        return (
            int(self.uow.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1
        )

    def _store_for_review(self) -> None:
        """The chunk's payments kept for review and quarantined, each with its staff task."""
        opened: list[tuple[str, str, int, str]] = []
        if self.review:
            first = self._next_id(payment)
            rows = [{"id": first + i, **row} for i, (row, _, _) in enumerate(self.review)]
            bulk_insert(self.uow.connection, payment, rows)
            opened += [
                (kind, "payment", first + i, reason)
                for i, (_, kind, reason) in enumerate(self.review)
            ]
        if self.review_quarantine:
            first = self._next_id(payment_quarantine)
            rows = [{"id": first + i, **row} for i, (row, _) in enumerate(self.review_quarantine)]
            bulk_insert(self.uow.connection, payment_quarantine, rows)
            opened += [
                (TASK_QUARANTINED, "payment_quarantine", first + i, why)
                for i, (_, why) in enumerate(self.review_quarantine)
            ]
        tasks.open_tasks(self.uow, opened)
        self.review, self.review_quarantine = [], []

    def _settle(self, settle: dict[int, dt.date]) -> None:
        write_attributes_many(
            self.uow,
            invoice,
            [
                RowChange(
                    invoice_id,
                    self.invoices[invoice_id].person_id,
                    {"status": InvoiceStatus.PAID.value, "paid_on": paid_on},
                )
                for invoice_id, paid_on in settle.items()
            ],
            coded(Reason.PAID_BY_BANK),
            self.settled,
            writable=_SETTLES,
        )


def _cut(value: str | None, n: int) -> str | None:
    return None if value is None else value[:n]
