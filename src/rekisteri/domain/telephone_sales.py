"""Contracts sold by telephone (Consumer Protection Act 38/1978, chapter 6, as in force from
1 January 2023): a consumer contract offered in a call the company made binds the consumer
only once they have accepted the written offer in writing. The rule does not concern a call the
consumer made or asked for, nor an organisation (the act protects consumers).

`awaiting_acceptance` is the one decision; adapters/contracts_in_force states it in SQL, so every
place that counts contracts in force (segments, renewal offers, the person page) asks the same
question (tests/integration/marketing_helpers compares the two).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.register import SalesCall, WrittenHow
from rekisteri.domain.translatable import N_

# Why a contract is not in force, as the customer-service page says it (fi/sv/en catalogues).
AWAITING_ACCEPTANCE = N_(
    "Sold in a call we made: not in force until the customer accepts the written offer in writing"
)
OFFER_NOT_SENT = N_(
    "Sold in a call we made: not in force until the customer accepts the written offer in "
    "writing; the written offer has not been sent yet"
)


def awaiting_acceptance(sales_call: str | None, accepted_at: dt.datetime | None) -> bool:
    """Whether a contract waits for the consumer's written acceptance (not in force yet)."""
    return sales_call == SalesCall.OUTBOUND.value and accepted_at is None


@dataclass(frozen=True)
class WrittenStep:
    """A written offer sent, or a written acceptance received: when and how."""

    at: dt.datetime
    how: WrittenHow


def check_offer(
    sales_call: str | None, call_at: dt.datetime | None, step: WrittenStep, now: dt.datetime
) -> None:
    """An offer is recorded only for a contract sold in a call the company made, after the call
    and not in the future."""
    if sales_call != SalesCall.OUTBOUND.value or call_at is None:
        raise InvalidInput(
            "contract", "only a contract sold in a call the company made needs a written offer"
        )
    _in_order(step.at, call_at, now, "offer_sent_at", "the sales call")


def check_acceptance(
    sales_call: str | None,
    offer_at: dt.datetime | None,
    accepted_at: dt.datetime | None,
    step: WrittenStep,
    now: dt.datetime,
) -> None:
    """The acceptance answers a written offer already sent, once."""
    if sales_call != SalesCall.OUTBOUND.value:
        raise InvalidInput(
            "contract", "only a contract sold in a call the company made awaits acceptance"
        )
    if offer_at is None:
        raise InvalidInput("contract", "the written offer has not been sent: record it first")
    if accepted_at is not None:
        raise InvalidInput(
            "contract", f"the offer was already accepted at {accepted_at.isoformat()}"
        )
    _in_order(step.at, offer_at, now, "accepted_at", "the written offer")


def _in_order(at: dt.datetime, after: dt.datetime, now: dt.datetime, field: str, what: str) -> None:
    if at.tzinfo is None:
        raise InvalidInput(field, "needs a time zone")
    if at < after:
        raise InvalidInput(field, f"is before {what}")
    if at > now:
        raise InvalidInput(field, "is in the future")
