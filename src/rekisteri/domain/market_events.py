"""Datahub's market events in the register's own terms: what the hub (Fingrid Datahub, the master
of contracts and metering points in Finland since 2022) tells a supplier about its metering
points. The file that carries them is read by adapters/market_events.py; the service that applies
them is services/register/market_events.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from rekisteri.domain.register import EndReason, MeteringPointKind


class EventKind(StrEnum):
    """What happened at a metering point, as far as the register (the supplier) is concerned."""

    CONTRACT_START = "contract_start"  # our supply contract with the party starts
    CONTRACT_END = "contract_end"  # our supply contract with the party ends (terminated)
    MOVE_IN = "move_in"  # the party moves in and we supply them there
    MOVE_OUT = "move_out"  # the party moves out of a point we supply
    SWITCH_IN = "switch_in"  # supplier switch: another supplier's customer to us
    SWITCH_OUT = "switch_out"  # supplier switch: our customer to another supplier
    METERING_POINT = "metering_point"  # the point's own data changed (address, fuse, ...)


# Events that start our contract, and those that end it with the reason they give.
STARTS = frozenset({EventKind.CONTRACT_START, EventKind.MOVE_IN, EventKind.SWITCH_IN})
END_REASONS: dict[EventKind, EndReason | None] = {
    EventKind.MOVE_OUT: EndReason.MOVED_OUT,
    EventKind.SWITCH_OUT: EndReason.SWITCHED_SUPPLIER,
    EventKind.CONTRACT_END: None,  # the event names its reason (default: the customer's)
}
# The reasons a contract_end event may give (a move or a switch has an event of its own).
TERMINATIONS = frozenset(
    {
        EndReason.TERMINATED_BY_CUSTOMER,
        EndReason.TERMINATED_BY_RETAILER,
        EndReason.FIXED_TERM_ENDED,
        EndReason.DECEASED,
    }
)
# Events that may reach a metering point the register does not know yet: they carry its data.
NEED_POINT_DATA = frozenset({EventKind.MOVE_IN, EventKind.SWITCH_IN, EventKind.METERING_POINT})


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    post_office: str


@dataclass(frozen=True)
class MeteringPointData:
    """The metering point's data as the hub holds it; None: the event does not say."""

    kind: MeteringPointKind | None = None
    address: Address | None = None
    main_fuse_a: int | None = None
    connection_details: str | None = None
    grid_owner: str | None = None

    def site_fields(self) -> dict[str, object]:
        """What the data says of the site, by the site's column names."""
        fields: dict[str, object] = {}
        if self.address is not None:
            fields |= {
                "street": self.address.street,
                "postal_code": self.address.postal_code,
                "post_office": self.address.post_office,
            }
        if self.main_fuse_a is not None:
            fields["main_fuse_a"] = self.main_fuse_a
        if self.connection_details is not None:
            fields["connection_details"] = self.connection_details
        return fields

    def point_fields(self) -> dict[str, object]:
        """What the data says of the metering point itself, by its column names."""
        fields: dict[str, object] = {}
        if self.kind is not None:
            fields["kind"] = self.kind.value
        if self.grid_owner is not None:
            fields["grid_owner"] = self.grid_owner
        return fields


@dataclass(frozen=True)
class MarketEvent:
    """One event, its values checked (adapters/market_events.py refuses a bad one whole)."""

    number: int  # the event's position in its file, from 1
    event_id: str  # the hub's own id of the event: the same id twice is the same event
    kind: EventKind
    effective_on: dt.date
    gsrn: str
    identity_code: str | None = None  # the party: a person's identity code ...
    business_id: str | None = None  # ... or an organisation's business ID
    product: str | None = None  # the supplier's product as registered in the hub (starts)
    end_reason: EndReason | None = None  # of a contract_end
    data: MeteringPointData | None = None

    @property
    def where(self) -> str:
        """The event as errors and reports name it."""
        return f"event {self.number} ({self.event_id})"
