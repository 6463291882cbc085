"""Restriction of processing (Art. 18): the data stays, but takes part in nothing except storage
and legal claims. Every write service asks `register.processing.ensure_processing_allowed`
first."""

from __future__ import annotations

from sqlalchemy import select, update

from rekisteri.adapters.schema.register import person
from rekisteri.domain import values
from rekisteri.domain.errors import NotFound, RuleViolation
from rekisteri.domain.register import Provenance
from rekisteri.services.register.history import record_change
from rekisteri.services.register.processing import is_restricted
from rekisteri.services.rights import recipient_notices
from rekisteri.services.unit_of_work import UnitOfWork


def restrict(
    uow: UnitOfWork,
    person_id: int,
    reason: str,
    provenance: Provenance,
    *,
    for_request: int | None = None,
    notify: bool = True,
) -> bool:
    """Mark the person restricted; returns False if they already were (idempotent).

    The recipients the person's data was disclosed to get a pending notice (Art. 19), with the
    request when there was one; `notify=False` only for an erasure, whose own notice says the
    data kept is restricted."""
    why = values.required_text(reason, "reason", max_len=200)
    row = uow.execute(
        select(person.c.restricted, person.c.restricted_reason).where(person.c.id == person_id)
    ).first()
    if row is None:
        raise NotFound("person", person_id)
    if row.restricted:
        return False
    uow.execute(
        update(person)
        .where(person.c.id == person_id)
        .values(restricted=True, restricted_reason=why)
    )
    record_change(
        uow,
        person_id=person_id,
        table="person",
        row_id=person_id,
        attribute="person.restricted",
        old=None,
        new="restricted",  # why is the change's reason
        reason=why,
        provenance=provenance,
    )
    if notify:
        recipient_notices.plan(
            uow, person_id, "restriction", ["person.restricted"], request_id=for_request
        )
    return True


def lift_restriction(uow: UnitOfWork, person_id: int, reason: str, provenance: Provenance) -> None:
    """Art. 18(3): the person is told before a restriction is lifted; `reason` records why."""
    why = values.required_text(reason, "reason", max_len=200)
    if not is_restricted(uow, person_id):
        raise RuleViolation(f"person {person_id} is not restricted")
    uow.execute(
        update(person)
        .where(person.c.id == person_id)
        .values(restricted=False, restricted_reason=None)
    )
    record_change(
        uow,
        person_id=person_id,
        table="person",
        row_id=person_id,
        attribute="person.restricted",
        old="restricted",
        new=None,
        reason=why,
        provenance=provenance,
    )
