"""Art. 19: recipients the data was disclosed to are told of a rectification, erasure or
restriction. The recipients are those the disclosures record names for the person; each gets a
`recipient_notification` row, marked when told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from rekisteri.adapters.schema.register import person
from rekisteri.adapters.schema.rights import recipient_notification, rights_request
from rekisteri.catalogue import Category
from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.services.access import disclosures
from rekisteri.services.unit_of_work import UnitOfWork

EVENTS = ("rectification", "erasure", "restriction")


def recipients_of(uow: UnitOfWork, person_id: int) -> list[str]:
    """The recipients the person's data was disclosed to, by name."""
    return sorted({d["recipient"] for d in disclosures.disclosures_of(uow, person_id)})


Disclosed = dict[str, list[str]]  # recipient -> the disclosures it got the data in, described


def disclosed_to(uow: UnitOfWork, person_id: int) -> Disclosed:
    """The recipients the person's data was disclosed to, each with its disclosures said as
    "id date reference" (what the recipient knows the person by)."""
    given: Disclosed = {}
    for d in disclosures.disclosures_of(uow, person_id):
        said = f"{d['id']} {d['at']:%Y-%m-%d}" + (f" {d['reference']}" if d["reference"] else "")
        given.setdefault(d["recipient"], []).append(said)
    return given


@dataclass(frozen=True)
class Planned:
    recipients: list[str]  # by name, sorted
    ids: list[int]  # the notices' rows


def plan(
    uow: UnitOfWork,
    person_id: int,
    event: str,
    attributes: Iterable[str],
    *,
    request_id: int | None = None,
    disclosed: Disclosed | None = None,
) -> Planned:
    """One pending notice per recipient the person's data was disclosed to, telling of the
    `event` (the attributes rectified, erased, or the restriction).

    The one planning function: called where the change is made (services/rights/rectification,
    erasure, restriction), whichever path made it, with the request when there was one. Each
    notice names the disclosures the recipient got the data in, so it can still be sent once
    the person is purged: an erasure reads `disclosed` (disclosed_to) before it deletes, and a
    notice of a person no longer in the register is linked to no one."""
    if event not in EVENTS:
        raise InvalidInput("event", f"must be one of {', '.join(EVENTS)}")
    given = disclosed_to(uow, person_id) if disclosed is None else disclosed
    keys = " ".join(sorted(set(attributes)))[:500] or "all"
    names = sorted(given)
    if not names:
        return Planned([], [])
    still = uow.execute(select(person.c.id).where(person.c.id == person_id)).first() is not None
    ids = [
        int(
            uow.execute(
                recipient_notification.insert().values(
                    request_id=request_id,
                    person_id=person_id if still else None,
                    event=event,
                    recipient=values.required_text(r, "recipient"),
                    attributes=keys,
                    disclosures="; ".join(given[r])[:500],
                    created_at=uow.now(),
                )
            ).inserted_primary_key[0]
        )
        for r in names  # a few recipients: one row each, its id kept
    ]
    uow.note_change([person_id], [Category.RIGHTS_REQUEST], f"Art. 19 notices planned: {event}")
    return Planned(names, ids)


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
        if notified_on is not None and notified_on > uow.today():
            raise InvalidInput("notified_on", "is in the future: record a notice once sent")
        changes = {
            "notified_on": notified_on or uow.today(),
            "how": values.required_text(how, "how", max_len=60),
            "notified_by": uow.actor.name,
        }
    n = recipient_notification.c
    done = uow.execute(
        update(recipient_notification)
        # Only while still pending: two desks recording the same notice at once, one wins.
        .where(n.id == notification_id, n.notified_on.is_(None), n.impossible_reason.is_(None))
        .values(**changes)
    )
    if done.rowcount != 1:
        raise RuleViolation(f"notification {notification_id} is already recorded")
    whose = [] if row.person_id is None else [int(row.person_id)]
    uow.note_change(whose, [Category.RIGHTS_REQUEST], f"Art. 19 notice {notification_id} recorded")


def listing(uow: UnitOfWork, *, done: bool = False) -> list[dict[str, Any]]:
    """Notices oldest first, with their request's reference (None when staff made the change
    without a request): those not yet done, or with `done` all of them."""
    query = (
        select(recipient_notification, rights_request.c.reference)
        .outerjoin(rights_request, rights_request.c.id == recipient_notification.c.request_id)
        .order_by(recipient_notification.c.id)
    )
    if not done:
        query = query.where(
            recipient_notification.c.notified_on.is_(None),
            recipient_notification.c.impossible_reason.is_(None),
        )
    found = [dict(r) for r in uow.execute(query).mappings()]
    uow.note_read(
        {r["person_id"] for r in found if r["person_id"] is not None},
        [Category.RIGHTS_REQUEST],
        "recipient notifications",
    )
    return found


def pending(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Notices not yet done, oldest first (the DPO's list of recipients still to tell)."""
    return listing(uow)


def of_request(uow: UnitOfWork, request_id: int) -> list[dict[str, Any]]:
    """The notices a request's fulfilment planned (shown with the request)."""
    return [
        dict(n._mapping)
        for n in uow.execute(
            select(recipient_notification)
            .where(recipient_notification.c.request_id == request_id)
            .order_by(recipient_notification.c.id)
        )
    ]
