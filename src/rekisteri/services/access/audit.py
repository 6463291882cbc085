"""The audit trail's use cases: verify the chain, tell who read a person's data, record refusals.

Entries are written by the unit of work itself (RegisterApp.unit_of_work / reading) from what
services declared with `note_read` and `note_change`; nothing here needs to be called for an
ordinary read to be audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from rekisteri.adapters import audit_chain
from rekisteri.adapters.schema.audit import audit_entry, audit_subject
from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Category
from rekisteri.domain.values import HELSINKI
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork


def verify_trail(reg: RegisterApp) -> audit_chain.Verdict:
    """Walk the whole chain (from the newest checkpoint) in one consistent read."""
    with reg.engine.connect() as connection:
        holds_persons = connection.execute(select(person.c.id).limit(1)).first() is not None
        return audit_chain.verify(connection, reg.cipher.audit_key, holds_persons=holds_persons)


@dataclass(frozen=True)
class AuditOff:
    """A process that ran with the audit trail off (benchmark mode): a gap in the trail."""

    seq: int
    at: dt.datetime
    via: str


def audit_off(reg: RegisterApp) -> list[AuditOff]:
    """Every process that started with the audit off, as its own keyed entry records it."""
    with reg.engine.connect() as connection:
        rows = connection.execute(
            select(audit_entry.c.seq, audit_entry.c.at, audit_entry.c.via)
            .where(audit_entry.c.action == audit_chain.AUDIT_OFF_ACTION)
            .order_by(audit_entry.c.seq)
        ).all()
    return [AuditOff(r.seq, r.at, r.via) for r in rows]


def prune(uow: UnitOfWork, *, dry_run: bool = False) -> int:
    """Remove the entries past the access log's retention period (the catalogue's rule for
    audit entries, five years from the entry) behind a checkpoint; returns how many went."""
    rule = uow.catalogue["audit_entry.at"].retention
    before = rule.first_kept(uow.today())
    cutoff = dt.datetime.combine(before, dt.time(), tzinfo=HELSINKI)
    old = audit_entry.c.at < cutoff
    if dry_run:
        return int(uow.execute(select(func.count()).where(old)).scalar_one())
    last = uow.execute(select(func.max(audit_entry.c.seq)).where(old)).scalar()
    if last is None:
        return 0
    point = audit_chain.prune_through(
        uow.connection,
        uow.cipher.audit_key,
        int(last),
        before=before,
        actor=uow.actor.name,
        via=uow.actor.via or "retention run",
        at=uow.now(),
    )
    return 0 if point is None else point.count


def who_read(uow: UnitOfWork, person_id: int, limit: int = 1000) -> list[dict[str, Any]]:
    """Who read or changed the person's data, when, why and through what; newest first.

    Asking is itself a read of the person's access log, so it is audited too.
    """
    rows = uow.execute(
        select(
            audit_entry.c.seq,
            audit_entry.c.at,
            audit_entry.c.actor,
            audit_entry.c.role,
            audit_entry.c.purpose,
            audit_entry.c.via,
            audit_entry.c.action,
            audit_entry.c.outcome,
            audit_entry.c.categories,
            audit_entry.c.what,
        )
        .join(audit_subject, audit_subject.c.seq == audit_entry.c.seq)
        .where(audit_subject.c.person_id == person_id)
        .order_by(audit_entry.c.seq.desc())
        .limit(limit)
    ).mappings()
    found = [dict(r) | {"categories": r["categories"].split()} for r in rows]
    uow.note_read([person_id], [Category.ACCESS_LOG], "who read the person's data")
    return found


def record_denied(
    reg: RegisterApp,
    actor: Actor,
    categories: Iterable[Category],
    person_ids: Iterable[int],
    why: str,
    action: str = "read",
) -> None:
    """A refused request is audited too, in its own transaction (the request itself failed)."""
    if not reg.settings.audit_enabled:
        return
    entry = audit_chain.NewEntry(
        actor=actor.name,
        role=actor.role.value if actor.role else None,
        subject_self=actor.person_id,
        purpose=actor.purpose.value if actor.purpose else None,
        via=actor.via or reg.via,
        action=action,
        outcome="denied",
        categories=tuple(c.value for c in categories),
        person_ids=tuple(person_ids),
        what=why,
    )
    reg.append_audit([entry])


LOGIN = "login"  # the action of a login's entry


def record_login(reg: RegisterApp, actor: Actor, via: str, how: str) -> None:
    """A staff login (by password, with the second factor, or by sign-on) is an entry of the
    trail, in its own transaction once the login is done: who, with which role, how."""
    if not reg.settings.audit_enabled:
        return
    entry = audit_chain.NewEntry(
        actor=actor.name,
        role=actor.role.value if actor.role else None,
        subject_self=None,
        purpose=None,
        via=via,
        action=LOGIN,
        outcome="allowed",
        categories=(),
        person_ids=(),
        what=f"logged in: {how}",
    )
    reg.append_audit([entry])
