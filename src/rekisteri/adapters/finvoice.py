"""Finvoice 3.0 messages from the billing system, read safely, one message at a time.

A file holds one Finvoice message or a batch: messages one after another, each with its own XML
declaration, each optionally preceded by its SOAP envelope (the ebXML header the banks'
e-invoice channel frames a message with), which also has its own declaration. The file is cut
at the XML declarations and each piece is parsed alone by defusedxml with DTDs forbidden: no
entity can be declared, so neither entity expansion (billion laughs) nor an external entity
(XXE) can happen, and a file that tries is refused whole. A piece is at most MAX_MESSAGE_BYTES,
so memory holds one message whatever the size of the batch.

Only the elements the register keeps are read (docs/formats/finvoice.md names them); each is
bounded and checked, and a bad one is InvalidInput naming the file, the message's number in
the file (envelopes not counted) and the element. The output is plain data: which customer,
contract and invoice the numbers name is the service's business (services/billing/invoices).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import fromstring

from rekisteri.domain import references
from rekisteri.domain.errors import InvalidInput, excerpt
from rekisteri.domain.register import BillingMethod, InvoiceStatus

VERSION = "3.0"
MAX_MESSAGE_BYTES = 1 << 20  # a consumer's energy invoice is a few kilobytes
BLOCK_BYTES = 1 << 20
_DECLARATION = b"<?xml"
_LEADING = b"\xef\xbb\xbf \t\r\n"  # a byte order mark or blank lines before a declaration

# Finvoice elements, as the errors name them (paths from the message's root, Finvoice).
E_VERSION = "Finvoice/@Version"
E_CUSTOMER = "BuyerPartyDetails/BuyerPartyIdentifier"
E_TYPE = "InvoiceDetails/InvoiceTypeCode"
E_NUMBER = "InvoiceDetails/InvoiceNumber"
E_DATE = "InvoiceDetails/InvoiceDate"
E_CONTRACT = "InvoiceDetails/AgreementIdentifier"
E_TOTAL = "InvoiceDetails/InvoiceTotalVatIncludedAmount"
E_DUE = "InvoiceDetails/PaymentTermsDetails/InvoiceDueDate"
E_STATUS = "PaymentStatusDetails/PaymentStatusCode"
E_RECIPIENT = "InvoiceRecipientDetails/InvoiceRecipientAddress"
E_REFERENCE = "EpiDetails/EpiPaymentInstructionDetails/EpiRemittanceInfoIdentifier"

INVOICE_TYPE = "INV01"  # an invoice; credit notes and reminders are not read (yet)
# Finvoice's own payment statuses, and the two the register's billing system adds for the
# states Finvoice has no code for (docs/formats/finvoice.md).
STATUSES = {
    "NOTPAID": InvoiceStatus.OPEN,
    "PARTLYPAID": InvoiceStatus.OPEN,
    "PAID": InvoiceStatus.PAID,
    "CANCELLED": InvoiceStatus.CANCELLED,
    "COLLECTION": InvoiceStatus.IN_COLLECTION,
}
_NUMBER = re.compile(r"[0-9A-Za-z][0-9A-Za-z/-]{0,15}")
_CUSTOMER = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,19}")
_AMOUNT = re.compile(r"\d{1,7}(,\d{1,2})?")  # at most 9 999 999,99 euros: cents fit 32 bits
_DATE = re.compile(r"\d{8}")
_YEARS = (1990, 2100)
REFERENCE_MAX = 20  # the register's column


@dataclass(frozen=True, slots=True)
class FinvoiceInvoice:
    """What the register keeps of one message, as the message states it."""

    message: int  # its number in the file, from 1
    invoice_number: str
    customer_number: str
    contract_number: str | None
    reference: str
    issued_on: dt.date
    due_on: dt.date
    amount_cents: int
    status: InvoiceStatus
    delivery_method: BillingMethod


def bad(name: str, message: int, element: str, reason: str) -> InvalidInput:
    return InvalidInput(element, reason, where=f"{name}, message {message}")


def read_invoices(stream: IO[bytes], name: str) -> Iterator[FinvoiceInvoice]:
    """The file's invoices in order; raises InvalidInput for the first bad message."""
    number = 0
    pieces = _pieces(stream)
    while True:
        try:
            piece = next(pieces, None)
        except _TooLong:
            raise bad(
                name,
                number + 1,
                "Finvoice",
                f"is longer than {MAX_MESSAGE_BYTES:,} bytes (one message, or messages "
                "without their own XML declarations)",
            ) from None
        if piece is None:
            return
        root = _parse(piece, name, number + 1)
        if _local(root.tag) == "Envelope":
            continue  # the transport's header: names the sender and receiver, nothing kept
        number += 1
        try:
            yield invoice_of(root, number)
        except InvalidInput as exc:
            raise bad(name, number, exc.field, exc.reason) from None


class _TooLong(Exception):
    """A piece past MAX_MESSAGE_BYTES: reading stops there."""


def _pieces(stream: IO[bytes]) -> Iterator[bytes]:
    """The file cut before each XML declaration, in blocks, never holding more than one
    piece (at most MAX_MESSAGE_BYTES) and one block."""
    buffer = b""
    while True:
        block = stream.read(BLOCK_BYTES)
        searched = max(len(buffer) - len(_DECLARATION), 0)
        buffer += block
        start = 0
        while (cut := buffer.find(_DECLARATION, max(searched, start + 1))) != -1:
            piece = buffer[start:cut].lstrip(_LEADING)
            if len(piece) > MAX_MESSAGE_BYTES:
                raise _TooLong
            if piece:
                yield piece
            start = searched = cut
        buffer = buffer[start:]
        if len(buffer.lstrip(_LEADING)) > MAX_MESSAGE_BYTES:
            raise _TooLong
        if not block:
            if buffer.strip(_LEADING):
                yield buffer.lstrip(_LEADING)
            return


def _parse(piece: bytes, name: str, number: int) -> Element:
    try:
        root: Element = fromstring(piece, forbid_dtd=True)
    except DTDForbidden:
        raise bad(
            name,
            number,
            "DOCTYPE",
            "declares a DTD; refused whole (no entity or external reference is ever read)",
        ) from None
    except DefusedXmlException as exc:  # entities or external references without a DTD
        raise bad(name, number, "XML", f"refused: {type(exc).__name__}") from None
    except ParseError as exc:
        raise bad(name, number, "XML", f"is not well-formed: {exc}") from None
    return root


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def invoice_of(root: Element, number: int) -> FinvoiceInvoice:
    """The kept elements of one parsed message; InvalidInput naming the first bad one."""
    if root.tag != "Finvoice":
        raise InvalidInput(
            "Finvoice", f"is missing: the root element is {excerpt(_local(root.tag))}"
        )
    if root.get("Version") != VERSION:
        raise InvalidInput(
            E_VERSION, f"is {excerpt(root.get('Version') or '')}, the register reads {VERSION}"
        )
    kind = _text(root, E_TYPE)
    if kind != INVOICE_TYPE:
        raise InvalidInput(E_TYPE, f"is {excerpt(kind)}; only invoices ({INVOICE_TYPE}) are read")
    issued = _date(root, E_DATE)
    due = _date(root, E_DUE)
    if due < issued:
        raise InvalidInput(E_DUE, f"{due} is before the invoice date {issued}")
    contract = _optional(root, E_CONTRACT)
    return FinvoiceInvoice(
        message=number,
        invoice_number=_matching(root, E_NUMBER, _NUMBER, "1-16 letters, digits, - or /"),
        customer_number=_matching(root, E_CUSTOMER, _CUSTOMER, "a customer number"),
        contract_number=None
        if contract is None
        else _checked(contract, E_CONTRACT, _CUSTOMER, "a contract number"),
        reference=_reference(root),
        issued_on=issued,
        due_on=due,
        amount_cents=_amount(root),
        status=_status(root),
        delivery_method=_delivery(root),
    )


def _element(root: Element, path: str) -> Element | None:
    return root.find(path)


def _optional(root: Element, path: str) -> str | None:
    found = _element(root, path)
    text = None if found is None else (found.text or "").strip()
    return text or None


def _text(root: Element, path: str) -> str:
    text = _optional(root, path)
    if text is None:
        raise InvalidInput(path, "is missing or empty")
    return text


def _checked(text: str, path: str, pattern: re.Pattern[str], what: str) -> str:
    if not pattern.fullmatch(text):
        raise InvalidInput(path, f"{excerpt(text)} is not {what}")
    return text


def _matching(root: Element, path: str, pattern: re.Pattern[str], what: str) -> str:
    return _checked(_text(root, path), path, pattern, what)


def _date(root: Element, path: str) -> dt.date:
    text = _text(root, path)
    found = _element(root, path)
    assert found is not None
    if found.get("Format") != "CCYYMMDD":
        raise InvalidInput(path, 'has no Format="CCYYMMDD"')
    if not _DATE.fullmatch(text):
        raise InvalidInput(path, f"{excerpt(text)} is not a date CCYYMMDD")
    try:
        day = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise InvalidInput(path, f"{text} is no day of the calendar") from None
    if not _YEARS[0] <= day.year <= _YEARS[1]:
        raise InvalidInput(path, f"{text} is not between {_YEARS[0]} and {_YEARS[1]}")
    return day


def _amount(root: Element) -> int:
    text = _text(root, E_TOTAL)
    found = _element(root, E_TOTAL)
    assert found is not None
    currency = found.get("AmountCurrencyIdentifier")
    if currency != "EUR":
        raise InvalidInput(E_TOTAL, f"is in {excerpt(currency or '(no currency)')}, not EUR")
    if not _AMOUNT.fullmatch(text):
        raise InvalidInput(
            E_TOTAL, f"{excerpt(text)} is not an amount of euros like 123,45 (0 to 9 999 999,99)"
        )
    euros, _, cents = text.partition(",")
    return int(euros) * 100 + int(cents.ljust(2, "0"))


def _reference(root: Element) -> str:
    text = _text(root, E_REFERENCE)
    found = _element(root, E_REFERENCE)
    assert found is not None
    scheme = found.get("IdentificationSchemeName")
    # Kept in the one normal form payments are matched by (domain/references): an RF reference
    # whose body is a Finnish reference is that Finnish reference.
    if scheme == "SPY":
        ref = references.finnish_reference(text, field=E_REFERENCE)
    elif scheme == "ISO":
        rf = references.rf_reference(text, field=E_REFERENCE)
        ref = references.creditor_reference(rf, field=E_REFERENCE)
    else:
        raise InvalidInput(
            E_REFERENCE,
            f"has IdentificationSchemeName {excerpt(scheme or '')}: SPY (Finnish reference) "
            "or ISO (RF creditor reference)",
        )
    if len(ref) > REFERENCE_MAX:
        raise InvalidInput(
            E_REFERENCE, f"is longer than the {REFERENCE_MAX} characters the register keeps"
        )
    return ref


def _status(root: Element) -> InvoiceStatus:
    code = _optional(root, E_STATUS)
    if code is None:
        return InvoiceStatus.OPEN
    if code not in STATUSES:
        raise InvalidInput(E_STATUS, f"{excerpt(code)} is not one of {', '.join(STATUSES)}")
    return STATUSES[code]


def _delivery(root: Element) -> BillingMethod:
    """An e-mail address as the recipient: sent by e-mail; an e-invoice address (with its
    intermediator): an e-invoice; no recipient details: on paper."""
    address = _optional(root, E_RECIPIENT)
    if address is None:
        return BillingMethod.PAPER
    return BillingMethod.EMAIL if "@" in address else BillingMethod.E_INVOICE
