"""/api/v1: a person's representatives (a guardian, the estate's contact, an attorney)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from rekisteri.catalogue import Category, Purpose
from rekisteri.domain.register import Provenance
from rekisteri.domain.representatives import Evidence, Power, RepresentativeKind
from rekisteri.entrypoints.api.deps import PersonKey, Principal, RegisterDep, RowId, guard
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.entrypoints.api.schemas import EndIn, ProvenanceIn
from rekisteri.services.register import representatives
from rekisteri.services.register.person_view import resolve_person

router = APIRouter(prefix="/api/v1", tags=["register"], route_class=RegisterRoute)
C = Category
REL = Purpose.CUSTOMER_RELATIONSHIP
Reads = Annotated[Principal, Depends(guard(REL, C.IDENTITY, C.CONTACT))]
Writes = Annotated[Principal, Depends(guard(REL, C.IDENTITY, C.CONTACT, writes=True))]


class RepresentativeIn(ProvenanceIn):
    """Who acts for the person, what they may do and how their authority was shown (a
    reference to the document, never the document)."""

    kind: RepresentativeKind
    name: str = Field(max_length=200)
    evidence: Evidence
    evidence_ref: str = Field(max_length=200, description="e.g. the court decision's number")
    powers: list[Power] | None = Field(
        None, max_length=4, description="default: all for a guardian or an estate's contact"
    )
    street: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, max_length=10)
    post_office: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=2)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=30)
    valid_from: dt.date | None = None


class RepresentativeAdded(BaseModel):
    id: int = Field(description="the representation's id (to end it, or to name it on a request)")


class RepresentativeEnded(BaseModel):
    ended: int
    valid_to: dt.date


def _provenance(now: dt.datetime, body: ProvenanceIn) -> Provenance:
    return Provenance.of(body.source, now, body.source_detail)


@router.post("/persons/{key}/representatives", status_code=201)
def add_representative(
    key: PersonKey, body: RepresentativeIn, reg: RegisterDep, who: Writes
) -> RepresentativeAdded:
    """Record a guardian, an estate's contact or an attorney for the person."""
    fields = body.model_dump(exclude={"source", "source_detail"})
    fields["powers"] = None if body.powers is None else [p.value for p in body.powers]
    with reg.unit_of_work(who.actor) as uow:
        draft = representatives.RepresentativeDraft(**fields)
        rep = representatives.add(
            uow, resolve_person(uow, key), draft, _provenance(uow.now(), body)
        )
    return RepresentativeAdded(id=rep)


@router.get("/persons/{key}/representatives")
def list_representatives(key: PersonKey, reg: RegisterDep, who: Reads) -> list[dict[str, Any]]:
    """The person's representatives, those not ended first, each with whether it is in force."""
    with reg.reading(who.actor) as uow:
        return representatives.of_person(uow, resolve_person(uow, key))


@router.post("/representatives/{rep_id}/end")
def end_representative(
    rep_id: RowId, body: EndIn, reg: RegisterDep, who: Writes
) -> RepresentativeEnded:
    """The representative no longer acts for the person (from `end_date`)."""
    with reg.unit_of_work(who.actor) as uow:
        representatives.end(uow, rep_id, body.end_date, body.reason, _provenance(uow.now(), body))
    return RepresentativeEnded(ended=rep_id, valid_to=body.end_date)
