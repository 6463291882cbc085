"""Whether a person's data may be processed for a purpose: a restricted person's (Art. 18) only
for storage and legal claims. Every write service asks `ensure_processing_allowed` first; the
rights area sets and lifts the restriction (services/rights/restriction.py)."""

from __future__ import annotations

from sqlalchemy import select

from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Purpose
from rekisteri.domain.errors import NotFound, RuleViolation
from rekisteri.services.unit_of_work import UnitOfWork

# Storage needs no purpose; legal obligations and the collection of claims (an open invoice) are
# the "establishment, exercise or defence of legal claims" of Art. 18(2).
ALLOWED_WHEN_RESTRICTED = frozenset({Purpose.LEGAL_OBLIGATION, Purpose.BILLING_AND_COLLECTION})


def is_restricted(uow: UnitOfWork, person_id: int) -> bool:
    row = uow.execute(select(person.c.restricted).where(person.c.id == person_id)).first()
    if row is None:
        raise NotFound("person", person_id)
    return bool(row.restricted)


def ensure_processing_allowed(uow: UnitOfWork, person_id: int, purpose: Purpose) -> None:
    """Refuse processing of a restricted person's data for any purpose but legal claims."""
    if purpose in ALLOWED_WHEN_RESTRICTED:
        return
    if is_restricted(uow, person_id):
        raise RuleViolation(
            f"person {person_id}: processing is restricted (Art. 18); "
            f"only storage and legal claims are allowed, not {purpose.value}"
        )
