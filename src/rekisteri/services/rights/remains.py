"""What an erasure leaves, read from the database after it: the erasure answer lists exactly
this, attribute by attribute, with why (the catalogue's retention rule, or the reason the walk
kept it) and until when (the rule's period from the rows' own dates or the contract's end).

Besides the person's own rows (found through the catalogue's subject paths, the audit trail
included) it counts what outlives the link to the person: requests and their steps and notices
to recipients, unlinked when the person is purged whole, and the suppression list's keyed
hashes of the erased contact details. `Traces` notes those before the erasure starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, func, or_, select

from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.rights import (
    marketing_suppression,
    recipient_notification,
    rights_request,
    rights_request_event,
)
from rekisteri.catalogue import Anchor, Attribute, Lang
from rekisteri.domain import rights_words
from rekisteri.services.register.subjects import belongs_to, personal_tables
from rekisteri.services.rights import periods, suppression
from rekisteri.services.rights.deletion import contact_point_entries
from rekisteri.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Traces:
    """What to look for after the erasure that no longer names the person."""

    request_ids: list[int]
    notice_ids: list[int]
    digests: list[str]  # the suppression list's keys for the person's contact details


def traces_of(uow: UnitOfWork, person_id: int) -> Traces:
    requests = uow.execute(
        select(rights_request.c.id).where(rights_request.c.person_id == person_id)
    )
    notices = uow.execute(
        select(recipient_notification.c.id).where(recipient_notification.c.person_id == person_id)
    )
    digests = {
        suppression.digest(uow.cipher, kind, value)
        for kind, value in contact_point_entries(uow, person_id)
        if value
    }
    return Traces(
        [int(i) for i in requests.scalars()], [int(i) for i in notices.scalars()], sorted(digests)
    )


def _until(
    uow: UnitOfWork, t: Table, a: Attribute, rows: ColumnElement[bool], person_id: int
) -> dt.date | None:
    """The last day any of the rows is kept under the attribute's rule (services/rights/periods,
    as the retention run keeps it and the access package says)."""
    rule = a.retention
    if rule.anchor is not Anchor.RECORDED:
        return periods.kept_until(uow, rule, person_id)
    column = periods.anchor_column(t, a, uow.catalogue.for_table(t.name))
    newest = (
        None if column is None else uow.execute(select(func.max(t.c[column])).where(rows)).scalar()
    )
    day = periods.anchor_day(newest)
    if day is None:
        return None
    return periods.kept_until(
        uow, rule, person_id, day, outlives_person=t.name in periods.OUTLIVE_THE_PERSON
    )


def _held(t: Table, a: Attribute) -> ColumnElement[bool]:
    return or_(*(t.c[c].is_not(None) for c in a.columns))


def _pending_entries(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    """The audit entries this unit of work will append naming the person, as columns."""
    entries = uow.audit_entries(uow.actor.via or "erasure")
    return [
        {"at": uow.now()} | {f: getattr(e, f) for f in _ENTRY_FIELDS}
        for e in entries
        if person_id in e.person_ids
    ]


_ENTRY_FIELDS = ("actor", "role", "purpose", "via", "action", "outcome", "categories", "what")


def _holding(pending: list[dict[str, Any]], a: Attribute) -> int:
    """How many of the pending entries hold a value of the attribute."""
    return sum(1 for e in pending if any(e.get(c) is not None for c in a.columns))


def remaining(
    uow: UnitOfWork,
    person_id: int,
    traces: Traces,
    lang: Lang,
    reasons: dict[str, str],
    new_notices: list[int],
) -> list[dict[str, Any]]:
    """Every attribute the database still holds of the person after an erasure, one entry each:
    attribute, what, rows, why, until (None: not fixed yet, e.g. while a claim is open).
    `reasons` are the walk's own reasons for attributes it kept (open claims, a required part
    of a kept row); the rest are kept under their retention rule."""
    found: list[dict[str, Any]] = []
    unlinked = set(traces.notice_ids) | set(new_notices)
    pending = _pending_entries(uow, person_id)
    for spec in personal_tables(uow.catalogue):
        t = metadata.tables[spec.name]
        cond = belongs_to(spec, person_id)
        if t is rights_request:
            cond = or_(cond, t.c.id.in_(traces.request_ids))
        elif t is rights_request_event:
            cond = or_(cond, t.c.request_id.in_(traces.request_ids))
        elif t is recipient_notification:
            cond = or_(cond, t.c.id.in_(sorted(unlinked)))
        for a in uow.catalogue.for_table(spec.name):
            held = [cond, _held(t, a)]
            n = int(uow.execute(select(func.count()).select_from(t).where(*held)).scalar_one())
            # This erasure's own entries (appended when it commits) name the person too.
            mine = _holding(pending, a) if t is audit_entry else 0
            if not n + mine:
                continue
            why = reasons.get(a.key) or a.retention.describe(lang)
            until = None if a.key in reasons else _until(uow, t, a, cond, person_id)
            if mine:
                until = periods.last_day(a.retention, uow.settings, uow.today())
            n += mine
            found.append(
                {"attribute": a.key, "what": a.label(lang), "rows": n, "why": why, "until": until}
            )
    if traces.digests:
        n = int(
            uow.execute(
                select(func.count()).where(marketing_suppression.c.digest.in_(traces.digests))
            ).scalar_one()
        )
        if n:
            found.append(
                {
                    "attribute": "marketing_suppression.digest",
                    "what": rights_words.word("suppression_what", lang),
                    "rows": n,
                    "why": rights_words.word("suppression_why", lang),
                    "until": None,
                }
            )
    return found
