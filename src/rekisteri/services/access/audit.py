"""The audit trail's use cases: verify the chain, tell who read a person's data, record refusals.

Entries are written by the unit of work itself (RegisterApp.unit_of_work / reading) from what
services declared with `note_read` and `note_change`; nothing here needs to be called for an
ordinary read to be audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from rekisteri.adapters import audit_chain
from rekisteri.adapters.schema.audit import audit_entry, audit_subject
from rekisteri.catalogue import Category
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork


def verify_trail(reg: RegisterApp) -> audit_chain.Verdict:
    """Walk the whole chain in one consistent read."""
    with reg.engine.connect() as connection:
        return audit_chain.verify(connection, reg.cipher.audit_key)


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
