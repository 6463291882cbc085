"""Writing camt.054 notifications as a Finnish bank sends them for incoming reference payments:
one entry (Ntry) per payment, its details in one TxDtls. For the demo, the tests and the bench;
the shape follows docs/formats/camt054.md (camt.054.001.02 by default, .08 with the debtor's
name under Pty)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

ACCOUNT_IBAN = "FI4950009420028730"  # the controller's collection account (a test IBAN)


@dataclass(frozen=True)
class OutPayment:
    bank_ref: str | None
    reference: str | None
    amount: str  # as written, e.g. "123.45"
    booked_on: dt.date | str
    payer_name: str | None = None
    currency: str = "EUR"
    credit_debit: str = "CRDT"


def _el(name: str, value: str | None) -> str:
    return "" if value is None else f"<{name}>{escape(value)}</{name}>"


def _entry(p: OutPayment, version: str) -> str:
    booked = p.booked_on.isoformat() if isinstance(p.booked_on, dt.date) else p.booked_on
    status = "<Sts><Cd>BOOK</Cd></Sts>" if version >= "08" else "<Sts>BOOK</Sts>"
    name = _el("Nm", p.payer_name)
    debtor = (f"<Pty>{name}</Pty>" if version >= "08" else name) if name else ""
    parties = f"<RltdPties><Dbtr>{debtor}</Dbtr></RltdPties>" if debtor else ""
    remittance = (
        "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
        f"{_el('Ref', p.reference)}</CdtrRefInf></Strd></RmtInf>"
        if p.reference is not None
        else ""
    )
    amount = f"<Amt Ccy={quoteattr(p.currency)}>{escape(p.amount)}</Amt>"
    return (
        f"<Ntry>{amount}<CdtDbtInd>{escape(p.credit_debit)}</CdtDbtInd>{status}"
        f"<BookgDt><Dt>{escape(booked)}</Dt></BookgDt><ValDt><Dt>{escape(booked)}</Dt></ValDt>"
        f"{_el('AcctSvcrRef', p.bank_ref)}"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly>"
        "</Domn></BkTxCd>"
        f"<NtryDtls><TxDtls><Refs>{_el('AcctSvcrRef', p.bank_ref)}</Refs>"
        f"<AmtDtls><TxAmt>{amount}</TxAmt></AmtDtls>{parties}{remittance}</TxDtls></NtryDtls>"
        "</Ntry>\n"
    )


def write_notification(
    out: IO[str],
    payments: Iterable[OutPayment],
    *,
    message_id: str = "CAMT054-0001",
    created: dt.datetime | None = None,
    version: str = "02",
) -> None:
    at = (created or dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)).isoformat(timespec="seconds")
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.054.001.{version}"
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="{ns}"><BkToCstmrDbtCdtNtfctn>'
        f"<GrpHdr><MsgId>{escape(message_id)}</MsgId><CreDtTm>{at}</CreDtTm></GrpHdr>\n"
        f"<Ntfctn><Id>{escape(message_id)}-1</Id><CreDtTm>{at}</CreDtTm>"
        f"<Acct><Id><IBAN>{ACCOUNT_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
    )
    for p in payments:
        out.write(_entry(p, version))
    out.write("</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n")


def write_notification_file(path: Path, payments: Iterable[OutPayment], **kw: object) -> Path:
    with path.open("w", encoding="utf-8") as f:
        write_notification(f, payments, **kw)  # type: ignore[arg-type]
    return path
