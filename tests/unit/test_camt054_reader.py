"""The camt.054 reader on the sample files (docs/formats/camt054.md), on broken ones and on
large ones (the creditor references payments name invoices by: test_references.py)."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest

from rekisteri.adapters import camt054
from rekisteri.adapters.camt054_writer import OutPayment, write_notification
from rekisteri.domain.errors import InvalidInput

DATA = Path(__file__).parents[1] / "data" / "camt054"


def _read(data: bytes, name: str = "n.xml") -> tuple[list[camt054.Payment], camt054.Notification]:
    n = camt054.Notification(io.BytesIO(data), name)
    return list(n), n


def test_the_v02_sample_a_batch_entry_and_a_single_one() -> None:
    payments, n = _read((DATA / "reference_payments_v02.xml").read_bytes())
    assert (n.version, n.message_id) == ("camt.054.001.02", "20261130-REF-0001")
    assert [(p.entry_no, p.bank_ref, p.reference, p.amount, p.payer_name) for p in payments] == [
        (1, "261130593497S00001A1", "50000018", "123.45", "MEIKALAINEN MAIJA"),
        (2, "261130593497S00001A2", "RF4150000021", "200.00", "VIRTANEN PEKKA"),
        # No TxDtls/Refs or amount of its own: the entry's, since it is the entry's only one.
        (3, "261130593497S00002", "50000034", "45.10", "ESIMERKKI OY"),
    ]
    assert {(p.currency, p.credit_debit, p.status, p.booked_on) for p in payments} == {
        ("EUR", "CRDT", "BOOK", "2026-11-30")
    }


def test_the_v08_sample_status_code_and_the_debtor_under_pty() -> None:
    (p,), n = _read((DATA / "reference_payment_v08.xml").read_bytes())
    assert n.version == "camt.054.001.08"
    assert (p.status, p.amount, p.payer_name, p.reference) == (
        "BOOK",
        "99.90",
        "KORHONEN AINO",
        "RF18 5390 0754 7034",
    )


def test_a_batch_entry_without_transaction_references_numbers_its_payments() -> None:
    text = (DATA / "reference_payments_v02.xml").read_text(encoding="utf-8")
    for n in (1, 2):
        text = text.replace(f"<Refs><AcctSvcrRef>261130593497S00001A{n}</AcctSvcrRef></Refs>", "")
    payments, _ = _read(text.encode())
    assert [p.bank_ref for p in payments[:2]] == ["261130593497S00001/1", "261130593497S00001/2"]


def test_the_writer_and_the_reader_agree() -> None:
    out = io.StringIO()
    sent = [
        OutPayment("B1", "50000018", "1.00", "2026-01-02", "Ääkkönen Åsa"),
        OutPayment(None, None, "bad", "x", currency="SEK", credit_debit="DBIT"),
    ]
    for version in ("02", "08"):
        out = io.StringIO()
        write_notification(out, sent, version=version)
        got, n = _read(out.getvalue().encode())
        assert n.version == f"camt.054.001.{version}"
        assert [(p.bank_ref, p.reference, p.amount, p.payer_name, p.currency) for p in got] == [
            ("B1", "50000018", "1.00", "Ääkkönen Åsa", "EUR"),
            (None, None, "bad", None, "SEK"),
        ]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "not well-formed"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">'
            b"<BkToCstmrDbtCdtNtfctn>",
            "not well-formed",
        ),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>', "not a camt.054"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.01"/>', "not a camt.054"),
        (b"<Document/>", "not a camt.054"),
        (
            b'<!DOCTYPE Document SYSTEM "http://example.com/x.dtd"><Document/>',
            "refused: the XML declares",
        ),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><Other/></Document>',
            "is no BkToCstmrDbtCdtNtfctn",
        ),
    ],
)
def test_a_file_that_is_no_notification_is_refused_naming_it(data: bytes, says: str) -> None:
    with pytest.raises(InvalidInput, match=says) as refused:
        _read(data, "pankki.xml")
    assert refused.value.where is not None and refused.value.where.startswith("pankki.xml")


def test_an_overlong_value_is_refused_not_held() -> None:
    out = io.StringIO()
    write_notification(out, [OutPayment("B1", "50000018", "1.00", "2026-01-02", "x" * 5000)])
    with pytest.raises(InvalidInput, match="more than 1000 characters"):
        _read(out.getvalue().encode())


def _peak_bytes_reading(data: bytes) -> int:
    tracemalloc.start()
    try:
        for _ in camt054.Notification(io.BytesIO(data), "n.xml"):
            pass  # each payment is let go too, as the import's batches do
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    "where",
    [
        # Elements the register does not read, beside the entries of the notification.
        "<Ntfctn>{many}<Ntry><Amt Ccy='EUR'>1.00</Amt></Ntry></Ntfctn>",
        # Transactions of one batch entry: each is yielded, none may stay behind.
        "<Ntfctn><Ntry><NtryDtls><Btch><NbOfTxs>2</NbOfTxs></Btch>{many}</NtryDtls></Ntry></Ntfctn>",
    ],
)
def test_memory_holds_the_path_being_read_not_the_file(where: str) -> None:
    """A bank file is read as it streams: what was read is let go. 100,000 elements kept as a
    tree take some 20 MB; the reader's peak stays far below that whatever the file holds."""
    ns = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"
    unit = (
        "<TxDtls><Refs><AcctSvcrRef>R</AcctSvcrRef></Refs></TxDtls>" if "Btch" in where else "<X/>"
    )
    body = where.format(many=unit * 100_000)
    data = (
        f"<Document xmlns='{ns}'><BkToCstmrDbtCdtNtfctn>{body}</BkToCstmrDbtCdtNtfctn></Document>"
    )
    assert _peak_bytes_reading(data.encode()) < 6 * 1024 * 1024
