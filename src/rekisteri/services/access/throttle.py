"""Attempts counted per client address and time window, in the database, so that every server
process counts the same attempts (failed logins, the public request form, its daily total).

A client address is personal data: the table keeps only a keyed digest of it (HMAC under a key
derived from the keyring, so the digests cannot be reversed by hashing every address without
the key), and a row is deleted once its window has passed. A count goes up in one statement (an
upsert returning the new count), so parallel requests cannot lose an update; callers count an
attempt before they process it, so parallel attempts cannot all slip under the limit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from rekisteri.adapters.crypto import Cipher
from rekisteri.adapters.schema.access import request_throttle as T
from rekisteri.services.unit_of_work import UnitOfWork

INFO = b"rekisteri throttle source v1"
ALL = "*"  # the source of a count over every address
DAY = dt.timedelta(days=1)
# Days are counted in the register's own time zone: the DPO's "today".
LOCAL = ZoneInfo("Europe/Helsinki")


@dataclass(frozen=True)
class Window:
    """A limit: at most `limit` attempts of `scope` from one source per `length`.

    Rows are kept `keep` beyond their window's end (a daily total that the DPO desk shows for
    a week holds no address); rows of an address are never kept beyond their window."""

    scope: str
    length: dt.timedelta
    limit: int
    keep: dt.timedelta = dt.timedelta(0)

    def start(self, at: dt.datetime) -> dt.datetime:
        """The start of the window `at` falls in: a local midnight for days, else a multiple
        of the length since the epoch."""
        if self.length == DAY:
            local = at.astimezone(LOCAL).replace(hour=0, minute=0, second=0, microsecond=0)
            return local.astimezone(dt.UTC)
        step = int(self.length.total_seconds())
        seconds = int(at.timestamp())
        return dt.datetime.fromtimestamp(seconds - seconds % step, dt.UTC)


def source_of(cipher: Cipher, address: str | None) -> str:
    """The keyed digest kept instead of a client address (one for an unknown address)."""
    key = cipher.derived_key(INFO)
    return hmac.new(key, (address or "unknown").encode(), hashlib.sha256).hexdigest()[:32]


def hit(uow: UnitOfWork, window: Window, source: str) -> int:
    """Count one attempt from `source` now; the count of its window, this one included. On
    PostgreSQL the row stays locked until the caller's transaction ends."""
    now = uow.now()
    uow.execute(
        delete(T).where(T.c.scope == window.scope, T.c.window_start < _oldest_kept(window, now))
    )
    dialect = postgresql if uow.connection.dialect.name == "postgresql" else sqlite
    new: Any = dialect.insert(T).values(
        scope=window.scope, window_start=window.start(now), source=source, hits=1
    )
    counted = new.on_conflict_do_update(
        index_elements=[T.c.scope, T.c.window_start, T.c.source], set_={"hits": T.c.hits + 1}
    ).returning(T.c.hits)
    return int(uow.execute(counted).scalar_one())


def refund(uow: UnitOfWork, window: Window, source: str, counted_at: dt.datetime) -> None:
    """Take back an attempt counted at `counted_at` (a login that succeeded)."""
    uow.execute(
        update(T)
        .where(
            T.c.scope == window.scope,
            T.c.window_start == window.start(counted_at),
            T.c.source == source,
            T.c.hits > 0,
        )
        .values(hits=T.c.hits - 1)
    )


def over_limit(uow: UnitOfWork, window: Window, source: str) -> list[tuple[dt.datetime, int]]:
    """The kept windows of `source` whose count passed the limit (start, count), newest first."""
    now = uow.now()
    rows = uow.execute(
        select(T.c.window_start, T.c.hits)
        .where(
            T.c.scope == window.scope,
            T.c.source == source,
            T.c.hits > window.limit,
            T.c.window_start >= _oldest_kept(window, now),
        )
        .order_by(T.c.window_start.desc())
    )
    return [(r.window_start, int(r.hits)) for r in rows]


def _oldest_kept(window: Window, now: dt.datetime) -> dt.datetime:
    return window.start(now - window.keep)
