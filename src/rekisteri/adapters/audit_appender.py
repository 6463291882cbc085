"""Group commit of the audit entries of reads: one short transaction for many requests.

No audit, no data: a read's entry must be committed before its data leaves. Giving every read
its own commit makes every read a turn at the database's write lock (SQLite has one writer for
the whole file; PostgreSQL queues appenders on the chain head's row) and a commit of its own.
Instead, the requests of one process hand their entries here and wait. The first to find the
writer free takes every entry waiting (its own among them), appends them in one transaction in
the order they came and wakes the others; the requests that came meanwhile form the next batch.
Nobody returns before the transaction holding their entry has committed; when it fails, every
request of that batch fails with it (the caller answers an error instead of the data).

Nothing about the chain is cached across transactions: the previous hash and seq are read under
the chain head's lock inside the writing transaction (audit_chain.append), so two server
processes never fork the chain; the database's lock orders their batches.

On SQLite the batch writers of all processes first queue on a lock file (flock): SQLite's busy
handler waits for its lock by sleeping 1, 2, 5, 10, ... ms and retrying, which leaves the
machine idle while requests wait; flock wakes the next writer as soon as the lock is free.
Other writers (changes, which append their entries in their own transaction) do not take it;
they and the batch writer still meet at SQLite's own lock.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from rekisteri.adapters import audit_chain


class AuditNotWritten(RuntimeError):
    """The audit entry of a request could not be committed, so the request must fail."""


@dataclass
class _Ticket:
    entries: Sequence[audit_chain.NewEntry]
    done: bool = False
    error: BaseException | None = None


class GroupAppender:
    """Appends the entries handed to it by concurrent threads, a batch per transaction."""

    def __init__(self, engine: Engine, key: Callable[[], bytes], clock: Callable[[], dt.datetime]):
        self._engine = engine
        self._key = key
        self._clock = clock
        self._waiting: list[_Ticket] = []
        self._queue = threading.Lock()  # guards _waiting
        self._writer = threading.Lock()  # one batch at a time in this process
        self._lock_file = _lock_file_of(engine)
        self._lock_fd: tuple[int, int] | None = None  # (pid, fd): never share one across a fork
        # (pid, driver connection, its closer), likewise never shared across a fork
        self._connection: tuple[int, Any, weakref.finalize[Any, Any]] | None = None

    def append(self, entries: Sequence[audit_chain.NewEntry]) -> None:
        """Return once the entries are committed in the chain; raise if they could not be."""
        if not entries:
            return
        ticket = _Ticket(tuple(entries))
        with self._queue:
            self._waiting.append(ticket)
        with self._writer:
            if not ticket.done:
                with self._queue:
                    batch, self._waiting = self._waiting, []
                self._write(batch)
        if ticket.error is not None:
            raise AuditNotWritten("the audit entry could not be written") from ticket.error

    def _write(self, batch: list[_Ticket]) -> None:
        entries = [entry for ticket in batch for entry in ticket.entries]
        error: BaseException | None = None
        try:
            with self._between_processes():
                driver = self._driver()
                try:
                    audit_chain.append_to(
                        driver, self._engine.dialect, self._key(), entries, self._clock()
                    )
                    driver.commit()
                except BaseException:
                    self._discard()  # the next batch starts on a fresh connection
                    raise
        except BaseException as exc:  # every waiter of the batch is told, then it fails
            error = exc
        for ticket in batch:
            ticket.error = error
            ticket.done = True

    def _driver(self) -> Any:
        """This process's own connection for batches, kept open between them (taking one from
        the pool each time costs a ping on PostgreSQL); only the batch writer uses it."""
        pid = os.getpid()
        if self._connection is None or self._connection[0] != pid:
            raw = self._engine.raw_connection()  # connect events (SQLite's pragmas) have run
            raw.detach()  # ours alone, closed with the appender
            self._connection = (pid, raw, weakref.finalize(self, raw.close))
        return self._connection[1]

    def _discard(self) -> None:
        if self._connection is None:
            return
        _, raw, close = self._connection
        self._connection = None
        try:
            raw.rollback()
            close()
        except Exception:  # noqa: S110 - it is being thrown away because it failed
            pass

    @contextmanager
    def _between_processes(self) -> Iterator[None]:
        if self._lock_file is None:
            yield
            return
        fd = self._fd()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _fd(self) -> int:
        pid = os.getpid()
        if self._lock_fd is None or self._lock_fd[0] != pid:
            assert self._lock_file is not None
            fd = os.open(self._lock_file, os.O_RDWR | os.O_CREAT, 0o600)
            weakref.finalize(self, os.close, fd)
            self._lock_fd = (pid, fd)
        return self._lock_fd[1]


def _lock_file_of(engine: Engine) -> str | None:
    """The lock file beside an SQLite database file; None for PostgreSQL or memory."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return f"{database}-auditlock"
