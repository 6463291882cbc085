"""Call recordings lent to a research institute (P9, seed 002): a disclosure with a deadline.

The institute must return or destroy the recordings as soon as the study ends; the loan records
that deadline, and its closing records how and with what evidence. The study is research, so
the recordings of a person who objected to research (P13) are never lent. Overdue loans are
listed for the DPO and for the retention run (`overdue_recording_loans`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from rekisteri.adapters.schema.disclosure import (
    disclosure,
    recipient,
    recording_loan,
    recording_loan_item,
)
from rekisteri.adapters.schema.register import call_recording
from rekisteri.catalogue import Category, LawfulBasis, Purpose
from rekisteri.domain import values
from rekisteri.domain.consent import ConsentPurpose
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.transfers import DisclosureKind, RecipientKind
from rekisteri.services.access.disclosures import Disclosed, Recipient, disclose
from rekisteri.services.marketing import ledger
from rekisteri.services.unit_of_work import UnitOfWork

CLOSED_HOW = ("returned", "destroyed")


@dataclass(frozen=True)
class Loan:
    loan_id: int
    disclosed: Disclosed
    manifest: list[tuple[Any, ...]]  # recording id, file, recorded at, seconds


def lend_recordings(
    uow: UnitOfWork,
    to: Recipient,
    recording_ids: Iterable[int],
    *,
    study: str,
    due_on: dt.date,
    output_name: str | None = None,
) -> Loan:
    the_study = values.required_text(study, "study", max_len=300)
    if due_on <= uow.today():
        raise InvalidInput("due_on", "the return-or-destroy deadline must be in the future")
    wanted = sorted(set(recording_ids))
    if not wanted:
        raise InvalidInput("recording", "name the recordings to lend")
    rows = uow.execute(
        select(call_recording).where(call_recording.c.id.in_(wanted)).order_by(call_recording.c.id)
    ).all()
    missing = sorted(set(wanted) - {r.id for r in rows})
    if missing:
        raise NotFound("call recording", ", ".join(map(str, missing)))
    gone = [r.id for r in rows if r.file_ref is None]
    if gone:
        raise RuleViolation(f"recordings {gone} have been destroyed and cannot be lent")
    _refuse_objectors(uow, rows)
    done = disclose(
        uow,
        to,
        kind=DisclosureKind.RECORDING_LOAN,
        purpose=Purpose.SERVICE_QUALITY,
        basis=LawfulBasis.LEGITIMATE_INTEREST,
        categories=[Category.RECORDING],
        person_ids=[r.person_id for r in rows],
        reason=coded(Reason.RECORDING_LOAN, the_study, due_on),
        reference=to.agreement_ref,
        output_name=output_name,
        required_kinds=[RecipientKind.RESEARCH_INSTITUTE],
    )
    loan_id = int(
        uow.execute(
            recording_loan.insert().values(
                disclosure_id=done.disclosure_id, study=the_study, due_on=due_on
            )
        ).inserted_primary_key[0]
    )
    uow.execute(
        recording_loan_item.insert(),
        [{"loan_id": loan_id, "call_recording_id": r.id} for r in rows],
    )
    manifest = [(r.id, r.file_ref, r.recorded_at, r.duration_seconds) for r in rows]
    return Loan(loan_id, done, manifest)


def _refuse_objectors(uow: UnitOfWork, rows: list[Any]) -> None:
    """P13: the study is research into the service's quality, and an objection to market and
    opinion research (on any channel) covers it: the whole loan is refused, so the caller
    chooses again knowing which recordings to leave out."""
    objectors = ledger.objected(uow, [r.person_id for r in rows], ConsentPurpose.RESEARCH)
    if objectors:
        held = ", ".join(str(r.id) for r in rows if r.person_id in objectors)
        who = f"{len(objectors)} person{'s' if len(objectors) > 1 else ''}"
        raise RuleViolation(
            f"{who} objected to research, which covers this study: "
            f"recordings {held} are theirs and cannot be lent; nothing was lent"
        )


def close_loan(uow: UnitOfWork, loan_id: int, how: str, evidence: str) -> None:
    """The recordings came back or were destroyed; the evidence says how we know."""
    closed = values.choice(how, CLOSED_HOW, "how")
    proof = values.required_text(evidence, "evidence", max_len=2000)
    row = uow.execute(select(recording_loan).where(recording_loan.c.id == loan_id)).first()
    if row is None:
        raise NotFound("recording loan", loan_id)
    if row.closed_how is not None:
        raise RuleViolation(f"loan {loan_id} was already {row.closed_how} on {row.closed_at}")
    uow.execute(
        update(recording_loan)
        .where(recording_loan.c.id == loan_id)
        .values(closed_how=closed, closed_at=uow.now(), evidence=proof, closed_by=uow.actor.name)
    )
    persons = uow.execute(
        select(call_recording.c.person_id)
        .join(recording_loan_item, recording_loan_item.c.call_recording_id == call_recording.c.id)
        .where(recording_loan_item.c.loan_id == loan_id)
    ).scalars()
    uow.note_change(set(persons), [Category.DISCLOSURE], f"recording loan {loan_id} {closed}")


def _loans(uow: UnitOfWork, *where: Any) -> list[dict[str, Any]]:
    items = (
        select(recording_loan_item.c.loan_id, func.count().label("recordings"))
        .group_by(recording_loan_item.c.loan_id)
        .subquery()
    )
    rows = uow.execute(
        select(
            recording_loan.c.id.label("loan_id"),
            recipient.c.name.label("recipient"),
            recording_loan.c.study,
            disclosure.c.at.label("lent_at"),
            recording_loan.c.due_on,
            recording_loan.c.closed_how,
            recording_loan.c.closed_at,
            recording_loan.c.evidence,
            items.c.recordings,
        )
        .join(disclosure, disclosure.c.id == recording_loan.c.disclosure_id)
        .join(recipient, recipient.c.id == disclosure.c.recipient_id)
        .join(items, items.c.loan_id == recording_loan.c.id)
        .where(*where)
        .order_by(recording_loan.c.due_on, recording_loan.c.id)
    ).mappings()
    return [dict(r) for r in rows]


def recording_loans(uow: UnitOfWork, *, open_only: bool = False) -> list[dict[str, Any]]:
    return _loans(uow, *([recording_loan.c.closed_how.is_(None)] if open_only else []))


def overdue_recording_loans(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Loans past their return-or-destroy day and not yet closed, oldest deadline first.
    The retention run calls this too."""
    return _loans(uow, recording_loan.c.closed_how.is_(None), recording_loan.c.due_on < uow.today())
