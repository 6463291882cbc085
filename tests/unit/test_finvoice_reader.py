"""The Finvoice reader cuts a batch at its XML declarations whatever the block size, so a
declaration split between two blocks is found, and each message is read once, in order."""

from __future__ import annotations

import io

import pytest

from rekisteri.adapters import finvoice
from rekisteri.domain.errors import InvalidInput
from tests.support import finvoice as fv


@pytest.mark.parametrize("block", [1, 3, 5, 7, 64, 4099])
def test_every_block_size_reads_the_same_invoices(
    monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    data = fv.BATCH.read_bytes()
    monkeypatch.setattr(finvoice, "BLOCK_BYTES", block)
    got = list(finvoice.read_invoices(io.BytesIO(data), "b.xml"))
    assert [(i.message, i.invoice_number) for i in got] == [
        (1, "2026000101"),
        (2, "2026000102"),
        (3, "2026000103"),
    ]


def test_a_message_past_the_bound_is_refused_before_it_is_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(finvoice, "MAX_MESSAGE_BYTES", 4000)
    data = fv.batch(fv.message("501"))
    with pytest.raises(InvalidInput) as err:
        list(finvoice.read_invoices(io.BytesIO(data), "big.xml"))
    assert err.value.where == "big.xml, message 1" and "longer than 4,000 bytes" in err.value.reason


def test_the_iso_8859_15_sample_reads_its_letters() -> None:
    with fv.SAMPLE.open("rb") as f:
        (only,) = finvoice.read_invoices(f, "invoice.xml")
    assert (only.amount_cents, only.reference, only.delivery_method.value) == (
        8868,
        "20260001010",
        "e_invoice",
    )
