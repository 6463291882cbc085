"""/api/v1/persons/{key}/marketing: a person's direct-marketing settings and their history.

P5: "you can check your settings by calling customer service". Customer service sees what the
preference centre shows, the whole ledger with its evidence, and records a change the person
asks for on the phone.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from rekisteri.catalogue import Category, Purpose, Source
from rekisteri.domain.consent import (
    CaptureMethod,
    ConsentChange,
    ConsentEventKind,
    ConsentPurpose,
    Evidence,
)
from rekisteri.domain.preferences import is_on
from rekisteri.domain.register import Provenance
from rekisteri.entrypoints.api.answers import ConsentRecorded
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.entrypoints.api.schemas import Strict
from rekisteri.services.marketing import ledger
from rekisteri.services.register.person_view import resolve_person

router = APIRouter(prefix="/api/v1", tags=["direct marketing"], route_class=RegisterRoute)
REL = Purpose.CUSTOMER_RELATIONSHIP
ReadMarketing = Annotated[Principal, Depends(guard(REL, Category.MARKETING))]
WriteMarketing = Annotated[Principal, Depends(guard(REL, Category.MARKETING, writes=True))]


class ConsentEventIn(Strict):
    purpose: ConsentPurpose
    channel: str = Field(description="email | sms | letter | phone, or any for profiling")
    event: ConsentEventKind
    captured_how: CaptureMethod = Field(
        CaptureMethod.PHONE_CALL, description="how the person told us"
    )
    wording: str | None = Field(None, max_length=2000, description="the text read or shown")
    wording_version: str | None = Field(None, max_length=20)
    expires_at: dt.datetime | None = None


@router.get("/persons/{key}/marketing")
def read_marketing(
    key: str,
    reg: RegisterDep,
    who: ReadMarketing,
    as_of: Annotated[dt.datetime | None, Query(description="state at this moment")] = None,
) -> dict[str, Any]:
    """Current (or past) settings per purpose and channel, and every ledger event."""
    with reg.reading(who.actor) as uow:
        person_id = resolve_person(uow, key)
        moment = as_of.astimezone(dt.UTC) if as_of and as_of.tzinfo else as_of
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        settings = ledger.settings_of(uow, person_id, moment)
        history = ledger.history_of(uow, person_id)
    return {
        "id": person_id,
        "as_of": moment or "now",
        "settings": [
            {
                "purpose": s.purpose.value,
                "channel": s.channel,
                "state": s.state.value,
                "allowed": is_on(s.purpose, s.channel, s.state),
                "since": s.since,
            }
            for s in settings
        ],
        "history": history,
    }


@router.post("/persons/{key}/marketing", status_code=201)
def record_marketing(
    key: str, body: ConsentEventIn, reg: RegisterDep, who: WriteMarketing
) -> ConsentRecorded:
    """Record a permission, withdrawal or objection the person gave customer service."""
    with reg.unit_of_work(who.actor) as uow:
        person_id = resolve_person(uow, key)
        evidence = Evidence(
            body.captured_how,
            who.actor.name,
            body.wording,
            body.wording_version,
        )
        change = ConsentChange(
            body.purpose,
            body.channel,
            body.event,
            uow.now(),
            evidence,
            body.expires_at,
        )
        provenance = Provenance(Source.CUSTOMER_CONTACT, uow.now(), "customer service")
        event_id = ledger.record(uow, person_id, change, provenance)
    return ConsentRecorded(id=event_id, person_id=person_id)
