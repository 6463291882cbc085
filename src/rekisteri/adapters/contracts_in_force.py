"""Which contracts are in force, as one SQL condition every service asks (audiences, segments,
the person page): started, not ended, and not waiting for a consumer's written acceptance of a
telephone sale (domain.telephone_sales; the Python twin is `awaiting_acceptance` there).

Erasure and retention ask the same question without a day (`binding`, `counted_end`): a telephone
sale the consumer never accepted never came into force, so it neither keeps the customer's data
from being erased nor keeps the retention period from starting."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, func, or_

from rekisteri.adapters.schema.register import contract
from rekisteri.domain.register import SalesCall


def accepted_or_not_needed() -> ColumnElement[bool]:
    """Not a contract that waits for the written acceptance of a telephone sale."""
    return or_(
        contract.c.sales_call.is_(None),
        contract.c.sales_call != SalesCall.OUTBOUND.value,
        contract.c.accepted_at.is_not(None),
    )


def in_force(today: dt.date) -> ColumnElement[bool]:
    """Contracts in force on `today`."""
    return and_(
        contract.c.start_date <= today,
        or_(contract.c.end_date.is_(None), contract.c.end_date > today),
        accepted_or_not_needed(),
    )


def binding() -> ColumnElement[bool]:
    """Contracts that bind the customer now or from their start: not ended (no end date) and not
    waiting for the written acceptance of a telephone sale. Erasure waits for them (the
    contract needs the data) and the retention period starts only when none is left."""
    return and_(contract.c.end_date.is_(None), accepted_or_not_needed())


def counted_end() -> ColumnElement[dt.date]:
    """The day a contract that does not bind stopped counting for retention: its end date, or
    for a telephone sale never accepted (it never came into force) its start date."""
    return func.coalesce(contract.c.end_date, contract.c.start_date)
