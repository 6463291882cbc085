"""/api/v1: to whom a person's data was disclosed, and recording loans past their deadline."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from rekisteri.catalogue import Category, Purpose
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.services.access import disclosures, recording_loans
from rekisteri.services.register.person_view import resolve_person

router = APIRouter(prefix="/api/v1", tags=["disclosures"], route_class=RegisterRoute)
ReadDisclosures = Annotated[
    Principal, Depends(guard(Purpose.LEGAL_OBLIGATION, Category.DISCLOSURE))
]
ReadLoans = Annotated[
    Principal, Depends(guard(Purpose.SERVICE_QUALITY, Category.DISCLOSURE, Category.RECORDING))
]


@router.get("/persons/{key}/disclosures")
def person_disclosures(key: str, reg: RegisterDep, who: ReadDisclosures) -> dict[str, Any]:
    """Every disclosure of the person's data: recipient, country, basis, categories, why."""
    with reg.reading(who.actor) as uow:
        person_id = resolve_person(uow, key)
        return {"person_id": person_id, "disclosures": disclosures.disclosures_of(uow, person_id)}


@router.get("/recording-loans/overdue")
def overdue_loans(reg: RegisterDep, who: ReadLoans) -> dict[str, Any]:
    """Recordings lent for research whose return-or-destroy day has passed (P9)."""
    with reg.reading(who.actor) as uow:
        return {"overdue": recording_loans.overdue_recording_loans(uow)}
