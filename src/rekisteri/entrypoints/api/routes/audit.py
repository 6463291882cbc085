"""/api/v1/audit: the DPO asks who read a person's data, and whether the trail is intact."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from rekisteri.catalogue import Category, Purpose
from rekisteri.entrypoints.api.answers import AuditOff, TrailVerdict
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.services.access import audit
from rekisteri.services.register.person_view import resolve_person

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], route_class=RegisterRoute)
ReadAccessLog = Annotated[Principal, Depends(guard(Purpose.LEGAL_OBLIGATION, Category.ACCESS_LOG))]


@router.get("/persons/{key}")
def who_read(key: str, reg: RegisterDep, who: ReadAccessLog, limit: int = 1000) -> dict[str, Any]:
    """Who read or changed the person's data, when, for what purpose and by which route."""
    with reg.reading(who.actor) as uow:
        person_id = resolve_person(uow, key)
        entries = audit.who_read(uow, person_id, max(1, min(limit, 10000)))
    return {"person_id": person_id, "entries": entries}


@router.get("/verify")
async def verify(reg: RegisterDep, who: ReadAccessLog) -> TrailVerdict:
    """Walk the hash chain; names the first entry that does not hold."""
    verdict = await run_in_threadpool(audit.verify_trail, reg)
    gaps = await run_in_threadpool(audit.audit_off, reg)
    return TrailVerdict(
        ok=verdict.ok,
        checked=verdict.checked,
        first_bad=verdict.first_bad,
        reason=verdict.reason,
        audit_off=[AuditOff(seq=g.seq, at=g.at, via=g.via) for g in gaps],
    )
