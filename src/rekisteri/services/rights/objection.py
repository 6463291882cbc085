"""Objection (P13, Art. 21): a prohibition in the consent ledger for every channel of direct
marketing, distance selling, market and opinion research and profiling. Audiences read the ledger's
current state, kept in the same transaction, so the very next audience leaves the person out."""

from __future__ import annotations

from sqlalchemy import select

from rekisteri.adapters.schema.register import person
from rekisteri.domain import values
from rekisteri.domain.consent import (
    ANY_CHANNEL,
    CHANNEL_FREE,
    CaptureMethod,
    Channel,
    ConsentEventKind,
    ConsentPurpose,
)
from rekisteri.domain.errors import InvalidInput, NotFound
from rekisteri.domain.register import Provenance
from rekisteri.services.marketing import ledger
from rekisteri.services.unit_of_work import UnitOfWork

OBJECTABLE = (
    ConsentPurpose.OWN_MARKETING,
    ConsentPurpose.GROUP_MARKETING,
    ConsentPurpose.RESEARCH,
    ConsentPurpose.PROFILING,
)


def record_objection(
    uow: UnitOfWork,
    person_id: int,
    provenance: Provenance,
    *,
    captured_how: CaptureMethod | str,
    wording: str,
    purposes: tuple[ConsentPurpose, ...] = OBJECTABLE,
    channels: tuple[Channel, ...] = tuple(Channel),
) -> int:
    """Write one `prohibited` event per purpose and channel; returns how many."""
    how = values.enum_value(CaptureMethod, captured_how, "captured_how")
    said = values.text(wording, "wording", max_len=2000)
    if said is None:
        raise InvalidInput("wording", "the person's objection in their words (or the form text)")
    if not purposes or not channels:
        raise InvalidInput("purposes", "an objection names at least one purpose and channel")
    if uow.execute(select(person.c.id).where(person.c.id == person_id)).first() is None:
        raise NotFound("person", person_id)
    # Channel-free purposes (profiling) are recorded once, on the ledger's "any" channel,
    # which is where the audiences and segments look for them.
    pairs = sorted(
        {
            (
                values.enum_value(ConsentPurpose, p, "purpose"),
                ANY_CHANNEL
                if p in CHANNEL_FREE
                else values.enum_value(Channel, c, "channel").value,
            )
            for p in purposes
            for c in channels
        }
    )
    rows = [
        {
            "person_id": person_id,
            "purpose": p.value,
            "channel": c,
            "event": ConsentEventKind.PROHIBITED.value,
            "at": uow.now(),
            "captured_how": how.value,
            "captured_by": uow.actor.name,
            "wording": said,
            "wording_version": "objection",
            "source": provenance.source.value,
            "source_detail": provenance.detail,
            "received_at": provenance.received_at,
        }
        for p, c in pairs
    ]
    ledger.append(uow, rows)
    return len(rows)
