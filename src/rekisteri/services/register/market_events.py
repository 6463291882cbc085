"""Datahub's market events applied, so that sites, metering points and contracts follow the hub
(the master of contracts and metering points in Finland since 2022) rather than being typed in.

- A start (contract_start, move_in, switch_in) starts the person's sales contract at the point
  on the event's date; a move-in or switch to a point the register does not know makes its
  site and metering point from the hub's data.
- An end (contract_end, move_out, switch_out) ends the person's contract at the point on the
  event's date, with its end reason (moved out, switched supplier, or the termination named).
- The metering point's data updates the site and the point through the one write path.

The party is matched by identity code through the blind index, or by business ID; an event for
an unknown person, for a contract the register does not have, or that contradicts what is
recorded goes to staff as a task (by the event's id; the task holds no personal data); an
event about a metering point the register does not supply is reported unmatched. Nothing is
guessed. A value the person gave later than the event's date is kept and the event reported
as a conflict (services/register/market_points). Each value's source is the hub, another company
(P2), with the file and the event as its detail.

A file is applied whole in one unit of work, or not at all: a bad event refuses the file
(adapters/market_events). Each event is read once, by the hub's event id: the same file twice,
or an event repeated in a later file, changes nothing and is counted as already applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import insert, or_, select

from rekisteri.adapters import market_events as reader
from rekisteri.adapters.schema.market import market_event
from rekisteri.adapters.schema.register import contract, person
from rekisteri.adapters.value_sets import batches, one_of
from rekisteri.catalogue import Category
from rekisteri.domain.drafts import ContractDraft
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.market_events import STARTS, EventKind, MarketEvent
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import ContractKind, EndReason, Provenance
from rekisteri.domain.vocabulary import Source
from rekisteri.services.register import customers, market_points, tasks
from rekisteri.services.register.person_view import lookup_digest
from rekisteri.services.register.processing import is_restricted
from rekisteri.services.unit_of_work import UnitOfWork

TASK = "market_event"  # the staff task's kind


class Outcome(StrEnum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    UNMATCHED = "unmatched"


@dataclass
class MarketImport:
    """What reading one file did. Every event is one of: already applied, unmatched, or matched
    (and then changed, unchanged or a conflict)."""

    name: str
    message_id: str | None = None
    events: int = 0
    already_applied: int = 0
    matched: int = 0
    changed: int = 0
    unchanged: int = 0
    unmatched: int = 0
    conflicts: int = 0
    tasks: int = 0
    notes: list[str] = field(default_factory=list)  # unmatched and conflicts, no personal data

    def count(self, outcome: Outcome) -> None:
        if outcome is Outcome.UNMATCHED:
            self.unmatched += 1
            return
        self.matched += 1
        if outcome is Outcome.CHANGED:
            self.changed += 1
        elif outcome is Outcome.UNCHANGED:
            self.unchanged += 1
        else:
            self.conflicts += 1

    def describe(self) -> str:
        head = (
            f"{self.name}: {self.events:,} market events: {self.matched:,} matched "
            f"({self.changed:,} changed, {self.unchanged:,} unchanged, {self.conflicts:,} "
            f"conflicts), {self.unmatched:,} unmatched, {self.already_applied:,} already "
            f"applied; {self.tasks:,} staff tasks"
        )
        return "\n".join([head, *(f"  {n}" for n in self.notes)])

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class _Result:
    outcome: Outcome
    note: str | None = None  # why, in words without personal data
    task: bool = False  # staff must look at it


def market_event_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a directory gives its *.xml files in name order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() == ".xml")
        elif p.is_file():
            out.append(p)
        else:
            raise InvalidInput("FILE", f"{p} does not exist")
    return out


def import_market_event_file(uow: UnitOfWork, path: Path) -> MarketImport:
    """Read and apply one file inside the unit of work's transaction."""
    return _apply(uow, reader.read_file(path))


def import_market_event_bytes(uow: UnitOfWork, name: str, data: bytes) -> MarketImport:
    """Read and apply one file sent as bytes (the API)."""
    return _apply(uow, reader.read_bytes(name, data))


def _seen(uow: UnitOfWork, ids: list[str]) -> set[str]:
    dialect = uow.connection.dialect.name
    found: set[str] = set()
    for chunk in batches(dialect, ids):
        query = select(market_event.c.event_id).where(
            one_of(dialect, market_event.c.event_id, chunk)
        )
        found |= set(uow.execute(query).scalars())
    return found


def _apply(uow: UnitOfWork, read: reader.EventFile) -> MarketImport:
    done = MarketImport(read.name[:300], read.message_id, events=len(read.events))
    seen = _seen(uow, [e.event_id for e in read.events])
    matched: set[int] = set()
    opened: list[tuple[str, str, int, str]] = []
    for event in read.events:
        if event.event_id in seen:
            done.already_applied += 1
            continue
        provenance = Provenance(
            Source.OTHER_COMPANY,
            uow.now(),
            f"Datahub market events {read.name}, {event.where}"[:200],
        )
        result = _event(uow, event, provenance, matched)
        done.count(result.outcome)
        row_id = int(
            uow.execute(
                insert(market_event).values(
                    event_id=event.event_id,
                    kind=event.kind.value,
                    effective_on=event.effective_on,
                    outcome=result.outcome.value,
                    file_name=read.name[:300],
                    read_at=uow.now(),
                    read_by=uow.actor.name[:60],
                )
            ).inserted_primary_key[0]
        )
        if result.note:
            done.notes.append(f"{event.where}: {result.outcome.value}: {result.note}")
        if result.task:
            reason = (
                f"Datahub {event.kind.value} {event.effective_on} (event {event.event_id}):"
                f" {result.note}"
            )
            opened.append((TASK, market_event.name, row_id, reason[:300]))
    tasks.open_tasks(uow, opened)
    done.tasks = len(opened)
    if matched:
        uow.note_read(matched, [Category.IDENTITY], "Datahub market events: party matched")
    if opened:
        # Not personal data (the tasks name the event only): the trail still says who opened them.
        uow.note_change((), (), f"{len(opened)} staff tasks of Datahub market events")
    return done


def _party(uow: UnitOfWork, event: MarketEvent) -> int | None:
    """The person the event names, by identity code (blind index) or business ID; a miss is
    audited by a keyed digest of the code, never the code itself."""
    if event.identity_code is not None:
        found = customers.find_by_identity_code(uow, event.identity_code)
        if found is None:
            digest = lookup_digest(uow, event.identity_code)
            uow.note_miss([Category.IDENTITY], f"Datahub market event: identity code {digest}")
        return found
    value = uow.execute(select(person.c.id).where(person.c.business_id == event.business_id))
    found_org = value.scalar()
    return None if found_org is None else int(found_org)


def _event(
    uow: UnitOfWork, event: MarketEvent, provenance: Provenance, matched: set[int]
) -> _Result:
    point = market_points.find_point(uow, event.gsrn)
    reason = coded(Reason.DATAHUB_EVENT, event.kind.value, event.effective_on)
    if event.kind is EventKind.METERING_POINT:
        if point is None:
            return _Result(Outcome.UNMATCHED, "no metering point of the register has its id")
        assert event.data is not None
        return _data_result(
            market_points.apply_data(uow, point, event.data, event.effective_on, reason, provenance)
        )
    person_id = _party(uow, event)
    if person_id is None:
        return _Result(
            Outcome.UNMATCHED, "no customer has the party's identity code or business ID", task=True
        )
    matched.add(person_id)
    if event.kind in STARTS:
        return _start(uow, event, person_id, point, reason, provenance)
    if point is None:
        # Our customer's contract ending at a point the register does not know: staff find out
        # (an event stored as applied is never read again).
        return _Result(Outcome.UNMATCHED, "no metering point of the register has its id", task=True)
    return _end(uow, event, person_id, point, provenance)


def _data_result(data: market_points.DataOutcome, changed: bool = False) -> _Result:
    if data.kept:
        return _Result(
            Outcome.CONFLICT,
            "kept what the person told later than the event's date: " + ", ".join(data.kept),
        )
    return _Result(Outcome.CHANGED if data.changed or changed else Outcome.UNCHANGED)


def _start(
    uow: UnitOfWork,
    event: MarketEvent,
    person_id: int,
    point: market_points.Point | None,
    reason: str,
    provenance: Provenance,
) -> _Result:
    if is_restricted(uow, person_id):
        return _Result(
            Outcome.CONFLICT,
            "the person's processing is restricted (Art. 18); the contract was not started",
            task=True,
        )
    made = point is None  # a point new to the register is made from the event's data
    if point is None:
        if event.data is None or event.data.address is None:
            return _Result(
                Outcome.UNMATCHED,
                "no metering point of the register has its id, "
                "and the event does not give its address",
                task=True,
            )
        point = market_points.new_point(uow, event.gsrn, event.data, provenance)
        market_points.note_new_site(uow, person_id)
        running = None
    else:
        running = _in_force_on_start(uow, point, person_id, event)
    data = market_points.DataOutcome()
    if running is not None:
        if running.person_id == person_id and running.start_date == event.effective_on:
            if event.data is not None:  # the start is as recorded; the point's data may be new
                data = market_points.apply_data(
                    uow, point, event.data, event.effective_on, reason, provenance
                )
            return _data_result(data)
        # Checked before the point's data is applied: an event to staff changes nothing.
        whose = "the person's" if running.person_id == person_id else "another person's"
        return _Result(
            Outcome.CONFLICT,
            f"{whose} contract at the point is in force on that day; nothing was started",
            task=True,
        )
    if event.data is not None and not made:
        data = market_points.apply_data(
            uow, point, event.data, event.effective_on, reason, provenance
        )
    assert event.product is not None  # the reader requires it with a start
    draft = ContractDraft(point.site_id, ContractKind.SALES, event.product, event.effective_on)
    customers.add_contract(uow, person_id, draft, provenance)
    return _data_result(data, changed=True)


def _in_force_on_start(
    uow: UnitOfWork, point: market_points.Point, person_id: int, event: MarketEvent
) -> Any:
    """A contract at the point in force on the event's day that a new one would overlap: ours
    (sales), or anyone else's of any kind (their readings would be mixed with this person's;
    customers.add_contract refuses that too)."""
    return uow.execute(
        select(contract.c.id, contract.c.person_id, contract.c.start_date)
        .where(
            contract.c.site_id == point.site_id,
            or_(contract.c.kind == ContractKind.SALES.value, contract.c.person_id != person_id),
            or_(contract.c.end_date.is_(None), contract.c.end_date > event.effective_on),
        )
        .order_by(contract.c.start_date)
    ).first()


def _end(
    uow: UnitOfWork,
    event: MarketEvent,
    person_id: int,
    point: market_points.Point,
    provenance: Provenance,
) -> _Result:
    assert event.end_reason is not None
    row = uow.execute(
        select(contract)
        .where(
            contract.c.site_id == point.site_id,
            contract.c.person_id == person_id,
            contract.c.kind == ContractKind.SALES.value,
            contract.c.start_date <= event.effective_on,
        )
        .order_by(contract.c.start_date.desc())
    ).first()
    if row is None:
        return _Result(
            Outcome.UNMATCHED, "the person has no contract at the point on that day", task=True
        )
    if row.end_date is None and event.end_reason is EndReason.DECEASED:
        # The estate ends a contract once the death is recorded (the population register's
        # change often comes after the hub's): until then staff hold it, the file goes on.
        died = uow.execute(select(person.c.deceased_on).where(person.c.id == person_id)).scalar()
        if died is None or event.effective_on < died:
            return _Result(
                Outcome.CONFLICT,
                "the hub ends the contract for a death the register has not recorded by that "
                "day; ended once the death is recorded",
                task=True,
            )
    if row.end_date is None:
        customers.end_contract(uow, row.id, event.effective_on, event.end_reason, provenance)
        return _Result(Outcome.CHANGED)
    if row.end_date == event.effective_on and row.end_reason == event.end_reason.value:
        return _Result(Outcome.UNCHANGED)
    # An end already recorded (by the person's notice, or staff) is never moved silently.
    return _Result(
        Outcome.CONFLICT,
        "the contract at the point already ended on another day or for another reason; kept "
        "as recorded",
        task=True,
    )
