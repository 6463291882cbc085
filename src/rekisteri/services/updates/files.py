"""What the update imports share: a file applied once, the counts each reports, and the rule
for conflicts.

A file is applied in one unit of work, whole or not at all (a bad record stores nothing). Its
source and content hash are kept (update_file): the same file again changes nothing and is
reported as already applied.

The rule for conflicts (docs/formats/trade-register.md, address-changes.md): a value the
person gave themselves (a source of FROM_THE_PERSON) later than the day the update states is
kept, and the update's value is reported as a conflict, never written over it. A value from
any other source, or one the person gave before that day, is updated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from rekisteri.adapters.schema.updates import update_file
from rekisteri.domain.vocabulary import FROM_THE_PERSON
from rekisteri.services.unit_of_work import UnitOfWork

TRADE_REGISTER = "trade_register"
ADDRESS_CHANGES = "address_changes"


@dataclass
class UpdateReport:
    """What applying one file did: records read, persons matched (and of those, changed or
    already as the file says), records that matched no one person, and conflicts kept."""

    what: str
    name: str
    already_applied: bool = False
    records: int = 0
    matched: int = 0
    changed: int = 0
    unchanged: int = 0
    unmatched: int = 0
    conflicts: int = 0
    file_id: int | None = None

    def describe(self) -> str:
        if self.already_applied:
            return f"{self.what} {self.name}: already applied, nothing changed"
        return (
            f"{self.what} {self.name}: {self.records:,} records, {self.matched:,} matched, "
            f"{self.changed:,} changed, {self.unchanged:,} unchanged, "
            f"{self.unmatched:,} unmatched, {self.conflicts:,} conflicts"
        )


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def already_applied(uow: UnitOfWork, source: str, sha: str) -> bool:
    query = select(update_file.c.id).where(
        update_file.c.source == source, update_file.c.sha256 == sha
    )
    return uow.execute(query).first() is not None


def record_file(uow: UnitOfWork, source: str, sha: str, report: UpdateReport) -> int:
    """Keep the file as applied, with its counts; its id (held notices name it)."""
    return int(
        uow.execute(
            update_file.insert().values(
                source=source,
                sha256=sha,
                name=report.name[:300],
                records=report.records,
                matched=report.matched,
                changed=report.changed,
                unchanged=report.unchanged,
                unmatched=report.unmatched,
                conflicts=report.conflicts,
                imported_at=uow.now(),
                imported_by=uow.actor.name[:60],
            )
        ).inserted_primary_key[0]
    )


def given_later(source: Any, received_at: dt.datetime | None, update_day: dt.date | None) -> bool:
    """Whether a stored value is one the person gave later than the update's day: then the
    stored value stands and the update is a conflict. An update that states no day cannot be
    shown to be newer, so it does not replace a value the person gave either."""
    if received_at is None or str(source) not in {s.value for s in FROM_THE_PERSON}:
        return False
    return update_day is None or received_at.date() > update_day
