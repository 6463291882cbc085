"""/healthz: is the register up and its database reachable. Holds no personal data."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import text

from rekisteri.entrypoints.api.answers import Health
from rekisteri.entrypoints.api.deps import RegisterDep, public
from rekisteri.entrypoints.api.responses import RegisterRoute

router = APIRouter(route_class=RegisterRoute)
# Routes that touch no personal data say so; the route-walk test accepts these and only these.
PUBLIC_PATHS = {"/healthz"}


@router.get(
    "/healthz",
    dependencies=[
        Depends(public(None, reason="up or down, and the database kind: no personal data"))
    ],
)
def healthz(reg: RegisterDep) -> Health:
    with reg.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return Health(status="ok", database=reg.engine.dialect.name)
