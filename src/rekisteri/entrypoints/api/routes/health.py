"""/healthz: is the register up and its database reachable. Holds no personal data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy import text

from rekisteri.entrypoints.api.deps import RegisterDep, public

router = APIRouter()
# Routes that touch no personal data say so; the route-walk test accepts these and only these.
PUBLIC_PATHS = {"/healthz"}


@router.get(
    "/healthz",
    dependencies=[
        Depends(public(None, reason="up or down, and the database kind: no personal data"))
    ],
)
def healthz(reg: RegisterDep) -> dict[str, Any]:
    with reg.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok", "database": reg.engine.dialect.name}
