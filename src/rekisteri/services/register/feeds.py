"""What the feed imports of contacts, feedback and logins share: the count of what a file did,
and finding the person a record names.

A feed is imported in one unit of work: a bad record raises and nothing of the file is stored
(the sender corrects it and sends it again). Each record carries the sending system's own id
(`ref`), so a record sent again is the record already stored: the same file twice changes
nothing, and a record sent again with other values corrects the stored one, the old values kept
in the history (P12).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select

from rekisteri.adapters.schema.register import person
from rekisteri.adapters.service_feeds import FeedRecord
from rekisteri.adapters.value_sets import batches, one_of
from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput, NotFound, RegisterError
from rekisteri.domain.register import Provenance
from rekisteri.services.register import attributes
from rekisteri.services.unit_of_work import UnitOfWork

REF_MAX = 80


@dataclass
class FeedImport:
    """What importing one feed did."""

    name: str
    records: int = 0
    new: int = 0
    corrected: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"{self.name}: {self.records:,} records, {self.new:,} new, "
            f"{self.corrected:,} corrected, {self.unchanged:,} already stored as sent"
        )


def at_record(where: str, exc: RegisterError) -> InvalidInput:
    """An error of one record, named by the file and line it came from."""
    if isinstance(exc, InvalidInput):
        return InvalidInput(exc.field, exc.reason, where=where)
    return InvalidInput("record", str(exc), where=where)


def ref_of(fields: dict[str, Any], name: str = "ref") -> str:
    return _text(fields, name, REF_MAX)


@dataclass
class Known:
    """What a feed's records name, read for the whole file at once (a few statements, not two
    a record): the persons by customer number and the records stored under the feed's refs.
    A number or ref not asked for here (none is, in a feed read whole) is looked up alone."""

    asked_numbers: set[str] = field(default_factory=set)
    persons: dict[str, int] = field(default_factory=dict)
    asked_refs: set[str] = field(default_factory=set)
    stored: dict[str, tuple[int, int]] = field(default_factory=dict)  # ref: (id, person_id)


def known_to(uow: UnitOfWork, table: Table, records: Sequence[FeedRecord]) -> Known:
    """The persons the records name and the rows of `table` stored under their refs. A value
    that is not well formed is left out: its record is refused when it is reached."""
    known = Known()
    for r in records:
        for name, asked in (("customer_number", known.asked_numbers), ("ref", known.asked_refs)):
            with contextlib.suppress(InvalidInput):
                asked.add(_text(r.fields, name, 12 if name == "customer_number" else REF_MAX))
    dialect = uow.connection.dialect.name
    for chunk in batches(dialect, sorted(known.asked_numbers)):
        rows = uow.execute(
            select(person.c.customer_number, person.c.id).where(
                one_of(dialect, person.c.customer_number, chunk)
            )
        )
        known.persons |= {number: int(pid) for number, pid in rows}
    for chunk in batches(dialect, sorted(known.asked_refs)):
        rows = uow.execute(
            select(table.c.feed_ref, table.c.id, table.c.person_id).where(
                one_of(dialect, table.c.feed_ref, chunk)
            )
        )
        known.stored |= {ref: (int(i), int(p)) for ref, i, p in rows}
    return known


def _text(fields: dict[str, Any], name: str, max_len: int) -> str:
    value = fields.get(name)
    text = values.text(None if value is None else str(value), name, max_len=max_len)
    assert text is not None  # required
    return text


def person_by_number(uow: UnitOfWork, fields: dict[str, Any], known: Known | None = None) -> int:
    """The person a feed record names by customer number (feeds never carry identity codes)."""
    number = _text(fields, "customer_number", 12)
    if known is not None and number in known.asked_numbers:
        found: Any = known.persons.get(number)
    else:
        found = uow.execute(select(person.c.id).where(person.c.customer_number == number)).scalar()
    if found is None:
        raise NotFound("customer number", number)
    return int(found)


def sent_again(
    uow: UnitOfWork,
    done: FeedImport,
    table: Table,
    ref: str,
    person_id: int,
    changes: Callable[[], dict[str, Any]],
    *,
    what: str,
    reason: str,
    provenance: Provenance,
    writable: Collection[str],
    known: Known | None = None,
) -> bool:
    """A record the feed already sent (its `ref` is stored in `table.feed_ref`): corrected through
    the one write path with its history, or counted as unchanged; another customer's is refused.
    False when nothing is stored under `ref` (the caller adds the record)."""
    stored: Any
    if known is not None and ref in known.asked_refs:
        stored = known.stored.get(ref)
    else:
        stored = uow.execute(
            select(table.c.id, table.c.person_id).where(table.c.feed_ref == ref)
        ).first()
    if stored is None:
        return False
    stored_id, stored_for = stored
    if stored_for != person_id:
        raise InvalidInput("customer_number", f"{what} {ref} was stored for another customer")
    written = attributes.write_attributes(
        uow, table, stored_id, person_id, changes(), reason, provenance, writable=writable
    )
    if written:
        done.corrected += 1
    else:
        done.unchanged += 1
    return True
