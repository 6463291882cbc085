"""Reading ISO 20022 camt.054 (BankToCustomerDebitCreditNotification), the notification Finnish
banks send of incoming reference payments: parsing only, no database.

Streamed with defusedxml's iterparse: no DTD, no entity, no external reference is ever
processed (a file declaring one is refused whole), and every element is cleared and let go of
once read, whatever it is, so memory holds only the path being read: a file of 100,000 payments
(or of a million elements the register does not read) never becomes one tree. Versions
camt.054.001.02 to .001.13 are read: the elements the register reads kept their paths across
them, except the debtor's name, which moved under `Pty` (version 08 on), and the status, which
became a code element (`Sts/Cd`). docs/formats/camt054.md lists the elements read.

Two kinds of trouble, kept apart: a file that is not a well-formed camt.054 (or is hostile) is
refused whole with `InvalidInput` naming the file and where; a payment with a bad or missing
value is still yielded, as the bank stated it, for the service to quarantine with its reason
(a bank cannot resend a corrected file).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from rekisteri.domain.errors import InvalidInput

NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.054\.001\.(0[2-9]|1[0-3])")
MAX_DEPTH = 24  # the deepest path read is 10 levels; a deeper file is not a notification
MAX_TEXT = 1000  # longer than any element read is allowed to be (the longest, Nm, is 140)
MAX_PAYMENTS = 1_000_000  # per file; a bank splits larger runs into several notifications


@dataclass(frozen=True)
class Payment:
    """One incoming payment as the bank stated it (values unchecked: the service checks)."""

    entry_no: int  # the payment's position in the file, from 1
    bank_ref: str | None
    reference: str | None
    amount: str | None
    currency: str | None
    credit_debit: str | None  # CRDT | DBIT
    status: str | None  # BOOK | PDNG | INFO
    booked_on: str | None
    payer_name: str | None


@dataclass
class _Entry:
    fields: dict[str, str] = field(default_factory=dict)
    attrs: dict[str, str] = field(default_factory=dict)
    transactions: int = 0


# Paths below Ntry (entry) and below TxDtls (transaction) whose text the register reads.
_ENTRY_PATHS = {
    ("Amt",): "amount",
    ("CdtDbtInd",): "credit_debit",
    ("Sts",): "status",
    ("Sts", "Cd"): "status",
    ("BookgDt", "Dt"): "booked_on",
    ("BookgDt", "DtTm"): "booked_on",
    ("AcctSvcrRef",): "bank_ref",
    ("NtryDtls", "Btch", "NbOfTxs"): "transactions",
}
_TX_PATHS = {
    ("Refs", "AcctSvcrRef"): "bank_ref",
    ("Amt",): "amount",
    ("AmtDtls", "TxAmt", "Amt"): "amount",
    ("CdtDbtInd",): "credit_debit",
    ("RltdPties", "Dbtr", "Nm"): "payer_name",
    ("RltdPties", "Dbtr", "Pty", "Nm"): "payer_name",
    ("RmtInf", "Strd", "CdtrRefInf", "Ref"): "reference",
}
_NTRY = ("Document", "BkToCstmrDbtCdtNtfctn", "Ntfctn", "Ntry")
_TXDTLS = ("NtryDtls", "TxDtls")
_MSG_ID = ("Document", "BkToCstmrDbtCdtNtfctn", "GrpHdr", "MsgId")


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


class Notification:
    """A camt.054 file read as it streams: iterate for its payments; `message_id` and `version`
    are known once the iteration has begun."""

    def __init__(self, source: IO[bytes], name: str) -> None:
        self.source = source
        self.name = name
        self.message_id: str | None = None
        self.version: str | None = None

    def refused(self, what: str, line: int | None = None) -> InvalidInput:
        where = f"{self.name}, line {line}" if line else self.name
        return InvalidInput("file", what, where=where)

    def __iter__(self) -> Iterator[Payment]:
        try:
            yield from self._payments()
        except DefusedXmlException as exc:
            raise self.refused(
                f"refused: the XML declares {type(exc).__name__.removesuffix('Forbidden')} "
                "(no DTD, entity or external reference is read)"
            ) from None
        except ParseError as exc:
            line = exc.position[0] if exc.position else None
            raise self.refused(f"is not well-formed XML ({exc.msg})", line) from None

    def _payments(self) -> Iterator[Payment]:
        events: Any = iterparse(
            self.source, events=("start", "end"), forbid_dtd=True, forbid_entities=True
        )
        path: list[str] = []
        open_elements: list[Any] = []  # the elements along `path`, to let each go once read
        entry: _Entry | None = None
        tx: dict[str, str] | None = None
        tx_attrs: dict[str, str] = {}
        count = 0
        for event, elem in events:
            ns, name = _local(elem.tag)
            if event == "start":
                path.append(name)
                open_elements.append(elem)
                depth = len(path)
                if depth > MAX_DEPTH:
                    raise self.refused(f"nests elements deeper than {MAX_DEPTH} levels")
                if depth == 1:
                    found = NAMESPACE.fullmatch(ns)
                    if name != "Document" or found is None:
                        raise self.refused(
                            "is not a camt.054 notification (the root must be Document in the "
                            "namespace urn:iso:std:iso:20022:tech:xsd:camt.054.001.02 to .13)"
                        )
                    self.version = f"camt.054.001.{found.group(1)}"
                    self._ns = ns
                    continue
                if ns != self._ns:
                    raise self.refused(f"element {name} is outside the camt.054 namespace")
                if depth == 2 and name != "BkToCstmrDbtCdtNtfctn":
                    raise self.refused(f"{name} is no BkToCstmrDbtCdtNtfctn")
                if tuple(path) == _NTRY:
                    entry = _Entry()
                elif entry is not None and tuple(path[4:]) == _TXDTLS:
                    tx, tx_attrs = {}, {}
                continue
            # end
            here = tuple(path)
            text = (elem.text or "").strip()
            if len(text) > MAX_TEXT:
                raise self.refused(f"element {name} holds more than {MAX_TEXT} characters")
            if entry is not None and len(here) > 4:
                inner = here[4:]
                if tx is not None and inner[:2] == _TXDTLS and len(inner) > 2:
                    key = _TX_PATHS.get(inner[2:])
                    if key is not None:
                        tx[key] = text
                        if key == "amount" and "Ccy" in elem.attrib:
                            tx_attrs["currency"] = elem.attrib["Ccy"]
                elif inner == _TXDTLS and tx is not None:
                    count += 1
                    entry.transactions += 1
                    yield self._payment(count, entry, tx, tx_attrs)
                    tx = None
                else:
                    key = _ENTRY_PATHS.get(inner)
                    # Sts ends after its Cd (version 08 on): its own blank text is no value.
                    if key is not None and (text or key not in entry.fields):
                        entry.fields[key] = text
                        if key == "amount" and "Ccy" in elem.attrib:
                            entry.attrs["currency"] = elem.attrib["Ccy"]
            elif here == _NTRY and entry is not None:
                if entry.transactions == 0:  # an entry without details is one payment
                    count += 1
                    yield self._payment(count, entry, {}, {})
                entry = None
            elif here == _MSG_ID:
                self.message_id = (elem.text or "").strip()[:35] or None
            if count > MAX_PAYMENTS:
                raise self.refused(f"holds more than {MAX_PAYMENTS:,} payments")
            path.pop()
            open_elements.pop()
            # Read: let it go, so its text, attributes and children are not kept, and its
            # parent does not gather the siblings that came before it.
            elem.clear()
            if open_elements:
                open_elements[-1].remove(elem)
        if self.version is None:
            raise self.refused("is empty")

    def _payment(
        self, n: int, entry: _Entry, tx: dict[str, str], tx_attrs: dict[str, str]
    ) -> Payment:
        e = entry.fields
        single = e.get("transactions", "1") == "1"
        # A transaction without its own amount or reference is the entry's, when it is the
        # entry's only one; in a batch, the entry's values are the batch's, not this payment's.
        own = tx.get("amount")
        amount = own if own is not None else (e.get("amount") if single else None)
        currency = tx_attrs.get("currency") if own is not None else entry.attrs.get("currency")
        bank_ref = tx.get("bank_ref")
        if bank_ref is None and e.get("bank_ref"):
            bank_ref = e["bank_ref"] if single else f"{e['bank_ref']}/{entry.transactions}"
        return Payment(
            entry_no=n,
            bank_ref=bank_ref or None,
            reference=tx.get("reference") or None,
            amount=amount,
            currency=currency,
            credit_debit=tx.get("credit_debit") or e.get("credit_debit"),
            status=e.get("status"),
            booked_on=e.get("booked_on"),
            payer_name=tx.get("payer_name") or None,
        )


@dataclass(frozen=True)
class Chunk:
    """Payments of a notification in file order, with the message's id and version as far as
    read (the version from the root element on; the id once its element has been read, which
    the standard puts before the payments, so the last chunk's are the file's)."""

    payments: list[Payment]
    version: str | None
    message_id: str | None


def read_chunks(source: Path | bytes, name: str, size: int) -> Iterator[Chunk]:
    """The notification's payments `size` at a time, read from a file or bytes: what a parser
    of its own process hands back (adapters/read_ahead.read_apart)."""
    with source.open("rb") if isinstance(source, Path) else io.BytesIO(source) as f:
        notification = Notification(f, name)
        payments: list[Payment] = []
        for p in notification:
            payments.append(p)
            if len(payments) >= size:
                yield Chunk(payments, notification.version, notification.message_id)
                payments = []
        # The last chunk, even an empty one: the message's id may follow the last payment.
        yield Chunk(payments, notification.version, notification.message_id)
