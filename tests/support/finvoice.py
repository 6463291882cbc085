"""Finvoice 3.0 files for tests, made from the sample message in tests/data/finvoice/.

`message(...)` is the sample (a January invoice of customer 100001's contract S1000002, the
numbers `make_customer` gives the first customer of a new register) with the values a test
names replaced; `batch(...)` puts messages one after another, each behind its SOAP envelope,
as a billing system's batch file does.
"""

from __future__ import annotations

import re
from pathlib import Path

from rekisteri.domain.references import make_invoice_reference

DATA = Path(__file__).resolve().parents[1] / "data" / "finvoice"
SAMPLE = DATA / "invoice.xml"  # ISO-8859-15, as many billing systems write them
BATCH = DATA / "batch.xml"  # three messages behind their envelopes, UTF-8
_ENVELOPE = re.compile(r"<\?xml[^>]*>\s*<SOAP-ENV:Envelope.*?</SOAP-ENV:Envelope>\s*", re.S)


def sample_text() -> str:
    return SAMPLE.read_bytes().decode("iso-8859-15").replace("ISO-8859-15", "UTF-8")


def envelope(number: str) -> str:
    found = _ENVELOPE.search(BATCH.read_text(encoding="utf-8"))
    assert found is not None
    return found.group(0).replace("2026000101", number)


def _set(text: str, pattern: str, value: str) -> str:
    new, count = re.subn(pattern, lambda m: m.group(1) + value + m.group(2), text)
    assert count == 1, pattern
    return new


def message(
    number: str = "2026000101",
    *,
    customer: str = "100001",
    contract: str | None = "S1000002",
    amount: str = "88,68",
    currency: str = "EUR",
    issued: str = "20260202",
    due: str = "20260216",
    status: str | None = "NOTPAID",
    reference: str | None = None,
    scheme: str = "SPY",
    recipient: str | None = "FI2112345600000785",
    version: str = "3.0",
) -> str:
    """The sample message with these values (the reference by default the Finnish one made
    from the invoice number)."""
    text = sample_text()
    ref = reference if reference is not None else make_invoice_reference(number)
    text = _set(text, r"(<InvoiceNumber>)[^<]*(</InvoiceNumber>)", number)
    text = _set(text, r"(<BuyerPartyIdentifier>)[^<]*(</BuyerPartyIdentifier>)", customer)
    text = _set(text, r'(<Finvoice Version=")[^"]*(")', version)
    text = _set(
        text, r'(<InvoiceTotalVatIncludedAmount AmountCurrencyIdentifier=")EUR(">)', currency
    )
    text = _set(text, r"(<InvoiceTotalVatIncludedAmount [^>]*>)[^<]*(<)", amount)
    text = _set(text, r'(<InvoiceDate Format="CCYYMMDD">)[^<]*(<)', issued)
    text = _set(text, r'(<InvoiceDueDate Format="CCYYMMDD">)[^<]*(<)', due)
    text = _set(text, r'(<EpiRemittanceInfoIdentifier IdentificationSchemeName=")[^"]*(")', scheme)
    text = _set(text, r"(<EpiRemittanceInfoIdentifier [^>]*>)[^<]*(<)", ref)
    if contract is None:
        text = re.sub(r"\s*<AgreementIdentifier>[^<]*</AgreementIdentifier>", "", text)
    else:
        text = _set(text, r"(<AgreementIdentifier>)[^<]*(</AgreementIdentifier>)", contract)
    if status is None:
        text = re.sub(r"\s*<PaymentStatusDetails>.*?</PaymentStatusDetails>", "", text, flags=re.S)
    else:
        text = _set(text, r"(<PaymentStatusCode>)[^<]*(</PaymentStatusCode>)", status)
    if recipient is None:
        text = re.sub(
            r"\s*<InvoiceRecipientDetails>.*?</InvoiceRecipientDetails>", "", text, flags=re.S
        )
    else:
        text = _set(
            text, r"(<InvoiceRecipientAddress>)[^<]*(</InvoiceRecipientAddress>)", recipient
        )
        if "@" in recipient:
            text = re.sub(r"\s*<InvoiceRecipientIntermediatorAddress>[^<]*<[^>]*>", "", text)
    return text


def batch(*messages: str) -> bytes:
    """Messages one after another, each behind its envelope, as one UTF-8 file."""
    parts = []
    for m in messages:
        found = re.search(r"<InvoiceNumber>([^<]*)<", m)
        parts.append(envelope(found.group(1) if found else "0") + m)
    return "".join(parts).encode("utf-8")


def write(path: Path, *messages: str) -> Path:
    path.write_bytes(batch(*messages))
    return path
