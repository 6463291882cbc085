"""The register's application context and its unit of work.

A service is a function taking a UnitOfWork and plain arguments. The unit of work holds one
database transaction, the cipher for sensitive values, the clock and who is acting, so a use
case either happens whole or not at all (bad input stores nothing).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine

from rekisteri.adapters import audit_chain, number_series
from rekisteri.adapters.audit_appender import GroupAppender
from rekisteri.adapters.crypto import Cipher
from rekisteri.adapters.file_store import FileStore
from rekisteri.catalogue import Catalogue, Category, Purpose, Role, catalogue
from rekisteri.config import Settings, file_store_path
from rekisteri.domain.values import HELSINKI
from rekisteri.services.change_audit import ChangeTracker

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Actor:
    """Who is acting: a staff user, an integration, the person themself, or the system."""

    name: str
    role: Role | None = None  # None: the system itself (migrations, demo, retention run)
    person_id: int | None = None  # set when the person acts on their own data
    # For the audit trail: the purpose the work serves, and the route or command it came by
    # (the API guard and the CLI fill these in).
    purpose: Purpose | None = None
    via: str | None = None

    @staticmethod
    def system(name: str = "system") -> Actor:
        return Actor(name)


@dataclass(frozen=True)
class PersonalDataRead:
    """What a use case read: whose data and which categories (for the audit trail)."""

    person_ids: tuple[int, ...]
    categories: frozenset[Category]
    what: str
    action: str = "read"  # read | change


@dataclass
class UnitOfWork:
    connection: Connection
    cipher: Cipher
    clock: Clock
    actor: Actor
    settings: Settings
    catalogue: Catalogue
    reads: list[PersonalDataRead] = field(default_factory=list)
    # Lookups that found nobody: audited even when the unit of work ends with the NotFound.
    misses: list[PersonalDataRead] = field(default_factory=list)
    # Work outside the database that follows the transaction's outcome: files of the file
    # store destroyed once the rows naming them are gone for good, and files written for rows
    # that were never committed removed (RegisterApp.unit_of_work runs them).
    after_commit: list[Callable[[], object]] = field(default_factory=list)
    after_rollback: list[Callable[[], object]] = field(default_factory=list)
    # Files the rows this unit deleted named: of the file store (destroyed on commit), and
    # kept elsewhere (listed for whoever keeps them).
    files_destroyed: list[str] = field(default_factory=list)
    files_outside: list[str] = field(default_factory=list)

    @property
    def files(self) -> FileStore:
        """The encrypted file store (adapters/file_store.py)."""
        return FileStore(file_store_path(self.settings), self.cipher)

    def note_read(
        self, person_ids: Iterable[int], categories: Iterable[Category], what: str
    ) -> None:
        """Every read of personal data is declared here by the service that reads it."""
        self.reads.append(PersonalDataRead(tuple(person_ids), frozenset(categories), what))

    def note_change(
        self, person_ids: Iterable[int], categories: Iterable[Category], what: str
    ) -> None:
        """A change of personal data (services/register/history.record_change notes it for you)."""
        self.reads.append(
            PersonalDataRead(tuple(person_ids), frozenset(categories), what, action="change")
        )

    def note_miss(self, categories: Iterable[Category], what: str) -> None:
        """A lookup of a person that found nobody (`what` names the key as a keyed digest, never
        in plain): searches for people not in the register are accountable too."""
        miss = PersonalDataRead((), frozenset(categories), what, action="lookup")
        self.reads.append(miss)
        self.misses.append(miss)

    def audit_entries(
        self, default_via: str, notes: list[PersonalDataRead] | None = None
    ) -> list[audit_chain.NewEntry]:
        """What this unit read and changed: its reads one entry per set of persons, and all its
        changes one entry naming every person they touched (one operation, one entry)."""
        return _entries(self.reads if notes is None else notes, self.actor, default_via)

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        """The date in Finland: a deadline, a contract's day and the retention run's "today"
        are Helsinki days (the clock's UTC date is yesterday's from 22:00 or 21:00 UTC on)."""
        return self.clock().astimezone(HELSINKI).date()

    def next_number(self, series: str, start: int) -> int:
        """The next number of a series (`start` for its first), taken atomically in this
        transaction: no other writer gets it, on either database (adapters/number_series)."""
        return number_series.take(self.connection, series, start)

    def execute(self, statement: Any, params: Any = None) -> Any:
        return self.connection.execute(statement, params)


def _run(hooks: list[Callable[[], object]]) -> None:
    """Each hook once, in order; the list is emptied so none runs twice."""
    while hooks:
        hooks.pop(0)()


def _entries(
    notes: Iterable[PersonalDataRead], actor: Actor, default_via: str
) -> list[audit_chain.NewEntry]:
    notes = list(notes)
    grouped: dict[tuple[str, tuple[int, ...]], tuple[set[str], list[str]]] = {}
    changed = sorted({p for n in notes if n.action == "change" for p in n.person_ids})
    for note in notes:
        persons = changed if note.action == "change" else sorted(set(note.person_ids))
        key = (note.action, tuple(persons))
        cats, whats = grouped.setdefault(key, (set(), []))
        cats.update(c.value for c in note.categories)
        if note.what not in whats:
            whats.append(note.what)
    return [
        audit_chain.NewEntry(
            actor=actor.name,
            role=actor.role.value if actor.role else None,
            subject_self=actor.person_id,
            purpose=actor.purpose.value if actor.purpose else None,
            via=actor.via or default_via,
            action=action,
            outcome="allowed",
            categories=tuple(cats),
            person_ids=persons,
            what="; ".join(whats),
        )
        for (action, persons), (cats, whats) in grouped.items()
    ]


Transaction = Callable[[], AbstractContextManager[Connection]]


@dataclass
class RegisterApp:
    """Everything a use case needs that outlives one transaction."""

    engine: Engine
    cipher: Cipher
    settings: Settings
    clock: Clock = utc_now
    # The personal-data catalogue services walk (tests pass one with an attribute added).
    catalogue: Catalogue = catalogue
    # The route or command named in audit entries when the actor does not say (the CLI sets it).
    via: str = "library"
    _appender: GroupAppender | None = field(default=None, repr=False)
    _appender_made: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def files(self) -> FileStore:
        """The encrypted file store (adapters/file_store.py), for intake before a unit of work."""
        return FileStore(file_store_path(self.settings), self.cipher)

    @contextmanager
    def unit_of_work(self, actor: Actor) -> Iterator[UnitOfWork]:
        """One transaction; what it read and changed is audited in the same transaction. Its
        writes to personal tables are noted as they are made (services/change_audit.py)."""
        uow: UnitOfWork | None = None
        try:
            with self.engine.begin() as connection:
                uow = UnitOfWork(
                    connection, self.cipher, self.clock, actor, self.settings, self.catalogue
                )
                tracker = ChangeTracker(connection, self.catalogue)
                try:
                    yield uow
                finally:
                    tracker.close()
                for persons, categories, what in tracker.noted:
                    uow.note_change(persons, categories, what)
                self._audit(uow)
        except BaseException:
            if uow is not None:
                _run(uow.after_rollback)
            self._audit_misses(uow)
            raise
        _run(uow.after_commit)

    @contextmanager
    def changing(self, actor: Actor) -> Iterator[Transaction]:
        """One operation done in many transactions (a key rotation's batches, a bulk load):
        yields a maker of transactions whose writes are tracked like a unit of work's, and the
        operation leaves one change entry naming every person they touched. The entry is
        appended when the operation ends, also when it fails half-way: then it names what the
        committed transactions changed."""
        noted: list[PersonalDataRead] = []

        @contextmanager
        def transaction() -> Iterator[Connection]:
            with self.engine.begin() as connection:
                tracker = ChangeTracker(connection, self.catalogue)
                try:
                    yield connection
                finally:
                    tracker.close()
            # Committed: what it changed is part of the operation now.
            noted.extend(
                PersonalDataRead(tuple(p), frozenset(c), what, action="change")
                for p, c, what in tracker.noted
            )

        try:
            yield transaction
        finally:
            if noted:
                self.append_audit(_entries(noted, actor, self.via))

    @contextmanager
    def reading(self, actor: Actor) -> Iterator[UnitOfWork]:
        """A read-only unit of work (still one transaction, so reads are consistent).

        Its reads are audited before it ends: the read's transaction ends first, then the
        entries are appended with those of concurrent reads (audit_appender) and committed
        before this returns. When that fails, the caller gets an error instead of the data
        (no audit, no data).
        """
        uow: UnitOfWork | None = None
        try:
            with self.engine.connect() as connection:
                uow = UnitOfWork(
                    connection, self.cipher, self.clock, actor, self.settings, self.catalogue
                )
                yield uow
        except BaseException:
            self._audit_misses(uow)
            raise
        if uow.reads and self.settings.audit_enabled:
            self.append_audit(uow.audit_entries(self.via))
            uow.reads.clear()

    def _audit_misses(self, uow: UnitOfWork | None) -> None:
        """When the work failed after a lookup found nobody (the NotFound it raised), the lookup
        is audited all the same, in a transaction of its own once the work's own has ended
        (rolled back), so it never waits on the work's locks."""
        if uow is not None and uow.misses:
            self.append_audit(uow.audit_entries(self.via, uow.misses))

    def append_audit(self, entries: list[audit_chain.NewEntry]) -> None:
        """Commit entries to the chain in a transaction of their own (batched with those of
        concurrent threads); returns only once they are committed."""
        if not self.settings.audit_enabled:
            return
        self.appender().append(entries)

    def appender(self) -> GroupAppender:
        with self._appender_made:
            if self._appender is None:
                self._appender = GroupAppender(
                    self.engine, lambda: self.cipher.audit_key, lambda: self.clock()
                )
            return self._appender

    def _audit(self, uow: UnitOfWork) -> bool:
        if not uow.reads or not self.settings.audit_enabled:
            return False
        entries = uow.audit_entries(self.via)
        audit_chain.append(uow.connection, self.cipher.audit_key, entries, uow.now())
        uow.reads.clear()
        return True
