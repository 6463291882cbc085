"""What the feed imports of contacts, feedback and logins share: the count of what a file did,
and finding the person a record names.

A feed is imported in one unit of work: a bad record raises and nothing of the file is stored
(the sender corrects it and sends it again). Each record carries the sending system's own id
(`ref`), so a record sent again is the record already stored: the same file twice changes
nothing, and a record sent again with other values corrects the stored one, the old values kept
in the history (P12).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select

from rekisteri.adapters.schema.register import person
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
    value = fields.get(name)
    text = values.text(None if value is None else str(value), name, max_len=REF_MAX)
    assert text is not None  # required
    return text


def person_by_number(uow: UnitOfWork, fields: dict[str, Any]) -> int:
    """The person a feed record names by customer number (feeds never carry identity codes)."""
    given = fields.get("customer_number")
    number = values.text(None if given is None else str(given), "customer_number", max_len=12)
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
) -> bool:
    """A record the feed already sent (its `ref` is stored in `table.feed_ref`): corrected through
    the one write path with its history, or counted as unchanged; another customer's is refused.
    False when nothing is stored under `ref` (the caller adds the record)."""
    stored = uow.execute(
        select(table.c.id, table.c.person_id).where(table.c.feed_ref == ref)
    ).first()
    if stored is None:
        return False
    if stored.person_id != person_id:
        raise InvalidInput("customer_number", f"{what} {ref} was stored for another customer")
    written = attributes.write_attributes(
        uow, table, stored.id, person_id, changes(), reason, provenance, writable=writable
    )
    if written:
        done.corrected += 1
    else:
        done.unchanged += 1
    return True
