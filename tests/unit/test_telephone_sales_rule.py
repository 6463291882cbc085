"""The telephone-sales rule as a pure decision: only a sale in a call the company made waits for
the written acceptance, and the offer and the acceptance come in order."""

from __future__ import annotations

import datetime as dt

import pytest

from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.register import WrittenHow
from rekisteri.domain.telephone_sales import (
    WrittenStep,
    awaiting_acceptance,
    check_acceptance,
    check_offer,
)

CALL = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC)


def test_only_an_outbound_sale_waits_for_the_acceptance() -> None:
    assert awaiting_acceptance("outbound", None)
    assert not awaiting_acceptance("outbound", NOW)
    assert not awaiting_acceptance("inbound", None)
    assert not awaiting_acceptance(None, None)


def test_the_offer_and_the_acceptance_come_in_order() -> None:
    offer = WrittenStep(CALL + dt.timedelta(hours=1), WrittenHow.EMAIL)
    check_offer("outbound", CALL, offer, NOW)
    with pytest.raises(InvalidInput, match="company made"):
        check_offer("inbound", CALL, offer, NOW)
    with pytest.raises(InvalidInput, match="before the sales call"):
        check_offer("outbound", CALL, WrittenStep(CALL - dt.timedelta(1), WrittenHow.EMAIL), NOW)
    with pytest.raises(InvalidInput, match="time zone"):
        check_offer("outbound", CALL, WrittenStep(dt.datetime(2026, 3, 2, 12), WrittenHow.SMS), NOW)
    accept = WrittenStep(NOW, WrittenHow.SIGNED)
    check_acceptance("outbound", offer.at, None, accept, NOW)
    with pytest.raises(InvalidInput, match="not been sent"):
        check_acceptance("outbound", None, None, accept, NOW)
    with pytest.raises(InvalidInput, match="already accepted"):
        check_acceptance("outbound", offer.at, NOW, accept, NOW)
    with pytest.raises(InvalidInput, match="future"):
        check_acceptance(
            "outbound", offer.at, None, WrittenStep(NOW + dt.timedelta(1), WrittenHow.SMS), NOW
        )
