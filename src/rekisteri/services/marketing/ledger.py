"""The consent ledger: append-only events per (person, purpose, channel), with evidence.

Nothing here updates or deletes an event. The state at any moment is a query over the events
up to that moment (the latest one wins; its expiry may have passed): "what did we know on
3 March?" is the same query as "what do we know now".

Every append goes through `record` or `append`, which also keep consent_state (the latest event
per key) right in the same transaction: audiences read that copy, one row per person, instead
of ranking the whole ledger. Expiry is not in the copy's state: it is judged at query time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Select,
    Table,
    and_,
    case,
    func,
    literal,
    select,
)

from rekisteri.adapters.schema.register import consent_event, person
from rekisteri.catalogue import Category
from rekisteri.domain.consent import (
    ANY_CHANNEL,
    CHANNEL_FREE,
    Channel,
    ConsentChange,
    ConsentPurpose,
    ConsentState,
)
from rekisteri.domain.errors import NotFound
from rekisteri.domain.register import Provenance
from rekisteri.services.marketing import ledger_state
from rekisteri.services.unit_of_work import UnitOfWork

ce = consent_event
# An event's columns that say what was permitted or forbidden and how it was captured: one per
# attribute of the ledger, each declaring the sources it may come from (P2).
_ATTRIBUTE_FIELDS = ("purpose", "captured_how")


def require_source(uow: UnitOfWork, provenance: Provenance) -> None:
    """An event comes from a source the catalogue allows for the ledger (InvalidInput if not)."""
    uow.catalogue.require_source(ce.name, _ATTRIBUTE_FIELDS, provenance.source)


def record(uow: UnitOfWork, person_id: int, change: ConsentChange, provenance: Provenance) -> int:
    """Append one event to the ledger (validated first: bad input stores nothing)."""
    c = change.validated()
    require_source(uow, provenance)
    if uow.execute(select(person.c.id).where(person.c.id == person_id)).first() is None:
        raise NotFound("person", person_id)
    e = c.evidence
    row = {
        "person_id": person_id,
        "purpose": c.purpose.value,
        "channel": c.channel,
        "event": c.event.value,
        "at": c.at,
        "captured_how": e.captured_how.value,
        "captured_by": e.captured_by,
        "wording": e.wording,
        "wording_version": e.wording_version,
        "ip_address": e.ip_address,
        "user_agent": e.user_agent,
        "expires_at": c.expires_at,
        "source": provenance.source.value,
        "source_detail": provenance.detail,
        "received_at": provenance.received_at,
    }
    event_id = int(uow.execute(ce.insert().values(row)).inserted_primary_key[0])
    ledger_state.keep_latest(uow.connection, {**row, "id": event_id})
    return event_id


def append(uow: UnitOfWork, rows: Sequence[Mapping[str, Any]]) -> None:
    """Append many already-validated events (rows of consent_event) and bring the current
    state of their persons up to date: the bulk twin of `record`."""
    if not rows:
        return
    uow.execute(ce.insert(), list(rows))
    ledger_state.refresh(uow.connection, sorted({int(r["person_id"]) for r in rows}))


def state_expression(moment: dt.datetime, rows: Table = ce) -> Any:
    """The state an event row (of the ledger or of consent_state) leaves at `moment` (SQL twin
    of domain.consent.state_of)."""
    return case(
        (
            and_(
                rows.c.event == "granted",
                rows.c.expires_at.is_not(None),
                rows.c.expires_at <= moment,
            ),
            literal(ConsentState.EXPIRED.value),
        ),
        else_=rows.c.event,
    )


def latest_events(moment: dt.datetime, person_id: int | None = None) -> Select[Any]:
    """The latest event per (person, purpose, channel) at `moment`, set-based: one row per key."""
    ranked = select(
        ce.c.id,
        ce.c.person_id,
        ce.c.purpose,
        ce.c.channel,
        ce.c.event,
        ce.c.at,
        ce.c.expires_at,
        state_expression(moment).label("state"),
        func.row_number()
        .over(
            partition_by=(ce.c.person_id, ce.c.purpose, ce.c.channel),
            order_by=(ce.c.at.desc(), ce.c.id.desc()),
        )
        .label("rank"),
    ).where(ce.c.at <= moment)
    if person_id is not None:
        ranked = ranked.where(ce.c.person_id == person_id)
    sub = ranked.subquery("ranked")
    return select(*(c for c in sub.c if c.name != "rank")).where(sub.c.rank == 1)


def objected(
    uow: UnitOfWork, person_ids: Sequence[int], purpose: ConsentPurpose
) -> dict[int, list[str]]:
    """The persons whose latest word on `purpose` is a prohibition (an objection, P13) on at
    least one channel now, with those channels. An objection on one channel counts for uses
    of the purpose that have no channel, such as lending call recordings to research."""
    ranked = (
        select(
            ce.c.person_id,
            ce.c.channel,
            ce.c.event,
            func.row_number()
            .over(
                partition_by=(ce.c.person_id, ce.c.channel),
                order_by=(ce.c.at.desc(), ce.c.id.desc()),
            )
            .label("rank"),
        )
        .where(
            ce.c.person_id.in_(sorted(set(person_ids))),
            ce.c.purpose == purpose.value,
            ce.c.at <= uow.now(),
        )
        .subquery()
    )
    found: dict[int, list[str]] = {}
    for pid, channel in uow.execute(
        select(ranked.c.person_id, ranked.c.channel)
        .where(ranked.c.rank == 1, ranked.c.event == "prohibited")
        .order_by(ranked.c.person_id, ranked.c.channel)
    ):
        found.setdefault(int(pid), []).append(channel)
    return found


@dataclass(frozen=True)
class Setting:
    purpose: ConsentPurpose
    channel: str
    state: ConsentState
    since: dt.datetime | None
    event_id: int | None


def all_keys() -> list[tuple[ConsentPurpose, str]]:
    """Every (purpose, channel) a person has a setting for."""
    keys: list[tuple[ConsentPurpose, str]] = []
    for purpose in ConsentPurpose:
        if purpose in CHANNEL_FREE:
            keys.append((purpose, ANY_CHANNEL))
        else:
            keys.extend((purpose, channel.value) for channel in Channel)
    return keys


def settings_of(
    uow: UnitOfWork, person_id: int, moment: dt.datetime | None = None
) -> list[Setting]:
    """A person's state for every (purpose, channel) at `moment` (now by default)."""
    at = moment or uow.now()
    if uow.execute(select(person.c.id).where(person.c.id == person_id)).first() is None:
        raise NotFound("person", person_id)
    uow.note_read([person_id], [Category.MARKETING], "consent settings")
    found = {
        (r.purpose, r.channel): r for r in uow.execute(latest_events(at, person_id)).mappings()
    }
    result = []
    for purpose, channel in all_keys():
        row = found.get((purpose.value, channel))
        if row is None:
            result.append(Setting(purpose, channel, ConsentState.NONE, None, None))
        else:
            result.append(
                Setting(purpose, channel, ConsentState(row["state"]), row["at"], row["id"])
            )
    return result


def history_of(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    """Every ledger event of a person, oldest first, with its evidence."""
    uow.note_read([person_id], [Category.MARKETING], "consent history")
    rows = uow.execute(
        select(
            ce.c.id,
            ce.c.purpose,
            ce.c.channel,
            ce.c.event,
            ce.c.at,
            ce.c.expires_at,
            ce.c.captured_how,
            ce.c.captured_by,
            ce.c.wording,
            ce.c.wording_version,
            ce.c.ip_address,
            ce.c.user_agent,
            ce.c.source,
        )
        .where(ce.c.person_id == person_id)
        .order_by(ce.c.at, ce.c.id)
    ).mappings()
    return [dict(r) for r in rows]
