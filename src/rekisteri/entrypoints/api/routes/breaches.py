"""/api/v1/breaches: the DPO's register of personal data breaches (GDPR Art. 33/34): record
one, compute its scope from the audit trail, record the assessment and the notification to
the Ombudsman; the list shows each one's 72-hour deadline. The DPO alone (the scopes are the
access log's). The notices to the persons are sent from the command line (`breach notices`),
which writes the letters for printing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BeforeValidator, Field, StrictBool

from rekisteri.catalogue import Category, Purpose
from rekisteri.domain.breaches import Kind, Risk
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.entrypoints.api.schemas import RowRef, Strict
from rekisteri.services.breaches import records
from rekisteri.services.breaches.scope import Criteria

router = APIRouter(prefix="/api/v1/breaches", tags=["breaches"], route_class=RegisterRoute)
# Only the DPO reads the access log; no role writes it, so the writes are guarded as reads of
# it (the breach's own rows are the DPO's record, not the trail).
Dpo = Annotated[Principal, Depends(guard(Purpose.LEGAL_OBLIGATION, Category.ACCESS_LOG))]
Reference = Annotated[str, Field(max_length=20, pattern=r"^TL-\d{4}-\d{4}$")]


def _iso_text(value: Any) -> Any:
    """A moment as the document says: an ISO 8601 text with its offset, never a number (which
    a lenient parse would take for seconds since 1970)."""
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date and time with an offset")
    return value


Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text)]


class Body(Strict):
    pass


class BreachIn(Body):
    summary: str = Field(min_length=1, max_length=4000, description="what happened; no names")
    kind: Kind
    aware_at: Moment = Field(description="when the controller became aware (72 h from)")
    noticed_by: str = Field(min_length=1, max_length=200)
    started_at: Moment | None = None


class ScopeIn(Body):
    user: str | None = Field(None, max_length=60)
    token_id: RowRef | None = None
    session_id: RowRef | None = None
    export_id: RowRef | None = Field(None, description="a disclosure's id (an export file)")
    since: Moment | None = Field(None, alias="from")
    until: Moment | None = Field(None, alias="to", description="included")


class Texts(Body):
    fi: str | None = Field(None, max_length=4000)
    sv: str | None = Field(None, max_length=4000)
    en: str | None = Field(None, max_length=4000)


class AssessmentIn(Body):
    risk: Risk
    notify_authority: StrictBool
    notify_persons: StrictBool
    reasons: str = Field(min_length=1, max_length=4000)
    consequences: Texts = Texts()
    measures: Texts = Texts()


class NotificationIn(Body):
    at: Moment
    reference: str = Field(min_length=1, max_length=200, description="the Ombudsman's case")
    delay_reason: str | None = Field(None, max_length=4000)


def _texts(t: Texts) -> dict[str, str]:
    return {k: v for k, v in t.model_dump().items() if v}


@router.get("")
def list_breaches(reg: RegisterDep, who: Dpo) -> list[dict[str, Any]]:
    """Every breach, newest first: deadline, time left (negative once overdue), state."""
    with reg.reading(who.actor) as uow:
        return records.listing(uow)


@router.post("", status_code=201)
def open_breach(body: BreachIn, reg: RegisterDep, who: Dpo) -> dict[str, Any]:
    """Record a suspected breach; answers with its reference and deadline."""
    with reg.unit_of_work(who.actor) as uow:
        ref = records.open_breach(
            uow,
            summary=body.summary,
            kind=body.kind.value,
            aware_at=body.aware_at,
            noticed_by=body.noticed_by,
            started_at=body.started_at,
        )
        return records.show(uow, ref)


@router.get("/{reference}")
def show_breach(
    reference: Reference, reg: RegisterDep, who: Dpo, persons: bool = False
) -> dict[str, Any]:
    """One breach whole; with persons=true, the persons in its scope (a read of them)."""
    with reg.reading(who.actor) as uow:
        return records.show(uow, reference, with_persons=persons)


@router.post("/{reference}/scope")
def scope_breach(reference: Reference, body: ScopeIn, reg: RegisterDep, who: Dpo) -> dict[str, Any]:
    """Compute and keep the scope: every criterion given must hold."""
    crit = Criteria(
        user=body.user,
        token_id=body.token_id,
        session_id=body.session_id,
        export_id=body.export_id,
        since=body.since,
        until=body.until,
    )
    with reg.unit_of_work(who.actor) as uow:
        return records.record_scope(uow, reference, crit)


@router.post("/{reference}/assessment")
def assess_breach(
    reference: Reference, body: AssessmentIn, reg: RegisterDep, who: Dpo
) -> dict[str, Any]:
    """Record the risk, whether the Ombudsman and the persons are told and why, and the
    notices' texts per language."""
    assessment = records.Assessment(
        body.risk.value,
        body.notify_authority,
        body.notify_persons,
        body.reasons,
        _texts(body.consequences),
        _texts(body.measures),
    )
    with reg.unit_of_work(who.actor) as uow:
        records.assess(uow, reference, assessment)
        return records.show(uow, reference)


@router.post("/{reference}/notification")
def notify_breach(
    reference: Reference, body: NotificationIn, reg: RegisterDep, who: Dpo
) -> dict[str, Any]:
    """Record the notification made to the Ombudsman; after 72 hours with the delay's reasons."""
    with reg.unit_of_work(who.actor) as uow:
        return records.record_notification(
            uow,
            reference,
            at=body.at,
            authority_reference=body.reference,
            delay_reason=body.delay_reason,
        )
