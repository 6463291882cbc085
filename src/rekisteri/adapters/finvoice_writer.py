"""Writing Finvoice 3.0 batches as a billing system sends them: messages one after another,
each with its own XML declaration (docs/formats/finvoice.md). For the demo: a message carries
the parties, the invoice details, the payment status and the payment instructions, and no
invoice rows (the register reads none of them, and a row-less message keeps the demo fast)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from rekisteri.adapters.camt054_writer import ACCOUNT_IBAN

SELLER_ID = "1234567-8"  # the controller's business ID in the samples (docs/formats)
SELLER_NAME = "Esimerkkienergia Oy"
SELLER_BIC = "NDEAFIHH"


@dataclass(frozen=True)
class OutInvoice:
    invoice_number: str
    customer_number: str
    buyer_name: str
    contract_number: str | None
    reference: str  # a Finnish reference (SPY)
    issued_on: dt.date
    due_on: dt.date
    amount_cents: int
    status: str = "NOTPAID"
    recipient: str | None = None  # an e-invoice address or an e-mail address; None: paper


def _amount(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def _message(inv: OutInvoice) -> str:
    recipient = ""
    if inv.recipient is not None:
        intermediator = (
            ""
            if "@" in inv.recipient
            else f"<InvoiceRecipientIntermediatorAddress>{SELLER_BIC}"
            "</InvoiceRecipientIntermediatorAddress>"
        )
        recipient = (
            f"<InvoiceRecipientDetails><InvoiceRecipientAddress>{escape(inv.recipient)}"
            f"</InvoiceRecipientAddress>{intermediator}</InvoiceRecipientDetails>"
        )
    agreement = (
        f"<AgreementIdentifier>{escape(inv.contract_number)}</AgreementIdentifier>"
        if inv.contract_number
        else ""
    )
    total = _amount(inv.amount_cents)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Finvoice Version="3.0">'
        f"<SellerPartyDetails><SellerPartyIdentifier>{SELLER_ID}</SellerPartyIdentifier>"
        f"<SellerOrganisationName>{SELLER_NAME}</SellerOrganisationName></SellerPartyDetails>"
        f"<BuyerPartyDetails><BuyerPartyIdentifier>{escape(inv.customer_number)}"
        f"</BuyerPartyIdentifier><BuyerOrganisationName>{escape(inv.buyer_name)}"
        f"</BuyerOrganisationName></BuyerPartyDetails>{recipient}"
        "<InvoiceDetails><InvoiceTypeCode>INV01</InvoiceTypeCode>"
        f"<InvoiceNumber>{escape(inv.invoice_number)}</InvoiceNumber>"
        f'<InvoiceDate Format="CCYYMMDD">{inv.issued_on:%Y%m%d}</InvoiceDate>{agreement}'
        f'<InvoiceTotalVatIncludedAmount AmountCurrencyIdentifier="EUR">{total}'
        "</InvoiceTotalVatIncludedAmount><PaymentTermsDetails>"
        f'<InvoiceDueDate Format="CCYYMMDD">{inv.due_on:%Y%m%d}</InvoiceDueDate>'
        "</PaymentTermsDetails></InvoiceDetails>"
        f"<PaymentStatusDetails><PaymentStatusCode>{escape(inv.status)}</PaymentStatusCode>"
        "</PaymentStatusDetails><EpiDetails><EpiPaymentInstructionDetails>"
        '<EpiRemittanceInfoIdentifier IdentificationSchemeName="SPY">'
        f"{escape(inv.reference)}</EpiRemittanceInfoIdentifier>"
        f'<EpiAccountID IdentificationSchemeName="IBAN">{ACCOUNT_IBAN}</EpiAccountID>'
        f'<EpiInstructedAmount AmountCurrencyIdentifier="EUR">{total}</EpiInstructedAmount>'
        f'<EpiDateOptionDate Format="CCYYMMDD">{inv.due_on:%Y%m%d}</EpiDateOptionDate>'
        "</EpiPaymentInstructionDetails></EpiDetails></Finvoice>\n"
    )


def write_batch(out: IO[str], invoices: Iterable[OutInvoice]) -> int:
    """The messages one after another; how many were written."""
    n = 0
    for inv in invoices:
        out.write(_message(inv))
        n += 1
    return n


def write_batch_file(path: Path, invoices: Iterable[OutInvoice]) -> int:
    with path.open("w", encoding="utf-8") as f:
        return write_batch(f, invoices)
