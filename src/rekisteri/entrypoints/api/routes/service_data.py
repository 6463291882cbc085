"""/api/v1: the contact log, feedback, devices at a site and the digital account.

The doors of service data over HTTP, as `rekisteri contact | feedback | device | self-service`
on the command line; the same services, the same one write path. Times are ISO 8601 text with
their offset, checked by the catalogue's rules (a time without an offset is refused, 422).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import Field

from rekisteri.catalogue import Category, Purpose, Source
from rekisteri.domain.register import Provenance
from rekisteri.entrypoints.api.deps import PersonKey, Principal, RegisterDep, RowId, guard
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.entrypoints.api.schemas import Created, ProvenanceIn, RowRef
from rekisteri.services.contacts import feedback, log
from rekisteri.services.register import devices, digital_accounts
from rekisteri.services.register.person_view import resolve_person
from rekisteri.services.unit_of_work import UnitOfWork

router = APIRouter(prefix="/api/v1", tags=["service data"], route_class=RegisterRoute)
C = Category
REL = Purpose.CUSTOMER_RELATIONSHIP

WriteContactLog = Annotated[Principal, Depends(guard(REL, C.CONTACT_LOG, writes=True))]
ReadContactLog = Annotated[Principal, Depends(guard(REL, C.CONTACT_LOG))]
WriteFeedback = Annotated[Principal, Depends(guard(REL, C.FEEDBACK, writes=True))]
WriteSite = Annotated[Principal, Depends(guard(REL, C.SITE, writes=True))]
WriteAccount = Annotated[Principal, Depends(guard(REL, C.DIGITAL_ACCOUNT, writes=True))]

Moment = Annotated[
    str | None,
    Field(None, max_length=40, description="ISO 8601 with offset, e.g. 2026-03-01T09:30:00+02:00"),
]


class ServiceProvenanceIn(ProvenanceIn):
    source: Source = Field(Source.CUSTOMER_CONTACT, description="where the data came from (P2)")


class ContactIn(ServiceProvenanceIn):
    at: Moment = None
    channel: str = Field(max_length=10)
    direction: str = Field("inbound", max_length=8)
    topic: str = Field(max_length=60)
    summary: str | None = Field(None, max_length=4000)
    handled_by: str | None = Field(None, max_length=60)


class FeedbackIn(ServiceProvenanceIn):
    at: Moment = None
    channel: str = Field(max_length=10)
    satisfaction: int | None = Field(None, ge=1, le=5)
    text: str | None = Field(None, max_length=4000)
    contact_id: RowRef | None = None


class DeviceIn(ServiceProvenanceIn):
    kind: str = Field(max_length=30)
    description: str | None = Field(None, max_length=200)
    installed_on: dt.date | None = None


class DeviceRemovalIn(ServiceProvenanceIn):
    removed_on: dt.date
    reason: str | None = Field(
        None, min_length=1, max_length=300, description="why; none: removed from the site"
    )


class AccountIn(ServiceProvenanceIn):
    login: str = Field(max_length=254)
    registered_at: Moment = None


class AccountClosingIn(ServiceProvenanceIn):
    closed_at: Moment = None
    reason: str | None = Field(
        None, min_length=1, max_length=300, description="why; none: at the customer's request"
    )


def _provenance(uow: UnitOfWork, body: ProvenanceIn) -> Provenance:
    return Provenance.of(body.source, uow.now(), body.source_detail)


@router.post("/persons/{key}/contacts", status_code=201, response_model=Created)
def add_contact(key: PersonKey, body: ContactIn, reg: RegisterDep, who: WriteContactLog) -> Created:
    """Log a contact with the person (channel, direction, time, topic, staff, summary)."""
    with reg.unit_of_work(who.actor) as uow:
        made = log.add_contact(
            uow,
            resolve_person(uow, key),
            {
                "at": body.at or uow.now(),
                "channel": body.channel,
                "direction": body.direction,
                "topic": body.topic,
                "note": body.summary,
                "handled_by": body.handled_by or who.actor.name,
            },
            _provenance(uow, body),
        )
    return Created(id=made)


@router.get("/persons/{key}/contacts")
def list_contacts(key: PersonKey, reg: RegisterDep, who: ReadContactLog) -> list[dict[str, Any]]:
    """The person's contacts, newest first."""
    with reg.reading(who.actor) as uow:
        return log.entries(uow, resolve_person(uow, key))


@router.post("/persons/{key}/feedback", status_code=201, response_model=Created)
def add_feedback(key: PersonKey, body: FeedbackIn, reg: RegisterDep, who: WriteFeedback) -> Created:
    """Store feedback or a satisfaction answer (1-5), about one of the person's contacts."""
    with reg.unit_of_work(who.actor) as uow:
        made = feedback.add_feedback(
            uow,
            resolve_person(uow, key),
            {
                "at": body.at or uow.now(),
                "channel": body.channel,
                "satisfaction": body.satisfaction,
                "text": body.text,
            },
            _provenance(uow, body),
            contact_id=body.contact_id,
        )
    return Created(id=made)


@router.post("/sites/{site_id}/devices", status_code=201, response_model=Created)
def add_device(site_id: RowId, body: DeviceIn, reg: RegisterDep, who: WriteSite) -> Created:
    """Record a device at the site; it belongs to whoever holds the site."""
    with reg.unit_of_work(who.actor) as uow:
        made = devices.add_device(
            uow,
            site_id,
            {"kind": body.kind, "description": body.description, "installed_on": body.installed_on},
            _provenance(uow, body),
        )
    return Created(id=made)


@router.post("/devices/{device_id}/remove")
def remove_device(
    device_id: RowId, body: DeviceRemovalIn, reg: RegisterDep, who: WriteSite
) -> dict[str, Any]:
    """Record the day the device was removed from its site."""
    with reg.unit_of_work(who.actor) as uow:
        removed = devices.remove_device(
            uow, device_id, body.removed_on, body.reason, _provenance(uow, body)
        )
    return {"id": device_id, "removed_on": removed}


@router.post("/persons/{key}/digital-account", status_code=201, response_model=Created)
def register_account(
    key: PersonKey, body: AccountIn, reg: RegisterDep, who: WriteAccount
) -> Created:
    """Register the person's digital account of the self-service."""
    with reg.unit_of_work(who.actor) as uow:
        made = digital_accounts.register_account(
            uow,
            resolve_person(uow, key),
            {"login": body.login, "registered_at": body.registered_at or uow.now()},
            _provenance(uow, body),
        )
    return Created(id=made)


@router.post("/persons/{key}/digital-account/close")
def close_account(
    key: PersonKey, body: AccountClosingIn, reg: RegisterDep, who: WriteAccount
) -> dict[str, Any]:
    """Close the person's digital account."""
    with reg.unit_of_work(who.actor) as uow:
        closed = digital_accounts.close_account(
            uow,
            resolve_person(uow, key),
            body.closed_at or uow.now(),
            body.reason,
            _provenance(uow, body),
        )
    return {"closed_at": closed}
