"""Sending a campaign: each direct-marketing contact is recorded (the frequency cap counts them)."""

from __future__ import annotations

from sqlalchemy import insert, literal, select

from rekisteri.adapters.schema.marketing import campaign, marketing_contact
from rekisteri.adapters.schema.marketing import segment as segment_table
from rekisteri.domain import values
from rekisteri.services.marketing.audience import Audience


def record(uow_audience: Audience, name: str) -> int:
    """Store the campaign and one marketing contact per contactable person, set-based."""
    a = uow_audience
    uow, spec = a.uow, a.spec
    title = values.required_text(name, "name", max_len=100)
    now = uow.now()
    segment_id = None
    if spec.segment is not None:
        segment_id = uow.execute(
            select(segment_table.c.id).where(segment_table.c.name == spec.segment.name)
        ).scalar()
    recipients = a.counts()["contactable"]
    campaign_id = int(
        uow.execute(
            campaign.insert().values(
                name=title,
                purpose=spec.purpose.value,
                channel=spec.channel.value,
                segment_id=segment_id,
                sent_by=uow.actor.name,
                sent_at=now,
                recipients=recipients,
            )
        ).inserted_primary_key[0]
    )
    if spec.marketing:
        t = a.table
        uow.execute(
            insert(marketing_contact).from_select(
                ["person_id", "campaign_id", "purpose", "channel", "sent_at"],
                select(
                    t.c.person_id,
                    literal(campaign_id),
                    literal(spec.purpose.value),
                    literal(spec.channel.value),
                    literal(now, marketing_contact.c.sent_at.type),
                ).where(a.reason.is_(None)),
            )
        )
    return campaign_id
