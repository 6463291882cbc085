"""/api/v1/requests: data subject requests. Customer service registers them; the DPO handles
them (verify, extend, charge, fulfil, reject, close) and reads the desk lists."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from rekisteri.catalogue import Category, Lang, Purpose
from rekisteri.domain.register import Provenance
from rekisteri.domain.requests import ChargeDecision, ReceivedHow, RequestKind, VerifiedHow
from rekisteri.entrypoints.api.answers import NoticeRecorded, RequestRegistered
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, RowId, guard
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.entrypoints.api.schemas import RowRef
from rekisteri.services.register.person_view import resolve_person
from rekisteri.services.rights import (
    fulfilment,
    package_delivery,
    recipient_notices,
    recording_copies,
    requests,
    retention,
)

router = APIRouter(prefix="/api/v1", tags=["rights"], route_class=RegisterRoute)
RR = Category.RIGHTS_REQUEST
Register = Annotated[Principal, Depends(guard(Purpose.CUSTOMER_RELATIONSHIP, RR, writes=True))]
DpoReads = Annotated[Principal, Depends(guard(Purpose.LEGAL_OBLIGATION, RR))]
DpoWrites = Annotated[Principal, Depends(guard(Purpose.LEGAL_OBLIGATION, RR, writes=True))]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RequestIn(Body):
    person: str = Field(description="customer number, id or identity code")
    kind: RequestKind
    received_how: ReceivedHow
    received_on: dt.date | None = None
    details: dict[str, Any] | None = Field(
        None,
        description="free-form: at most 32 KiB as JSON, 100 keys in all and 3 levels deep "
        "(422 naming the bound past it)",
    )
    representative_id: RowRef | None = Field(
        None,
        description="made for the person by this representative (a guardian, the estate's "
        "contact, an attorney): their authority is checked and the answer goes to them",
    )


class VerifyIn(Body):
    how: VerifiedHow
    note: str = Field("", max_length=200)
    person: str | None = Field(
        None,
        max_length=40,
        description="whose identity was checked (customer number, id or identity code): "
        "required for a request from the web form, which belongs to nobody until verified",
    )


class ExtendIn(Body):
    extend_to: dt.date
    reason: str = Field(max_length=300)
    notice_on: dt.date


class ChargeIn(Body):
    decision: ChargeDecision = Field(
        description="waived or charged: a further copy (GDPR Art. 15(3)); excessive or refused: "
        "a manifestly unfounded or excessive request, charged for or refused (Art. 12(5)). "
        "The first copy is always free."
    )
    reason: str = Field(max_length=300, description="why; the person is told this")


class ReasonIn(Body):
    reason: str = Field(max_length=1000)


class CheckedIn(Body):
    note: str = Field(max_length=500, description="what was checked (Art. 15(4))")


class ChangesIn(Body):
    changes: dict[str, Any] = Field(
        description="field -> corrected value, checked as a rectification of the person is"
    )


class NoticeIn(Body):
    notified_on: dt.date | None = None
    how: str | None = Field(None, max_length=60)
    impossible_reason: str | None = Field(None, max_length=300)


@router.post("/requests", status_code=201)
def create_request(body: RequestIn, reg: RegisterDep, who: Register) -> RequestRegistered:
    """Register a request as received; answers with the reference and both due dates."""
    with reg.unit_of_work(who.actor) as uow:
        done = requests.new_request(
            uow,
            resolve_person(uow, body.person),
            body.kind,
            body.received_how,
            Provenance.of("customer_contact", uow.now(), f"request by {body.received_how.value}"),
            received_on=body.received_on,
            details=body.details,
            representative_id=body.representative_id,
        )
    return RequestRegistered(
        id=done.id,
        reference=done.reference,
        due_on=done.due_on,
        due_month_on=done.due_month_on,
        due_30_days_on=done.due_30_days_on,
        repeat_of=done.repeat_of,
    )


@router.get("/requests")
def list_requests(
    reg: RegisterDep,
    who: DpoReads,
    which: Annotated[str, Query(pattern="^(open|overdue|due_this_week|all)$")] = "open",
) -> list[dict[str, Any]]:
    with reg.reading(who.actor) as uow:
        return requests.listing(uow, which)


@router.get("/requests/{reference}")
def show_request(reference: str, reg: RegisterDep, who: DpoReads) -> dict[str, Any]:
    with reg.reading(who.actor) as uow:
        return requests.show(uow, reference)


@router.post("/requests/{reference}/verify")
def verify_request(
    reference: str, body: VerifyIn, reg: RegisterDep, who: DpoWrites
) -> dict[str, Any]:
    with reg.unit_of_work(who.actor) as uow:
        person_id = None if body.person is None else resolve_person(uow, body.person)
        requests.verify(uow, reference, body.how, body.note, person_id)
        return requests.show(uow, reference)


@router.post("/requests/{reference}/extend")
def extend_request(
    reference: str, body: ExtendIn, reg: RegisterDep, who: DpoWrites
) -> dict[str, Any]:
    with reg.unit_of_work(who.actor) as uow:
        requests.extend(uow, reference, body.extend_to, body.reason, body.notice_on)
        return requests.show(uow, reference)


@router.post("/requests/{reference}/charge")
def decide_charge(
    reference: str, body: ChargeIn, reg: RegisterDep, who: DpoWrites
) -> dict[str, Any]:
    with reg.unit_of_work(who.actor) as uow:
        requests.decide_charge(uow, reference, body.decision, body.reason)
        return requests.show(uow, reference)


@router.put("/requests/{reference}/changes")
def set_changes(
    reference: str, body: ChangesIn, reg: RegisterDep, who: DpoWrites
) -> dict[str, Any]:
    """What a rectification request corrects (fields and values), added from what the person
    wrote; replaces any given before and is applied when the request is fulfilled."""
    with reg.unit_of_work(who.actor) as uow:
        requests.set_changes(uow, reference, body.changes)
        return requests.show(uow, reference)


@router.post("/requests/{reference}/fulfil")
def fulfil_request(
    reference: str,
    reg: RegisterDep,
    who: DpoWrites,
    lang: Lang | None = None,
) -> dict[str, Any]:
    """Do what was asked. An access request answers with the package (JSON); the files for the
    person (HTML, PDF, CSV) are written by `rekisteri request fulfil`. Its package is also
    sealed for the person, with the notice of the download link: e-mailed, or a letter the DPO
    prints from the desk (`delivery` says which, and until when the link holds)."""
    with reg.unit_of_work(who.actor) as uow:
        done = fulfilment.fulfil(uow, reference, lang=lang)
        offered = package_delivery.offer(uow, done)
        out: dict[str, Any] = {
            "reference": done.reference,
            "kind": done.kind,
            "outcome": done.outcome,
        }
        if done.access is not None:
            out["package"] = done.access.as_dict()
        if offered is not None:
            out["delivery"] = {"notice": offered.notice, "expires_at": offered.expires_at}
        if done.portable is not None:
            out["provided"] = done.portable.provided
        if done.answer_to is not None:
            out["answer_to"] = done.answer_to
    return out


@router.post("/requests/{reference}/recording-copies")
def check_recording_copies(
    reference: str, body: CheckedIn, reg: RegisterDep, who: DpoWrites
) -> dict[str, Any]:
    """The DPO records that the person asked for copies of their call recordings and that a
    copy does not adversely affect others' rights (Art. 15(4)): the access package then
    includes the audio."""
    with reg.unit_of_work(who.actor) as uow:
        recording_copies.mark_checked(uow, reference, body.note)
        return requests.show(uow, reference)


@router.post("/requests/{reference}/reject")
def reject_request(
    reference: str, body: ReasonIn, reg: RegisterDep, who: DpoWrites
) -> dict[str, Any]:
    with reg.unit_of_work(who.actor) as uow:
        requests.reject(uow, reference, body.reason)
        return requests.show(uow, reference)


@router.post("/requests/{reference}/close")
def close_request(reference: str, reg: RegisterDep, who: DpoWrites) -> dict[str, Any]:
    with reg.unit_of_work(who.actor) as uow:
        requests.close(uow, reference)
        return requests.show(uow, reference)


@router.get("/recipient-notifications")
def pending_notifications(reg: RegisterDep, who: DpoReads) -> list[dict[str, Any]]:
    """Art. 19: recipients still to be told of a rectification, erasure or restriction."""
    with reg.reading(who.actor) as uow:
        return recipient_notices.pending(uow)


@router.post("/recipient-notifications/{notification_id}")
def record_notice(
    notification_id: RowId, body: NoticeIn, reg: RegisterDep, who: DpoWrites
) -> NoticeRecorded:
    with reg.unit_of_work(who.actor) as uow:
        recipient_notices.record_notice(
            uow,
            notification_id,
            notified_on=body.notified_on,
            how=body.how,
            impossible_reason=body.impossible_reason,
        )
    return NoticeRecorded(recorded=notification_id)


@router.get("/retention/last-run")
def last_retention_run(reg: RegisterDep, who: DpoReads) -> dict[str, Any] | None:
    """What the latest retention run did, by category."""
    with reg.reading(who.actor) as uow:
        return retention.last_run(uow)
