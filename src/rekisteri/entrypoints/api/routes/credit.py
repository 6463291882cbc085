"""/api/v1: credit checks when a contract is made, and a person's review of an automated refusal
or deposit (GDPR Art. 22); as `rekisteri credit check | show | review | decide`.

A check asks the configured credit information service (REKISTERI_CREDIT_CHECK_URL): without one
it is refused (409 conflict: the request is fine, the register is not set up for it); a service
that does not answer, or answers badly, is 502.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from rekisteri.catalogue import Category, Purpose, Source
from rekisteri.domain.credit import ReviewOutcome
from rekisteri.entrypoints.api.deps import PersonKey, Principal, RegisterDep, RowId, guard
from rekisteri.entrypoints.api.responses import RegisterRoute, problem_response
from rekisteri.services.credit import checks
from rekisteri.services.register.person_view import resolve_person

router = APIRouter(prefix="/api/v1", tags=["credit checks"], route_class=RegisterRoute)
REL = Purpose.CUSTOMER_RELATIONSHIP
CREDIT = Category.CREDIT_INFORMATION

Checker = Annotated[Principal, Depends(guard(REL, CREDIT, writes=True))]
Reader = Annotated[Principal, Depends(guard(REL, CREDIT))]
Reviewer = Annotated[Principal, Depends(guard(Purpose.BILLING_AND_COLLECTION, CREDIT, writes=True))]


class ReviewIn(BaseModel):
    source: Source = Field(Source.CUSTOMER_CONTACT, description="how the person asked (P2)")


class DecisionIn(BaseModel):
    outcome: ReviewOutcome
    note: str = Field(min_length=1, max_length=500, description="the reasons")
    deposit_cents: int | None = Field(
        None, ge=1, le=10_000_00, description="with deposit_changed: the deposit in cents"
    )


@router.post(
    "/persons/{key}/credit-checks",
    status_code=201,
    responses={409: problem_response(409), 502: problem_response(502)},
)
def check(key: PersonKey, reg: RegisterDep, who: Checker) -> dict[str, Any]:
    """Ask the credit information service about the person (their identity code or business ID
    goes to it: recorded as a disclosure) and keep its answer; with what the person is told."""
    with reg.reading(who.actor) as uow:
        person_id = resolve_person(uow, key)
    client = checks.client_of(reg.settings)
    if client is None:
        # Nothing wrong with the request: the register is set up without a service to ask.
        raise HTTPException(
            409, "no credit information service is configured (REKISTERI_CREDIT_CHECK_URL)"
        )
    return checks.check(reg, who.actor, person_id, client.query).as_dict()


@router.get("/persons/{key}/credit-checks")
def list_checks(key: PersonKey, reg: RegisterDep, who: Reader) -> list[dict[str, Any]]:
    """The person's credit checks still kept, newest first."""
    with reg.reading(who.actor) as uow:
        return [c.as_dict() for c in checks.of_person(uow, resolve_person(uow, key))]


@router.post("/credit-checks/{check_id}/review", status_code=201)
def ask_review(check_id: RowId, body: ReviewIn, reg: RegisterDep, who: Checker) -> dict[str, Any]:
    """The person asks for a person to review an automated refusal or deposit: a task for
    billing."""
    with reg.unit_of_work(who.actor) as uow:
        task_id = checks.request_review(uow, check_id, body.source)
    return {"check_id": check_id, "task_id": task_id}


@router.post("/credit-checks/{check_id}/decision")
def decide(check_id: RowId, body: DecisionIn, reg: RegisterDep, who: Reviewer) -> dict[str, Any]:
    """Billing's decision on a review, with what the person is told."""
    with reg.unit_of_work(who.actor) as uow:
        found = checks.decide_review(uow, check_id, body.outcome, body.note, body.deposit_cents)
    return found.as_dict()
