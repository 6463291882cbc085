"""Data subject requests as a workflow: received -> verified -> in_progress -> fulfilled or
rejected -> closed, with deadlines, extensions, duplicates, further copies and fees (GDPR Art.
12(5), 15(3): the first copy is free; see domain/requests)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select, update

from rekisteri.adapters.schema.register import person
from rekisteri.adapters.schema.rights import rights_request, rights_request_event
from rekisteri.catalogue import Category, Sensitivity, Source
from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.domain.register import Provenance
from rekisteri.domain.representatives import Power
from rekisteri.domain.requests import (
    OPEN_STATES,
    ChargeDecision,
    Deadlines,
    ReceivedHow,
    RequestKind,
    RequestState,
    VerifiedHow,
    check_charge,
    check_details,
    check_extension,
    deadlines,
    is_repeat,
    require_transition,
)
from rekisteri.services.register import customers, representatives
from rekisteri.services.rights import recipient_notices
from rekisteri.services.unit_of_work import UnitOfWork

REQ = rights_request
SEALED = "(salattu / krypterad / encrypted)"


@dataclass(frozen=True)
class NewRequest:
    id: int
    reference: str
    due_on: dt.date
    due_month_on: dt.date
    due_30_days_on: dt.date
    # A further copy: the reference of the fulfilled access request that gave the last one.
    repeat_of: str | None


def _event(uow: UnitOfWork, request_id: int, event: str, note: str | None = None) -> None:
    """One step of a request's life; also a change of the person's data for the audit trail."""
    uow.execute(
        rights_request_event.insert().values(
            request_id=request_id, at=uow.now(), actor=uow.actor.name, event=event, note=note
        )
    )
    person_id = uow.execute(select(REQ.c.person_id).where(REQ.c.id == request_id)).scalar()
    uow.note_change(
        [] if person_id is None else [int(person_id)], [Category.RIGHTS_REQUEST], f"request {event}"
    )


def _details(uow: UnitOfWork, kind: RequestKind, details: dict[str, Any] | None) -> dict[str, Any]:
    d = dict(details or {})
    if kind is RequestKind.RECTIFICATION:
        changes = d.get("changes")
        if not isinstance(changes, dict) or not changes:
            raise InvalidInput("details.changes", "a rectification names what to correct")
        d["changes"] = _sealed_changes(uow, changes)
    return d


def _sealed_changes(uow: UnitOfWork, changes: dict[str, Any]) -> dict[str, Any]:
    # A corrected identity code is sealed as the history seals it: never plain in a table.
    return {
        f: uow.cipher.seal_text(_sealed_key(f), v) if _sealed(uow, f, v) else v
        for f, v in changes.items()
    }


def request_provenance(uow: UnitOfWork, reference: str) -> Provenance:
    """Where a change made for a request comes from: the person, through their request."""
    return Provenance.of(Source.CUSTOMER_CONTACT, uow.now(), f"request {reference}")


def set_changes(uow: UnitOfWork, key: int | str, changes: dict[str, Any]) -> list[str]:
    """The structured changes of a rectification request (field -> corrected value), added by
    the DPO when the person described them in words (the public form's free text). They are
    checked now as `customer rectify` checks them (rectifiable fields, the catalogue's sources,
    each attribute's rule) against the verified person's data, and replace any given before;
    fulfilling applies them. Returns the fields, sorted."""
    row = load(uow, key)
    if RequestKind(row.kind) is not RequestKind.RECTIFICATION:
        raise RuleViolation(
            f"request {row.reference} is a {row.kind} request: only a rectification names changes"
        )
    if RequestState(row.state) not in OPEN_STATES:
        raise RuleViolation(f"request {row.reference} is {row.state}: its changes are settled")
    if row.person_id is None:
        raise RuleViolation(
            f"request {row.reference} is not verified yet: verify whose request it is first, "
            "so the changes are checked against their data"
        )
    if not isinstance(changes, dict) or not changes:
        raise InvalidInput("changes", "name at least one field and its corrected value")
    customers.check_rectification(
        uow, int(row.person_id), changes, request_provenance(uow, row.reference)
    )
    details = json.loads(row.details) if row.details else {}
    details["changes"] = _sealed_changes(uow, changes)
    uow.execute(
        update(REQ)
        .where(REQ.c.id == row.id)
        .values(details=json.dumps(details, ensure_ascii=False, default=str))
    )
    fields = sorted(changes)
    _event(uow, row.id, "changes", "fields: " + ", ".join(fields))
    return fields


def changes_to_apply(uow: UnitOfWork, row: Any) -> dict[str, Any]:
    """The opened structured changes of a rectification request, or InvalidInput saying they
    are missing (a request from the public form describes them only in words)."""
    d = json.loads(row.details) if row.details else {}
    changes = d.get("changes")
    if not isinstance(changes, dict) or not changes:
        raise InvalidInput(
            "details.changes",
            f"rectification request {row.reference} names no field to correct yet: add the "
            "corrections (field=value) to the request first, from what the person wrote",
        )
    return opened_changes(uow, changes)


def _sealed_key(field: str) -> str:
    return f"person.{field}"  # a rectification request corrects the person's own attributes


def _sealed(uow: UnitOfWork, field: str, value: Any) -> bool:
    key = _sealed_key(field)
    return (
        isinstance(value, str)
        and bool(value)
        and key in uow.catalogue
        and uow.catalogue[key].sensitivity is Sensitivity.ENCRYPTED
    )


def opened_changes(uow: UnitOfWork, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes a rectification request asked for, sealed values opened (to apply them)."""
    return {
        f: uow.cipher.open_text(_sealed_key(f), v)
        if isinstance(v, str) and v.startswith("enc:")
        else v
        for f, v in changes.items()
    }


def new_request(
    uow: UnitOfWork,
    person_id: int | None,
    kind: RequestKind | str,
    received_how: ReceivedHow | str,
    provenance: Provenance,
    *,
    received_on: dt.date | None = None,
    details: dict[str, Any] | None = None,
    representative_id: int | None = None,
) -> NewRequest:
    """A request from the person, or made for them by their representative
    (`representative_id`: a guardian, the estate's contact, an attorney, who must have the
    power to make requests on the day received; verification checks it again)."""
    check_details(details)  # before anything else: a bound, not a validation of content
    k = values.enum_value(RequestKind, kind, "kind")
    how = values.enum_value(ReceivedHow, received_how, "received_how")
    on = received_on or uow.today()
    if on > uow.today():
        raise InvalidInput("received_on", "is in the future")
    if person_id is None:
        # Only the public form arrives without a known person: the DPO identifies them.
        if how is not ReceivedHow.WEB_FORM:
            raise InvalidInput("person", "a request names the person who made it")
        return _unidentified(uow, k, on, details or {}, provenance)
    d = _details(uow, k, details)
    if uow.execute(select(person.c.id).where(person.c.id == person_id)).first() is None:
        raise NotFound("person", person_id)
    acting = None
    if representative_id is not None:
        acting = representatives.check_authority(
            uow, representative_id, person_id, Power.RIGHTS_REQUESTS, on
        )
    _refuse_duplicate(uow, person_id, k)
    last = _last_fulfilled_access(uow, person_id)
    repeat = last is not None and is_repeat(
        k, on, last.fulfilled_at.date(), uow.settings.access_repeat_months
    )
    # A further copy waits for the DPO's decision on a fee (Art. 15(3)); the rest are free.
    request_id, reference, times = _insert(
        uow,
        provenance,
        person_id=person_id,
        kind=k.value,
        received_how=how.value,
        received_on=on,
        details=json.dumps(d, ensure_ascii=False, default=str) if d else None,
        repeat_of=last.id if repeat and last is not None else None,
        charge_decision=None if repeat else ChargeDecision.NONE.value,
        representative_id=representative_id,
    )
    _event(uow, request_id, "received", f"{k.value} by {how.value}")
    if acting is not None:
        _event(uow, request_id, "representative", _acting(acting))
    if repeat and last is not None:
        _event(uow, request_id, "repeat", _further_copy(last.reference))
    return NewRequest(
        request_id,
        reference,
        times.due,
        times.one_month,
        times.thirty_days,
        last.reference if repeat and last is not None else None,
    )


def _acting(rep: Any) -> str:
    """Who made the request for the person and on what authority (kept in the request's
    events, which outlive the representation)."""
    return (
        f"made by {rep.kind.replace('_', ' ')} {rep.name} (representative {rep.id}), "
        f"shown by {rep.evidence.replace('_', ' ')} {rep.evidence_ref}"
    )


def _further_copy(reference: object) -> str:
    return (
        f"a further copy after {reference}: the DPO decides whether it carries a reasonable fee "
        "(GDPR Art. 15(3))"
    )


def _insert(
    uow: UnitOfWork, provenance: Provenance, *, received_on: dt.date, **columns: Any
) -> tuple[int, str, Deadlines]:
    """A new request row, received: its reference, its deadlines from the day received and its
    provenance. Returns (id, reference, deadlines)."""
    times = deadlines(received_on)
    n = uow.next_number("rights_request", 1)
    reference = f"R{received_on.year}-{n:05d}"
    request_id = uow.execute(
        REQ.insert().values(
            reference=reference,
            received_on=received_on,
            due_month_on=times.one_month,
            due_30_days_on=times.thirty_days,
            due_on=times.due,
            state=RequestState.RECEIVED.value,
            created_by=uow.actor.name,
            source=provenance.source.value,
            source_detail=provenance.detail,
            received_at=provenance.received_at,
            **columns,
        )
    ).inserted_primary_key[0]
    return int(request_id), reference, times


def _refuse_duplicate(
    uow: UnitOfWork, person_id: int, kind: RequestKind, other_than: int | None = None
) -> None:
    """One open request of a kind per person: a second one is a duplicate (named)."""
    query = select(REQ.c.reference).where(
        REQ.c.person_id == person_id,
        REQ.c.kind == kind.value,
        REQ.c.state.in_([s.value for s in OPEN_STATES]),
    )
    if other_than is not None:
        query = query.where(REQ.c.id != other_than)
    open_one = uow.execute(query).first()
    if open_one is not None:
        raise RuleViolation(
            f"this person already has an open {kind.value} request: {open_one.reference}"
        )


def _last_fulfilled_access(uow: UnitOfWork, person_id: int) -> Any:
    return uow.execute(
        select(REQ.c.id, REQ.c.reference, REQ.c.fulfilled_at)
        .where(
            REQ.c.person_id == person_id,
            REQ.c.kind == RequestKind.ACCESS.value,
            REQ.c.fulfilled_at.is_not(None),
        )
        .order_by(REQ.c.fulfilled_at.desc())
        .limit(1)
    ).first()


def _unidentified(
    uow: UnitOfWork,
    kind: RequestKind,
    on: dt.date,
    details: dict[str, Any],
    provenance: Provenance,
) -> NewRequest:
    """A request from the public form: received, not tied to anyone until the identity of the
    requester is verified. The deadline runs from receipt all the same."""
    request_id, reference, times = _insert(
        uow,
        provenance,
        person_id=None,
        kind=kind.value,
        received_how=ReceivedHow.WEB_FORM.value,
        received_on=on,
        details=json.dumps(details | {"needs_identity_verification": True}, ensure_ascii=False),
        charge_decision=ChargeDecision.NONE.value,
    )
    _event(uow, request_id, "received", f"{kind.value} by web form; identity not yet verified")
    return NewRequest(request_id, reference, times.due, times.one_month, times.thirty_days, None)


def of_person(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    """The person's requests, newest first (the person's page in the console)."""
    rows = uow.execute(
        select(REQ).where(REQ.c.person_id == person_id).order_by(REQ.c.received_on.desc())
    )
    found = [summary(r, uow.today()) for r in rows]
    if found:  # an empty answer disclosed nothing
        uow.note_read([person_id], [Category.RIGHTS_REQUEST], "requests of the person")
    return found


def _subjects(row: Any) -> list[int]:
    """Whose request it is, for the audit trail: nobody yet for an unverified web-form one."""
    return [] if row.person_id is None else [int(row.person_id)]


def load(uow: UnitOfWork, key: int | str) -> Any:
    """A request by id or reference."""
    text = str(key).strip()
    cond = REQ.c.reference == text.upper()
    # An id only when it is ASCII digits that fit the 32-bit column: "²".isdigit() is True
    # and int() refuses it, and an id past 2**63 overflows the database drivers.
    if text.isascii() and text.isdigit() and len(text) <= 10 and int(text) < 2**31:
        cond = REQ.c.id == int(text)
    row = uow.execute(select(REQ).where(cond)).first()
    if row is None:
        raise NotFound("request", key)
    return row


def _move(uow: UnitOfWork, row: Any, new: RequestState, **columns: Any) -> None:
    require_transition(RequestState(row.state), new)
    uow.execute(update(REQ).where(REQ.c.id == row.id).values(state=new.value, **columns))


def verify(
    uow: UnitOfWork,
    key: int | str,
    how: VerifiedHow | str,
    note: str = "",
    person_id: int | None = None,
) -> None:
    """Record how the requester's identity was verified and by whom (the acting staff user).

    A request from the public form belongs to nobody until then: verifying it names the person
    whose identity was checked, and from that moment it is theirs (duplicate and repeat checks
    apply as for a request registered by staff)."""
    v = values.enum_value(VerifiedHow, how, "verified_how")
    row = load(uow, key)
    linked: dict[str, Any] = {}
    if row.person_id is None:
        if person_id is None:
            raise InvalidInput(
                "person",
                "a request from the web form is verified by naming whose identity was checked",
            )
        linked = _link(uow, row, person_id)
    elif person_id is not None and person_id != row.person_id:
        raise RuleViolation(f"request {row.reference} is another person's request")
    if row.representative_id is not None:
        # The representative's identity is what `how` verified; their authority must still
        # hold today (a power of attorney revoked, a guardianship ended since the request).
        rep = representatives.check_authority(
            uow, row.representative_id, row.person_id, Power.RIGHTS_REQUESTS, uow.today()
        )
        note = f"{note + '; ' if note else ''}authority checked: {_acting(rep)}"
    _move(
        uow,
        row,
        RequestState.VERIFIED,
        verified_how=v.value,
        verified_by=uow.actor.name,
        verified_at=uow.now(),
        **linked,
    )
    _event(uow, row.id, "verified", f"{v.value}{': ' + note if note else ''}")
    if linked.get("repeat_of") is not None:
        earlier = uow.execute(select(REQ.c.reference).where(REQ.c.id == linked["repeat_of"]))
        _event(uow, row.id, "repeat", _further_copy(earlier.scalar()))


def _link(uow: UnitOfWork, row: Any, person_id: int) -> dict[str, Any]:
    """The columns that tie an unidentified web-form request to the verified person."""
    if uow.execute(select(person.c.id).where(person.c.id == person_id)).first() is None:
        raise NotFound("person", person_id)
    kind = RequestKind(row.kind)
    _refuse_duplicate(uow, person_id, kind, other_than=row.id)
    last = _last_fulfilled_access(uow, person_id)
    repeat = last is not None and is_repeat(
        kind, row.received_on, last.fulfilled_at.date(), uow.settings.access_repeat_months
    )
    details = json.loads(row.details) if row.details else {}
    details.pop("needs_identity_verification", None)
    columns: dict[str, Any] = {
        "person_id": person_id,
        "details": json.dumps(details, ensure_ascii=False) if details else None,
    }
    if repeat and last is not None:
        # Recorded as a "repeat" event by verify(), once the request is the person's.
        columns |= {"repeat_of": last.id, "charge_decision": None}
    return columns


def start(uow: UnitOfWork, key: int | str) -> None:
    row = load(uow, key)
    _move(uow, row, RequestState.IN_PROGRESS)
    _event(uow, row.id, "in_progress")


def extend(
    uow: UnitOfWork, key: int | str, extend_to: dt.date, reason: str, notice_on: dt.date
) -> None:
    """Art. 12(3): up to two further months, the person told why within the first month."""
    row = load(uow, key)
    if RequestState(row.state) not in OPEN_STATES:
        raise RuleViolation(f"request {row.reference} is {row.state}: nothing to extend")
    if row.extended_to is not None:
        raise RuleViolation(f"request {row.reference} was already extended to {row.extended_to}")
    if notice_on > uow.today():
        raise InvalidInput("notice_on", "the notice must already have been sent")
    why = check_extension(row.received_on, row.due_on, extend_to, reason, notice_on)
    uow.execute(
        update(REQ)
        .where(REQ.c.id == row.id)
        .values(extended_to=extend_to, extension_reason=why, extension_notice_on=notice_on)
    )
    _event(uow, row.id, "extended", f"to {extend_to}, person told on {notice_on}: {why}")


def decide_charge(
    uow: UnitOfWork, key: int | str, decision: ChargeDecision | str, why: str
) -> None:
    """The DPO's decision on a fee, with the reasons the person is told: a further copy may
    carry a reasonable fee (Art. 15(3)); a manifestly unfounded or excessive request may be
    charged for or refused (Art. 12(5)), which the controller must be able to show. The first
    copy is never charged for. A refusal rejects the request."""
    d = values.enum_value(ChargeDecision, decision, "decision")
    reason = values.required_text(why, "reason", max_len=300)
    row = load(uow, key)
    if RequestState(row.state) not in OPEN_STATES:
        state = f"request {row.reference} is {row.state}"
        raise RuleViolation(f"{state}: a fee is decided while the request is open")
    check_charge(d, RequestKind(row.kind), row.repeat_of is not None)
    uow.execute(
        update(REQ)
        .where(REQ.c.id == row.id)
        .values(charge_decision=d.value, charge_decided_by=uow.actor.name)
    )
    _event(uow, row.id, "charge", f"{d.value}: {reason}")
    if d is ChargeDecision.REFUSED:
        reject(uow, row.id, f"manifestly unfounded or excessive (GDPR Art. 12(5)(b)): {reason}")


def note_step(uow: UnitOfWork, request_id: int, event: str, note: str | None = None) -> None:
    """Record a step of the request's life taken elsewhere (recording_copies)."""
    _event(uow, request_id, event, note)


def begin_fulfilment(uow: UnitOfWork, row: Any) -> None:
    """Check the request may be fulfilled and record the step, before the work is done: the
    work's answer (an erasure's list of what remains) then counts this event too. An error in
    the work rolls the whole unit of work back, the event with it."""
    require_transition(RequestState(row.state), RequestState.FULFILLED)
    if row.charge_decision is None:
        raise RuleViolation(
            f"request {row.reference} asks for a further copy within "
            f"{uow.settings.access_repeat_months} months of the last: the DPO decides first "
            "whether it carries a reasonable fee (request charge)"
        )
    _event(uow, row.id, "fulfilled")


def mark_fulfilled(uow: UnitOfWork, row: Any, outcome: dict[str, Any]) -> None:
    """The request fulfilled with its outcome (begin_fulfilment recorded the step)."""
    _move(
        uow,
        row,
        RequestState.FULFILLED,
        fulfilled_at=uow.now(),
        outcome=json.dumps(outcome, ensure_ascii=False, default=str),
    )


def reject(uow: UnitOfWork, key: int | str, reason: str) -> None:
    """Art. 12(4): the person is told why and that they may complain to the supervisory
    authority (in Finland, the Data Protection Ombudsman)."""
    why = values.required_text(reason, "reason", max_len=1000)
    row = load(uow, key)
    _move(uow, row, RequestState.REJECTED, outcome=json.dumps({"rejected": why}))
    _event(uow, row.id, "rejected", why)


def close(uow: UnitOfWork, key: int | str) -> None:
    row = load(uow, key)
    _move(uow, row, RequestState.CLOSED, closed_at=uow.now())
    _event(uow, row.id, "closed")


def effective_due(row: Any) -> dt.date:
    return row.extended_to or row.due_on  # type: ignore[no-any-return]


def listing(uow: UnitOfWork, which: str = "open") -> list[dict[str, Any]]:
    """Requests for the DPO desk: open, overdue, due_this_week or all; soonest due first."""
    due = func.coalesce(REQ.c.extended_to, REQ.c.due_on)
    today = uow.today()
    open_ = REQ.c.state.in_([s.value for s in OPEN_STATES])
    conditions = {
        "all": None,
        "open": open_,
        "overdue": and_(open_, due < today),
        "due_this_week": and_(open_, due >= today, due <= today + dt.timedelta(days=7)),
    }
    if which not in conditions:
        raise InvalidInput("which", f"must be one of {', '.join(conditions)}")
    q = select(REQ).order_by(due, REQ.c.id)
    condition = conditions[which]
    if condition is not None:
        q = q.where(condition)
    rows = list(uow.execute(q))
    # A request from the web form belongs to nobody until verified: no subject to note.
    subjects = {r.person_id for r in rows if r.person_id is not None}
    uow.note_read(subjects, [Category.RIGHTS_REQUEST], "requests desk")
    return [summary(r, today) for r in rows]


def summary(row: Any, today: dt.date) -> dict[str, Any]:
    due = effective_due(row)
    open_ = RequestState(row.state) in OPEN_STATES
    return {
        "id": row.id,
        "reference": row.reference,
        "person_id": row.person_id,
        "kind": row.kind,
        "state": row.state,
        "received_how": row.received_how,
        "received_on": row.received_on,
        "due_on": due,
        "due_month_on": row.due_month_on,
        "due_30_days_on": row.due_30_days_on,
        "extended_to": row.extended_to,
        "verified": row.verified_at is not None,
        "repeat_of": row.repeat_of,
        "charge_decision": row.charge_decision,
        "representative_id": row.representative_id,
        "overdue": open_ and due < today,
        "days_left": (due - today).days if open_ else None,
    }


def _shown_details(stored: str | None) -> dict[str, Any] | None:
    if not stored:
        return None
    d: dict[str, Any] = json.loads(stored)
    if isinstance(d.get("changes"), dict):
        d["changes"] = {
            f: SEALED if isinstance(v, str) and v.startswith("enc:") else v
            for f, v in d["changes"].items()
        }
    return d


def show(uow: UnitOfWork, key: int | str) -> dict[str, Any]:
    row = load(uow, key)
    uow.note_read(_subjects(row), [Category.RIGHTS_REQUEST], "rights request")
    out = summary(row, uow.today()) | {
        "verified_how": row.verified_how,
        "verified_by": row.verified_by,
        "verified_at": row.verified_at,
        "extension_reason": row.extension_reason,
        "extension_notice_on": row.extension_notice_on,
        "details": _shown_details(row.details),
        "outcome": json.loads(row.outcome) if row.outcome else None,
        "created_by": row.created_by,
        "source": row.source,
    }
    out["events"] = [
        dict(e._mapping)
        for e in uow.execute(
            select(
                rights_request_event.c.at,
                rights_request_event.c.actor,
                rights_request_event.c.event,
                rights_request_event.c.note,
            )
            .where(rights_request_event.c.request_id == row.id)
            .order_by(rights_request_event.c.id)
        )
    ]
    out["recipient_notifications"] = recipient_notices.of_request(uow, row.id)
    if row.representative_id is not None:
        out["answer_to"] = answer_to(uow, row)
    return out


def answer_to(uow: UnitOfWork, row: Any) -> dict[str, Any] | None:
    """Where the answer to a request a representative made goes: to the representative, at
    the address or e-mail they gave (None for the person's own request)."""
    if row.representative_id is None:
        return None
    rep = uow.execute(
        select(representatives.REP).where(representatives.REP.c.id == row.representative_id)
    ).one()
    uow.note_read(_subjects(row), [Category.CONTACT], "representative answered")
    address = (
        f"{rep.street}, {rep.postal_code} {rep.post_office}, {rep.country}" if rep.street else None
    )
    return {
        "representative_id": rep.id,
        "kind": rep.kind,
        "name": rep.name,
        "address": address,
        "email": rep.email,
    }
