"""The erasure journal: every erasure, purge and retention run, written in the transaction that
does it, so a restored backup can have them applied again (services/backups) and never brings
an erased person back.

It holds no personal data: a person is named by a keyed hash (HMAC) of their id under a key of
its own derived from the keyring, which matches only the same id in a restored register and
names no one without the key; a retention run by its day. It lives in the register's own
database because it must commit or roll back with the erasure it records: a file beside the
database could say an erasure happened that rolled back, or miss one that committed."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable

from sqlalchemy import func, insert, select

from rekisteri.adapters.schema.rights import erasure_journal
from rekisteri.services.unit_of_work import UnitOfWork

JOURNAL_KEY_INFO = b"rekisteri erasure journal"
ERASURE, PURGE, RETENTION = "erasure", "purge", "retention"


def digest(key: bytes, person_id: int) -> str:
    return hmac.new(key, f"person {person_id}".encode(), hashlib.sha256).hexdigest()


def _key(uow: UnitOfWork) -> bytes:
    return uow.cipher.derived_key(JOURNAL_KEY_INFO)


def record_erasure(uow: UnitOfWork, person_id: int) -> None:
    uow.execute(
        insert(erasure_journal).values(
            at=uow.now(), kind=ERASURE, digest=digest(_key(uow), person_id)
        )
    )


def record_purges(uow: UnitOfWork, person_ids: Iterable[int]) -> None:
    key, at = _key(uow), uow.now()
    rows = [{"at": at, "kind": PURGE, "digest": digest(key, p)} for p in person_ids]
    if rows:
        uow.execute(insert(erasure_journal), rows)


def record_retention(uow: UnitOfWork, day: dt.date) -> None:
    uow.execute(insert(erasure_journal).values(at=uow.now(), kind=RETENTION, run_day=day))


def position(uow: UnitOfWork) -> int:
    """The last entry's position (0 when the journal is empty)."""
    return int(uow.execute(select(func.coalesce(func.max(erasure_journal.c.id), 0))).scalar_one())
