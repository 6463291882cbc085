"""Data subject requests: kinds, how they arrive, their states, their deadlines and their fees.

GDPR Art. 12(3): answer within one month of receipt, extendable by two further months when the
person is told why within the first month. Seed 004 promises a written answer within 30 days.
The register keeps both dates and uses the earlier.

Fees follow the GDPR, not the old Personal Data Act of seed 002 ("free once a year"): acting on
a request is free (Art. 12(5)) and the first copy of one's data always is; a further copy may
carry a reasonable fee based on administrative costs (Art. 15(3)); a manifestly unfounded or
excessive request may be charged for or refused, with the reasons recorded (Art. 12(5)).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput, RuleViolation


class RequestKind(StrEnum):
    ACCESS = "access"  # Art. 15
    RECTIFICATION = "rectification"  # Art. 16
    OBJECTION = "objection"  # Art. 21
    RESTRICTION = "restriction"  # Art. 18
    PORTABILITY = "portability"  # Art. 20
    ERASURE = "erasure"  # Art. 17


class ReceivedHow(StrEnum):
    SIGNED_LETTER = "signed_letter"
    IN_PERSON = "in_person"  # with an identity document
    STRONG_IDENTIFICATION = "strong_identification"  # web form behind bank ID / mobile ID
    EMAIL = "email"
    # The public self-service form: nobody is identified by it, so the request waits for an
    # identity check (and for the DPO to connect it to the person) before anything is done.
    WEB_FORM = "web_form"


class VerifiedHow(StrEnum):
    IDENTITY_DOCUMENT = "identity_document"
    STRONG_IDENTIFICATION = "strong_identification"
    SIGNATURE_MATCHED = "signature_matched"
    CALLBACK_TO_KNOWN_NUMBER = "callback_to_known_number"


class RequestState(StrEnum):
    RECEIVED = "received"
    VERIFIED = "verified"
    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    REJECTED = "rejected"
    CLOSED = "closed"


OPEN_STATES = frozenset({RequestState.RECEIVED, RequestState.VERIFIED, RequestState.IN_PROGRESS})

_NEXT: dict[RequestState, frozenset[RequestState]] = {
    RequestState.RECEIVED: frozenset({RequestState.VERIFIED, RequestState.REJECTED}),
    RequestState.VERIFIED: frozenset(
        {RequestState.IN_PROGRESS, RequestState.FULFILLED, RequestState.REJECTED}
    ),
    RequestState.IN_PROGRESS: frozenset({RequestState.FULFILLED, RequestState.REJECTED}),
    RequestState.FULFILLED: frozenset({RequestState.CLOSED}),
    RequestState.REJECTED: frozenset({RequestState.CLOSED}),
    RequestState.CLOSED: frozenset(),
}


def require_transition(current: RequestState, new: RequestState) -> None:
    if new not in _NEXT[current]:
        if new is RequestState.FULFILLED and current is RequestState.RECEIVED:
            raise RuleViolation("the request cannot be fulfilled before the identity is verified")
        raise RuleViolation(f"a request that is {current.value} cannot become {new.value}")


class ChargeDecision(StrEnum):
    """The DPO's decision on a fee, always with reasons."""

    NONE = "none"  # free: the first copy, and any request not found excessive
    WAIVED = "waived"  # a further copy or an excessive request answered free all the same
    CHARGED = "charged"  # a further copy: a reasonable fee on administrative costs (Art. 15(3))
    EXCESSIVE = "excessive"  # manifestly unfounded or excessive: a reasonable fee (Art. 12(5)(a))
    REFUSED = "refused"  # manifestly unfounded or excessive: not acted on (Art. 12(5)(b))


def check_charge(decision: ChargeDecision, kind: RequestKind, further_copy: bool) -> None:
    """Whether a request may get `decision`: a fee for a copy only for a further copy, and no
    fee ever for the first copy of one's data, however its request is judged (it may still be
    refused as manifestly unfounded or excessive)."""
    if decision is ChargeDecision.CHARGED and not further_copy:
        raise RuleViolation(
            "only a further copy of one's data may carry a fee for the copy (GDPR Art. 15(3))"
        )
    first_copy = kind is RequestKind.ACCESS and not further_copy
    if decision is ChargeDecision.EXCESSIVE and first_copy:
        raise RuleViolation(
            "the first copy of one's data is free: a manifestly unfounded or excessive request "
            "for it may be refused with reasons, not charged for"
        )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later; the month's last day when it has no such day
    (31 January + 1 month = 28 or 29 February), as EU Regulation 1182/71 counts months."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Deadlines:
    received_on: dt.date
    one_month: dt.date  # GDPR Art. 12(3)
    thirty_days: dt.date  # seed 004
    latest_extension: dt.date  # two further months

    @property
    def due(self) -> dt.date:
        return min(self.one_month, self.thirty_days)


def deadlines(received_on: dt.date) -> Deadlines:
    one_month = add_months(received_on, 1)
    return Deadlines(
        received_on,
        one_month,
        received_on + dt.timedelta(days=30),
        add_months(received_on, 3),
    )


def check_extension(
    received_on: dt.date, due_on: dt.date, extend_to: dt.date, reason: str, notice_on: dt.date
) -> str:
    """An extension needs a reason, a notice to the person within the first month, and ends at
    most two months after the first month. Returns the cleaned reason."""
    why = values.text(reason, "reason", max_len=300)
    if why is None:
        raise InvalidInput("reason", "an extension needs the reason the person is told")
    limits = deadlines(received_on)
    if notice_on < received_on:
        raise InvalidInput("notice_on", "is before the request was received")
    if notice_on > due_on:
        raise RuleViolation(
            f"the person must be told of an extension within the first month (by {due_on})"
        )
    if extend_to <= due_on:
        raise InvalidInput("extend_to", f"must be after the current due date {due_on}")
    if extend_to > limits.latest_extension:
        raise RuleViolation(
            f"an extension is at most two further months: {limits.latest_extension} at the latest"
        )
    return why


def is_repeat(
    kind: RequestKind, received_on: dt.date, last_fulfilled_on: dt.date | None, months: int
) -> bool:
    """An access request within `months` of a fulfilled one asks for a further copy, which may
    carry a reasonable fee (Art. 15(3)); one after that is answered free like a first copy."""
    if kind is not RequestKind.ACCESS or last_fulfilled_on is None:
        return False
    return received_on < add_months(last_fulfilled_on, months)


# Bounds of a request's free-form details (a note, the corrections asked for, what the public
# form holds): far above what a person writes (the public form's fields are at most 4,400
# characters), far below what would fill the DPO's desk or the database.
DETAILS_MAX_BYTES = 32 * 1024  # as stored: JSON, UTF-8
DETAILS_MAX_KEYS = 100  # at every level together
DETAILS_MAX_DEPTH = 3  # {"changes": {"last_name": "..."}} is depth 2


def check_details(details: Mapping[str, Any] | None) -> None:
    """Refuse details past a bound, naming the bound (nothing is stored)."""
    if details is None:
        return
    keys = 0

    def walk(value: Any, depth: int) -> None:
        nonlocal keys
        if isinstance(value, Mapping | list):
            if depth > DETAILS_MAX_DEPTH:
                raise InvalidInput(
                    "details", f"is nested deeper than {DETAILS_MAX_DEPTH} levels (the limit)"
                )
            items = value.values() if isinstance(value, Mapping) else value
            if isinstance(value, Mapping):
                keys += len(value)
                if keys > DETAILS_MAX_KEYS:
                    raise InvalidInput(
                        "details", f"has more than {DETAILS_MAX_KEYS} keys (the limit)"
                    )
            for item in items:
                walk(item, depth + 1)

    walk(details, 1)
    size = len(json.dumps(details, ensure_ascii=False, default=str).encode())
    if size > DETAILS_MAX_BYTES:
        raise InvalidInput(
            "details", f"takes {size} bytes as JSON; the limit is {DETAILS_MAX_BYTES}"
        )
