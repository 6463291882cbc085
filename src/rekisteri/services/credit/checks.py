"""Credit checks: ask the credit information service about a person, record the query as a
disclosure of their identity code, keep the answer for its retention period, and let a person
review an automated refusal or deposit (GDPR Art. 22).

The query and the answer are two transactions around the HTTP call, so no database transaction
waits on the service: the disclosure is recorded (and committed) before the identity code goes
out, because once it has gone it has been disclosed, whatever the service answers; the answer is
stored in a second transaction through the write path, with Asiakastieto as its source (P2).
A service that does not answer, or answers badly, leaves the disclosure record and no answer.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from rekisteri.adapters.credit_information import CreditInformationClient, CreditSubject
from rekisteri.adapters.schema.credit import credit_check
from rekisteri.adapters.schema.disclosure import recipient
from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Category, LawfulBasis, Purpose, Source
from rekisteri.config import Settings
from rekisteri.domain import credit as rules
from rekisteri.domain.credit import CreditAnswer, CreditDecision, ReviewOutcome
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import Provenance
from rekisteri.domain.transfers import DisclosureKind, RecipientKind
from rekisteri.domain.vocabulary import Lang, lang_of
from rekisteri.services.access.disclosures import disclose, find_recipient
from rekisteri.services.register import attributes, tasks
from rekisteri.services.register.processing import ensure_processing_allowed
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork

PURPOSE = Purpose.CUSTOMER_RELATIONSHIP
CATEGORY = Category.CREDIT_INFORMATION
REVIEW_TASK = "credit_review"
HETU = "person.personal_identity_code"
REVIEW_FIELDS = frozenset(
    {
        "review_requested_at",
        "review_outcome",
        "review_deposit_cents",
        "reviewed_at",
        "reviewed_by",
        "review_note",
    }
)
# Asks the service; a test or the demo passes a client of its own local service.
Ask = Callable[[CreditSubject, str, str], CreditAnswer]


def client_of(settings: Settings) -> CreditInformationClient | None:
    """The configured service's client, or None when REKISTERI_CREDIT_CHECK_URL is unset."""
    if not settings.credit_check_url:
        return None
    return CreditInformationClient(
        settings.credit_check_url,
        settings.credit_check_token,
        settings.credit_check_timeout_seconds,
    )


@dataclass(frozen=True)
class CreditCheck:
    id: int
    person_id: int
    contract_id: int | None
    checked_on: dt.date
    reference: str
    decision: CreditDecision
    default_entries: int
    deposit_cents: int
    automated: bool
    review_requested_at: dt.datetime | None
    review_outcome: ReviewOutcome | None
    review_deposit_cents: int | None
    reviewed_at: dt.datetime | None
    reviewed_by: str | None
    review_note: str | None
    lang: Lang

    @staticmethod
    def of(row: Any, lang: Lang) -> CreditCheck:
        return CreditCheck(
            int(row.id),
            int(row.person_id),
            row.contract_id,
            row.checked_on,
            row.reference,
            CreditDecision(row.decision),
            int(row.default_entries),
            int(row.deposit_cents),
            bool(row.automated),
            row.review_requested_at,
            ReviewOutcome(row.review_outcome) if row.review_outcome else None,
            row.review_deposit_cents,
            row.reviewed_at,
            row.reviewed_by,
            row.review_note,
            lang,
        )

    def told(self) -> str:
        """What the person is told, in their language (the contract's answer or letter)."""
        said = rules.told(
            self.decision, self.deposit_cents, self.automated, self.reference, self.lang
        )
        if self.review_outcome is not None:
            review = rules.review_told(
                self.review_outcome, self.review_deposit_cents or 0, self.lang
            )
            said = f"{said} {review}"
        return said

    @property
    def contract_allowed(self) -> bool:
        """May a contract be made on this check (after a review, as the reviewer decided)?"""
        if self.review_outcome in (ReviewOutcome.ACCEPTED, ReviewOutcome.DEPOSIT_CHANGED):
            return True
        return self.decision is not CreditDecision.REFUSE

    @property
    def deposit_required(self) -> int:
        """The deposit the contract needs, in cents, as a review left it."""
        if self.review_outcome is ReviewOutcome.ACCEPTED:
            return 0
        if self.review_outcome is ReviewOutcome.DEPOSIT_CHANGED:
            return self.review_deposit_cents or 0
        return self.deposit_cents

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["told"] = self.told()
        return out


def credit_reference(uow: UnitOfWork) -> Any:
    """The credit reference agency in the recipient register that may receive queries for the
    purpose; RuleViolation saying how to register it when there is none."""
    rows = uow.execute(
        select(recipient.c.id)
        .where(recipient.c.kind == RecipientKind.CREDIT_REFERENCE.value, recipient.c.active)
        .order_by(recipient.c.id)
    ).scalars()
    for rid in rows:
        found = find_recipient(uow, int(rid))
        if PURPOSE in found.purposes:
            return found
    raise RuleViolation(
        "no credit reference agency in the recipient register receives data for "
        f"{PURPOSE.value}: add it with `rekisteri recipient add --kind credit_reference "
        f"--purpose {PURPOSE.value} ...`"
    )


def _subject(uow: UnitOfWork, row: Any) -> CreditSubject:
    if row.kind == "legal":
        if not row.business_id:
            raise InvalidInput("business_id", "the organisation has no business ID to check")
        return CreditSubject(business_id=str(row.business_id))
    code = attributes.opened(uow, row, uow.catalogue[HETU])
    if not code:
        raise InvalidInput("personal_identity_code", "the person has no identity code to check")
    return CreditSubject(identity_code=code)


def check(
    reg: RegisterApp,
    actor: Actor,
    person_id: int,
    ask: Ask,
    *,
    contract_id: int | None = None,
) -> CreditCheck:
    """Query the service about the person and keep its answer; the check, with what the person
    is told. The disclosure of the identity code is committed before the query goes out."""
    query_id = f"Q{secrets.token_hex(8)}"
    with reg.unit_of_work(actor) as uow:
        row = uow.execute(select(person).where(person.c.id == person_id)).first()
        if row is None:
            raise NotFound("person", person_id)
        ensure_processing_allowed(uow, person_id, PURPOSE)
        subject = _subject(uow, row)
        to = credit_reference(uow)
        purpose_code = uow.settings.credit_check_purpose_code
        done = disclose(
            uow,
            to,
            kind=DisclosureKind.CREDIT_CHECK,
            purpose=PURPOSE,
            basis=LawfulBasis.LEGITIMATE_INTEREST,
            categories=[Category.IDENTITY],
            person_ids=[person_id],
            reason=coded(Reason.CREDIT_CHECK, purpose_code, query_id),
            reference=query_id,
            required_kinds=[RecipientKind.CREDIT_REFERENCE],
        )
        lang = lang_of(row.mother_tongue)
        recipient_name = to.name
    answer = ask(subject, purpose_code, query_id)
    with reg.unit_of_work(actor) as uow:
        provenance = Provenance.of(
            Source.ASIAKASTIETO, uow.now(), f"{recipient_name}: {answer.reference}"[:200]
        )
        given = attributes.received(
            uow,
            credit_check,
            {
                "checked_on": uow.today(),
                "purpose_code": purpose_code,
                "reference": answer.reference,
                "decision": answer.decision.value,
                "default_entries": answer.default_entries,
                "deposit_cents": answer.deposit_cents,
                "automated": answer.automated,
            },
            provenance,
        )
        new_id = uow.execute(
            credit_check.insert().values(
                person_id=person_id,
                contract_id=contract_id,
                disclosure_id=done.disclosure_id,
                source=provenance.source.value,
                source_detail=provenance.detail,
                received_at=provenance.received_at,
                **given,
            )
        ).inserted_primary_key[0]
        return _load(uow, int(new_id), lang)


def link_contract(uow: UnitOfWork, check_id: int, contract_id: int) -> None:
    """The contract made on a check (structural: which contract the answer was for)."""
    uow.execute(
        credit_check.update().where(credit_check.c.id == check_id).values(contract_id=contract_id)
    )


def _load(uow: UnitOfWork, check_id: int, lang: Lang | None = None) -> CreditCheck:
    row = uow.execute(select(credit_check).where(credit_check.c.id == check_id)).first()
    if row is None:
        raise NotFound("credit check", check_id)
    if lang is None:
        tongue = uow.execute(
            select(person.c.mother_tongue).where(person.c.id == row.person_id)
        ).scalar()
        lang = lang_of(tongue)
    return CreditCheck.of(row, lang)


def show(uow: UnitOfWork, check_id: int) -> CreditCheck:
    """One check, its read audited."""
    found = _load(uow, check_id)
    uow.note_read([found.person_id], [CATEGORY], f"credit check {check_id}")
    return found


def of_person(uow: UnitOfWork, person_id: int) -> list[CreditCheck]:
    """The person's checks still kept, newest first, their read audited."""
    ids = uow.execute(
        select(credit_check.c.id)
        .where(credit_check.c.person_id == person_id)
        .order_by(credit_check.c.checked_on.desc(), credit_check.c.id.desc())
    ).scalars()
    found = [_load(uow, int(i)) for i in ids]
    if found:  # nothing shown, nothing read
        uow.note_read([person_id], [CATEGORY], "credit checks of the person")
    return found


def request_review(
    uow: UnitOfWork, check_id: int, source: Source | str = Source.CUSTOMER_CONTACT
) -> int:
    """The person asks for a person to review an automated refusal or deposit (Art. 22(3)):
    recorded on the check (through the write path, so its history says when and from where)
    and handed to billing as a staff task; the task's id."""
    found = _load(uow, check_id)
    if not found.automated:
        raise RuleViolation(
            f"credit check {check_id} was accepted; there is no automated decision to review"
        )
    if found.review_requested_at is not None:
        raise RuleViolation(f"a review of credit check {check_id} was already asked for")
    now = uow.now()
    attributes.write_attributes(
        uow,
        credit_check,
        check_id,
        found.person_id,
        {"review_requested_at": now},
        coded(Reason.CREDIT_REVIEW_ASKED),
        Provenance.of(source, now),
        writable=REVIEW_FIELDS,
    )
    return tasks.open_task(
        uow,
        REVIEW_TASK,
        "credit_check",
        check_id,
        "review an automated credit decision the person asked a person to review (Art. 22)",
    )


def decide_review(
    uow: UnitOfWork,
    check_id: int,
    outcome: ReviewOutcome | str,
    note: str,
    deposit_cents: int | None = None,
) -> CreditCheck:
    """A person's decision on a review: recorded on the check, the review task done."""
    found = _load(uow, check_id)
    if found.review_requested_at is None:
        raise RuleViolation(f"no review of credit check {check_id} was asked for")
    if found.review_outcome is not None:
        raise RuleViolation(f"the review of credit check {check_id} was already decided")
    chosen = ReviewOutcome(
        attributes.checked(uow, credit_check, "review_outcome", outcome, writable=REVIEW_FIELDS)
    )
    if (chosen is ReviewOutcome.DEPOSIT_CHANGED) != (deposit_cents is not None):
        raise InvalidInput("deposit", "is given with the outcome deposit_changed, and only then")
    if deposit_cents is not None and not 0 < deposit_cents <= rules.MAX_DEPOSIT_CENTS:
        raise InvalidInput("deposit", "is not a deposit the register takes")
    now = uow.now()
    changes: dict[str, Any] = {
        "review_outcome": chosen.value,
        "reviewed_at": now,
        "reviewed_by": uow.actor.name,
        "review_note": note,
    }
    if deposit_cents is not None:
        changes["review_deposit_cents"] = deposit_cents
    attributes.write_attributes(
        uow,
        credit_check,
        check_id,
        found.person_id,
        changes,
        coded(Reason.CREDIT_REVIEWED),
        Provenance.of(Source.REGISTER_ITSELF, now),
        writable=REVIEW_FIELDS,
    )
    for task in tasks.listing(uow, kind=REVIEW_TASK):
        if task.subject_table == "credit_check" and task.subject_id == check_id:
            tasks.mark_done(uow, task.id)
    return _load(uow, check_id)


def for_contract(uow: UnitOfWork, check_id: int, person_id: int) -> CreditCheck:
    """The check a contract is made on: the person's own, and one that allows a contract (a
    refusal does, once a person's review accepted it or set a deposit); its read audited."""
    found = show(uow, check_id)
    if found.person_id != person_id:
        raise InvalidInput("--credit-check", f"credit check {check_id} is another person's")
    if not found.contract_allowed:
        raise RuleViolation(f"credit check {check_id} refused the contract: {found.told()}")
    return found
