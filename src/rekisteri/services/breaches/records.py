"""The breach register's use cases: open a breach, record its scope, its assessment and its
notification to the Ombudsman, list and show them. Every step is a row of `breach_event` and
an entry of the audit trail (reads of the scope's persons too)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update

from rekisteri.adapters.schema.breach import breach, breach_event, breach_subject
from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Category
from rekisteri.domain import breaches as rules
from rekisteri.domain.breaches import Kind, Risk
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.services.breaches.scope import WHAT, Criteria, compute
from rekisteri.services.unit_of_work import UnitOfWork

LANGS = ("fi", "sv", "en")


def _text(value: str, field: str, limit: int = 4000) -> str:
    value = value.strip()
    if "\x00" in value:  # PostgreSQL cannot store one, and no real text has one
        raise InvalidInput(field, "contains a NUL character")
    if not value:
        raise InvalidInput(field, "must not be empty")
    if len(value) > limit:
        raise InvalidInput(field, f"at most {limit} characters ({len(value)} given)")
    return value


def log_step(uow: UnitOfWork, breach_id: int, ref: str, step: str, detail: str) -> None:
    """The breach's own log, and the step in the audit trail (one change entry per step, with
    the persons the step changed when it changed any)."""
    uow.execute(
        insert(breach_event).values(
            breach_id=breach_id,
            at=uow.now(),
            actor=uow.actor.name,
            step=step,
            detail=detail[:600],
        )
    )
    uow.note_change((), (), f"{WHAT}: {ref} {step}")


def _find(uow: UnitOfWork, reference: str) -> Any:
    row = uow.execute(select(breach).where(breach.c.reference == reference.strip())).first()
    if row is None:
        raise NotFound("breach", reference)
    return row


def open_breach(
    uow: UnitOfWork,
    *,
    summary: str,
    kind: str,
    aware_at: dt.datetime,
    noticed_by: str,
    started_at: dt.datetime | None = None,
) -> str:
    """Record a suspected breach; its reference (TL-2026-0001). The 72 hours run from
    `aware_at`, which may not lie in the future nor before the breach began."""
    try:
        chosen = Kind(kind)
    except ValueError:
        raise InvalidInput("kind", f"must be one of {', '.join(k.value for k in Kind)}") from None
    if aware_at > uow.now() + dt.timedelta(minutes=5):
        raise InvalidInput("aware_at", "lies in the future")
    if started_at is not None and started_at > aware_at:
        raise InvalidInput("started_at", "is after the moment the breach was noticed")
    year = aware_at.astimezone(rules.HELSINKI).year
    number = uow.next_number(f"breach {year}", 1)
    reference = f"TL-{year}-{number:04d}"
    new_id = uow.execute(
        insert(breach).values(
            reference=reference,
            kind=chosen.value,
            summary=_text(summary, "summary"),
            aware_at=aware_at,
            noticed_by=_text(noticed_by, "noticed_by", 200),
            started_at=started_at,
            recorded_at=uow.now(),
            recorded_by=uow.actor.name,
        )
    ).inserted_primary_key[0]
    log_step(
        uow, int(new_id), reference, "open", f"kind={chosen.value} aware_at={aware_at.isoformat()}"
    )
    return reference


def record_scope(uow: UnitOfWork, reference: str, crit: Criteria) -> dict[str, Any]:
    """Compute the scope and keep it (replacing an earlier one); its counts."""
    row = _find(uow, reference)
    found = compute(uow, crit)
    kept = {
        int(r.person_id): r
        for r in uow.execute(select(breach_subject).where(breach_subject.c.breach_id == row.id))
    }
    gone = [p for p in kept if p not in found.persons]
    if any(kept[p].notice_sent_at is not None for p in gone):
        raise RuleViolation("the new scope leaves out persons who were already told")
    for i in range(0, len(gone), 1000):
        uow.execute(
            delete(breach_subject).where(
                breach_subject.c.breach_id == row.id,
                breach_subject.c.person_id.in_(gone[i : i + 1000]),
            )
        )
    rows = [
        {
            "breach_id": row.id,
            "person_id": p,
            "categories": " ".join(sorted(c)),
            "found_at": uow.now(),
        }
        for p, c in sorted(found.persons.items())
        if p not in kept
    ]
    for p, c in found.persons.items():
        if p in kept and kept[p].categories != " ".join(sorted(c)):
            uow.execute(
                update(breach_subject)
                .where(breach_subject.c.breach_id == row.id, breach_subject.c.person_id == p)
                .values(categories=" ".join(sorted(c)))
            )
    if rows:
        uow.execute(insert(breach_subject), rows)
    categories = sorted(set().union(*found.persons.values())) if found.persons else []
    uow.execute(
        update(breach)
        .where(breach.c.id == row.id)
        .values(
            scope_user=crit.user,
            scope_token_id=crit.token_id,
            scope_session_id=crit.session_id,
            scope_export_id=crit.export_id,
            scope_from=crit.since,
            scope_to=crit.until,
            scope_at=uow.now(),
            person_count=len(found.persons),
            categories=" ".join(categories),
        )
    )
    # Reading whose data the trail names is a read of those persons' access log.
    if found.persons:
        uow.note_read(found.persons, [Category.ACCESS_LOG], f"{WHAT}: {reference} scope")
    log_step(
        uow,
        int(row.id),
        reference,
        "scope",
        f"{crit.describe()}: {len(found.persons)} persons, {found.gone} no longer in the "
        f"register; categories {' '.join(categories) or '-'}; "
        f"{len(found.whole_register)} reads of the whole register",
    )
    return {
        "reference": reference,
        "persons": len(found.persons),
        "no_longer_in_register": found.gone,
        "categories": categories,
        # Reads in the scope that name no person (a backup): every person may be concerned.
        "whole_register_reads": found.whole_register,
        "criteria": crit.describe(),
    }


@dataclass(frozen=True)
class Assessment:
    risk: str
    notify_authority: bool
    notify_persons: bool
    reasons: str
    consequences: dict[str, str]  # by language; what the notices say
    measures: dict[str, str]


def assess(uow: UnitOfWork, reference: str, a: Assessment) -> None:
    """Record the DPO's assessment. A high risk means the persons are told unless the reasons
    say why not (Art. 34(3)); a risk means the Ombudsman is told unless the reasons say why."""
    row = _find(uow, reference)
    try:
        risk = Risk(a.risk)
    except ValueError:
        raise InvalidInput("risk", f"must be one of {', '.join(r.value for r in Risk)}") from None
    reasons = _text(a.reasons, "reasons")
    if a.notify_persons and not a.notify_authority:
        raise InvalidInput("notify_authority", "the persons are told: the Ombudsman is told too")
    texts: dict[str, str | None] = {}
    for name, given in (("consequences", a.consequences), ("measures", a.measures)):
        for lang in given:
            if lang not in LANGS:
                raise InvalidInput(name, f"no language {lang!r}: only fi, sv and en")
        for lang in LANGS:
            text = given.get(lang)
            texts[f"{name}_{lang}"] = _text(text, f"{name}_{lang}") if text else None
    uow.execute(
        update(breach)
        .where(breach.c.id == row.id)
        .values(
            risk=risk.value,
            notify_authority=a.notify_authority,
            notify_persons=a.notify_persons,
            reasons=reasons,
            assessed_at=uow.now(),
            assessed_by=uow.actor.name,
            **texts,
        )
    )
    log_step(
        uow,
        int(row.id),
        reference,
        "assess",
        f"risk={risk.value} notify_authority={a.notify_authority} "
        f"notify_persons={a.notify_persons}",
    )


def record_notification(
    uow: UnitOfWork,
    reference: str,
    *,
    at: dt.datetime,
    authority_reference: str,
    delay_reason: str | None = None,
) -> dict[str, Any]:
    """Record the notification made to the Ombudsman; after the 72 hours it needs the reasons
    for the delay (Art. 33(1))."""
    row = _find(uow, reference)
    if at > uow.now() + dt.timedelta(minutes=5):
        raise InvalidInput("at", "lies in the future")
    if at < row.aware_at:
        raise InvalidInput("at", "is before the controller became aware of the breach")
    late = at > rules.deadline(row.aware_at)
    if late and not (delay_reason and delay_reason.strip()):
        raise InvalidInput(
            "delay_reason", "the notification came after the 72 hours: say why (Art. 33(1))"
        )
    uow.execute(
        update(breach)
        .where(breach.c.id == row.id)
        .values(
            authority_notified_at=at,
            authority_reference=_text(authority_reference, "authority_reference", 200),
            delay_reason=_text(delay_reason, "delay_reason") if delay_reason else None,
        )
    )
    log_step(uow, int(row.id), reference, "notify", f"at={at.isoformat()} late={late}")
    return {"reference": reference, "late": late}


def _summary(row: Any, now: dt.datetime) -> dict[str, Any]:
    c = rules.clock(row.aware_at, now, row.authority_notified_at)
    # Codes as members of their enums (text to JSON and the CLI, words on the pages).
    if row.authority_notified_at is not None:
        state = rules.State.NOTIFIED_LATE if c.notified_late else rules.State.NOTIFIED
    elif row.notify_authority is False:
        state = rules.State.NOT_NOTIFIABLE
    else:
        state = rules.State.OVERDUE if c.overdue else rules.State.OPEN
    return {
        "reference": row.reference,
        "kind": Kind(row.kind),
        "summary": row.summary,
        "aware_at": row.aware_at,
        "deadline": c.deadline,
        "deadline_local": rules.local(c.deadline),
        "remaining": rules.remaining_text(c.remaining),
        "remaining_seconds": int(c.remaining.total_seconds()),
        "state": state,
        "risk": Risk(row.risk) if row.risk else None,
        "persons": row.person_count,
        "categories": (row.categories or "").split(),
        "authority_notified_at": row.authority_notified_at,
    }


def listing(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every breach, newest first, with where it stands against the 72 hours."""
    rows = uow.execute(select(breach).order_by(breach.c.aware_at.desc(), breach.c.id.desc()))
    return [_summary(r, uow.now()) for r in rows]


def show(uow: UnitOfWork, reference: str, *, with_persons: bool = False) -> dict[str, Any]:
    """One breach whole: the record, the clock, its steps, and (asked) the persons in scope."""
    row = _find(uow, reference)
    shown = _summary(row, uow.now()) | {
        k: row._mapping[k]
        for k in (
            "noticed_by",
            "started_at",
            "recorded_at",
            "recorded_by",
            "scope_user",
            "scope_token_id",
            "scope_session_id",
            "scope_export_id",
            "scope_from",
            "scope_to",
            "scope_at",
            "notify_authority",
            "notify_persons",
            "reasons",
            "assessed_at",
            "assessed_by",
            "authority_reference",
            "delay_reason",
            *(f"{n}_{lang}" for n in ("consequences", "measures") for lang in LANGS),
        )
    }
    shown["steps"] = [
        dict(r._mapping)
        for r in uow.execute(
            select(
                breach_event.c.at, breach_event.c.actor, breach_event.c.step, breach_event.c.detail
            )
            .where(breach_event.c.breach_id == row.id)
            .order_by(breach_event.c.id)
        )
    ]
    counts = uow.execute(
        select(breach_subject.c.notice_channel, breach_subject.c.notice_sent_at).where(
            breach_subject.c.breach_id == row.id
        )
    ).all()
    shown["notices_sent"] = sum(1 for c in counts if c.notice_sent_at is not None)
    if with_persons:
        found = uow.execute(
            select(
                person.c.id,
                person.c.customer_number,
                breach_subject.c.categories,
                breach_subject.c.notice_channel,
                breach_subject.c.notice_sent_at,
            )
            .join(person, person.c.id == breach_subject.c.person_id)
            .where(breach_subject.c.breach_id == row.id)
            .order_by(person.c.id)
        ).all()
        shown["subjects"] = [
            {
                "person_id": r.id,
                "customer_number": r.customer_number,
                "categories": r.categories.split(),
                "notice_channel": r.notice_channel,
                "notice_sent_at": r.notice_sent_at,
            }
            for r in found
        ]
        if found:
            uow.note_read(
                [r.id for r in found],
                [Category.ACCESS_LOG, Category.IDENTITY],
                f"{WHAT}: {reference} persons",
            )
    return shown
