"""Which contracts are in force, as one SQL condition every service asks (audiences, segments,
the person page): started, not ended, and not waiting for a consumer's written acceptance of a
telephone sale (domain.telephone_sales; the Python twin is `awaiting_acceptance` there)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, or_

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
