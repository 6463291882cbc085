"""Datahub's market events already read (services/register/market_events.py): one row per event,
by the hub's own event id, so that the same event sent again (a file imported twice, an event
repeated in a later file) changes nothing. No person, identity code or metering point is named
here: the event's effects are in the rows it changed, each with the event as its source detail
(P2), and staff find an event that needs them in the hub by its id."""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, String, Table

from rekisteri.adapters.schema.base import UtcDateTime, metadata

market_event = Table(
    "market_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", String(80), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("effective_on", Date, nullable=False),
    # applied | unchanged | conflict | unmatched (services/register/market_events.Outcome)
    Column("outcome", String(12), nullable=False),
    Column("file_name", String(300), nullable=False),
    Column("read_at", UtcDateTime(), nullable=False),
    Column("read_by", String(60), nullable=False),
)
