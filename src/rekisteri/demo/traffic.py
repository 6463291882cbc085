"""What the outside systems send about the demo's customers in its last DOOR_DAYS days.

While the demo builds its customers it inserts their history in bulk, as a register's first
load from the systems it replaces would be; what happened in the last DOOR_DAYS days is instead
collected here, to be written as the files those systems send (a Finvoice batch, a camt.054
notification, the contact, survey and login feeds, call recordings, the ASML ban file) or typed
in at customer service (devices, self-service accounts), and put through the register's own
doors (demo/doors.py). Nothing here is dated after `now`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from rekisteri.adapters.camt054_writer import OutPayment
from rekisteri.adapters.finvoice_writer import OutInvoice

DOOR_DAYS = 3  # the last three days' traffic comes through the doors


@dataclass(frozen=True)
class OutRecording:
    """A call the phone system recorded: the contact (by the feed's ref) and its length."""

    contact_ref: str
    customer_number: str
    at: dt.datetime
    seconds: int


@dataclass
class DoorTraffic:
    now: dt.datetime
    seed: int
    invoices: list[OutInvoice] = field(default_factory=list)
    payments: list[OutPayment] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    recordings: list[OutRecording] = field(default_factory=list)
    feedback: list[dict[str, Any]] = field(default_factory=list)
    logins: list[tuple[str, dt.datetime]] = field(default_factory=list)
    bans: list[dict[str, str]] = field(default_factory=list)
    # What customer service records at the device and self-service doors: devices installed
    # (site id, the device's fields), devices taken away (device id, day), accounts registered
    # (person id, login, when).
    devices: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    removals: list[tuple[int, dt.date]] = field(default_factory=list)
    accounts: list[tuple[int, str, dt.datetime]] = field(default_factory=list)
    run: str = ""  # this demo's first customer number: another demo's ids are not these
    _serial: int = 0
    # Draws for the traffic added after the first demos (devices, their removals, accounts
    # registered): a stream of its own, so the customers a seed makes stay the same.
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"door-traffic-{self.seed}")

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def since(self) -> dt.datetime:
        """From when on events come through the doors."""
        return self.now - dt.timedelta(days=DOOR_DAYS)

    def through_doors(self, at: dt.datetime | dt.date) -> bool:
        if isinstance(at, dt.datetime):
            return at >= self.since
        return at >= self.since.date()

    def serial(self, prefix: str) -> str:
        """The sending system's own id of a record, unique in the register (a second demo on
        the same register starts at another customer number)."""
        self._serial += 1
        return f"{prefix}-{self.run}-{self._serial:07d}"


def between(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A moment from `start` to `end` (`start` when the span is empty), to the second."""
    span = int((end - start).total_seconds())
    return start + dt.timedelta(seconds=rng.randint(0, span)) if span > 0 else start
