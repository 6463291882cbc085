"""The register's application context and its unit of work.

A service is a function taking a UnitOfWork and plain arguments. The unit of work holds one
database transaction, the cipher for sensitive values, the clock and who is acting, so a use
case either happens whole or not at all (bad input stores nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from rekisteri.adapters.crypto import Cipher
from rekisteri.adapters.schema.register import counter
from rekisteri.catalogue import Catalogue, Category, Role, catalogue
from rekisteri.config import Settings

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Actor:
    """Who is acting: a staff user, an integration, the person themself, or the system."""

    name: str
    role: Role | None = None  # None: the system itself (migrations, demo, retention run)
    person_id: int | None = None  # set when the person acts on their own data

    @staticmethod
    def system(name: str = "system") -> Actor:
        return Actor(name)


@dataclass(frozen=True)
class PersonalDataRead:
    """What a use case read: whose data and which categories (for the audit trail)."""

    person_ids: tuple[int, ...]
    categories: frozenset[Category]
    what: str


@dataclass
class UnitOfWork:
    connection: Connection
    cipher: Cipher
    clock: Clock
    actor: Actor
    settings: Settings
    catalogue: Catalogue
    reads: list[PersonalDataRead] = field(default_factory=list)

    def note_read(
        self, person_ids: Iterable[int], categories: Iterable[Category], what: str
    ) -> None:
        """Every read of personal data is declared here by the service that reads it."""
        self.reads.append(PersonalDataRead(tuple(person_ids), frozenset(categories), what))

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        return self.clock().date()

    def next_number(self, series: str, start: int) -> int:
        """The next number of a series, inside this transaction (row lock on PostgreSQL)."""
        conn = self.connection
        row = conn.execute(
            select(counter.c.value).where(counter.c.name == series).with_for_update()
        ).first()
        if row is None:
            conn.execute(counter.insert().values(name=series, value=start))
            return start
        value = int(row.value) + 1
        conn.execute(update(counter).where(counter.c.name == series).values(value=value))
        return value

    def execute(self, statement: Any, params: Any = None) -> Any:
        return self.connection.execute(statement, params)


@dataclass
class RegisterApp:
    """Everything a use case needs that outlives one transaction."""

    engine: Engine
    cipher: Cipher
    settings: Settings
    clock: Clock = utc_now
    # The personal-data catalogue services walk (tests pass one with an attribute added).
    catalogue: Catalogue = catalogue

    @contextmanager
    def unit_of_work(self, actor: Actor) -> Iterator[UnitOfWork]:
        with self.engine.begin() as connection:
            yield UnitOfWork(
                connection, self.cipher, self.clock, actor, self.settings, self.catalogue
            )

    @contextmanager
    def reading(self, actor: Actor) -> Iterator[UnitOfWork]:
        """A read-only unit of work (still one transaction, so reads are consistent)."""
        with self.engine.connect() as connection:
            yield UnitOfWork(
                connection, self.cipher, self.clock, actor, self.settings, self.catalogue
            )
