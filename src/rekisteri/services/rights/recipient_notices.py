"""Art. 19: recipients the data was disclosed to are told of a rectification, erasure or
restriction. The recipients are those the disclosures record names for the person; each gets a
`recipient_notification` row, marked when told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update

from rekisteri.adapters.schema.rights import recipient_notification, rights_request
from rekisteri.catalogue import Category
from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.services.access import disclosures
from rekisteri.services.unit_of_work import UnitOfWork


def recipients_of(uow: UnitOfWork, person_id: int) -> list[str]:
    """The recipients the person's data was disclosed to, by name."""
    return sorted({d["recipient"] for d in disclosures.disclosures_of(uow, person_id)})


def plan(
    uow: UnitOfWork,
    request_id: int,
    person_id: int,
    attributes: Iterable[str],
    recipients: Iterable[str] | None = None,
) -> list[str]:
    """One pending notification per recipient; returns the recipients."""
    names = sorted(set(recipients if recipients is not None else recipients_of(uow, person_id)))
    keys = " ".join(sorted(set(attributes)))[:500] or "all"
    if names:
        uow.execute(
            recipient_notification.insert(),
            [
                {
                    "request_id": request_id,
                    "person_id": person_id,
                    "recipient": values.required_text(r, "recipient"),
                    "attributes": keys,
                    "created_at": uow.now(),
                }
                for r in names
            ],
        )
    return names


def record_notice(
    uow: UnitOfWork,
    notification_id: int,
    *,
    notified_on: dt.date | None = None,
    how: str | None = None,
    impossible_reason: str | None = None,
) -> None:
    """Mark a recipient told (when and how), or record why telling them was impossible or
    would take disproportionate effort (Art. 19)."""
    row = uow.execute(
        select(recipient_notification).where(recipient_notification.c.id == notification_id)
    ).first()
    if row is None:
        raise NotFound("recipient notification", notification_id)
    if row.notified_on is not None or row.impossible_reason is not None:
        raise RuleViolation(f"notification {notification_id} is already recorded")
    if impossible_reason:
        why = values.required_text(impossible_reason, "impossible_reason", max_len=300)
        changes: dict[str, Any] = {"impossible_reason": why, "notified_by": uow.actor.name}
    else:
        if not how:
            raise InvalidInput("how", "say how the recipient was told (e.g. e-mail, interface)")
        changes = {
            "notified_on": notified_on or uow.today(),
            "how": values.required_text(how, "how", max_len=60),
            "notified_by": uow.actor.name,
        }
    uow.execute(
        update(recipient_notification)
        .where(recipient_notification.c.id == notification_id)
        .values(**changes)
    )


def pending(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Notifications not yet done, oldest first, with their request's reference."""
    rows = uow.execute(
        select(recipient_notification, rights_request.c.reference)
        .join(rights_request, rights_request.c.id == recipient_notification.c.request_id)
        .where(
            recipient_notification.c.notified_on.is_(None),
            recipient_notification.c.impossible_reason.is_(None),
        )
        .order_by(recipient_notification.c.id)
    ).mappings()
    found = [dict(r) for r in rows]
    uow.note_read(
        {r["person_id"] for r in found}, [Category.RIGHTS_REQUEST], "recipient notifications"
    )
    return found
