"""Where the readings archive is, recorded in the register itself.

The archive's directory comes from the process's settings (REKISTERI_ARCHIVE_DIR). The first
sync records it in the database; from then on an erasure, a retention run or an access package
in a process whose setting is missing, names another directory, or cannot reach the recorded one
refuses with the reason, instead of quietly leaving the archived readings out (an erasure that
missed the archive would report the readings gone while they stay).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import delete, select

from rekisteri.adapters.archive.parquet import Archive, Lock
from rekisteri.adapters.schema.consumption import archive_undo, reading_archive
from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.services.unit_of_work import UnitOfWork

SETTING = "REKISTERI_ARCHIVE_DIR"


def _resolved(root: Path | str) -> str:
    return str(Path(root).expanduser().resolve())


def recorded_root(uow: UnitOfWork) -> str | None:
    found = uow.execute(select(reading_archive.c.root).order_by(reading_archive.c.id)).scalar()
    return None if found is None else str(found)


def _configured(uow: UnitOfWork) -> Archive | None:
    root = uow.settings.archive_dir
    return None if root is None else Archive(Path(root))


def record(uow: UnitOfWork, archive: Archive) -> None:
    """Before a sync writes: record the archive's directory, or refuse one that is not the
    recorded (a second archive would split the readings' history in two)."""
    recorded = recorded_root(uow)
    here = _resolved(archive.root)
    if recorded is None:
        uow.execute(  # the one row (id 1): a second first sync elsewhere fails on the key
            reading_archive.insert().values(
                id=1, root=here, recorded_at=uow.now(), recorded_by=uow.actor.name[:60]
            )
        )
        uow.note_change((), (), f"readings archive recorded at {here}")
    elif recorded != here:
        raise InvalidInput(
            SETTING,
            f"names {here}, but the register's readings archive is at {recorded}: "
            "point the setting there (move the files first if the archive has moved)",
        )


def in_use(uow: UnitOfWork) -> Archive | None:
    """The archive erasure, retention and the access package must reach: None when the
    register has none; a refusal when it has one this process cannot reach."""
    recorded = recorded_root(uow)
    configured = _configured(uow)
    if recorded is None:
        # No sync has run: an archive directory set but never written holds no readings.
        return configured if configured is not None and configured.root.exists() else None
    if configured is None:
        raise RuleViolation(
            f"the register's readings archive is at {recorded}, but {SETTING} is not set in "
            "this process: it would miss the archived readings"
        )
    if _resolved(configured.root) != recorded:
        raise RuleViolation(
            f"the register's readings archive is at {recorded}, but {SETTING} names "
            f"{_resolved(configured.root)}: it would miss the archived readings"
        )
    if not configured.root.exists():
        raise RuleViolation(
            f"the register's readings archive at {recorded} cannot be reached from this "
            "process: it would miss the archived readings"
        )
    return configured


def settle(uow: UnitOfWork, archive: Archive) -> None:
    """Under the archive's lock, before anything reads or writes it: finish what an earlier
    rewrite left. An undo set whose row committed is deleted (the rewrite stands: the set
    holds what an erasure removed); one without a row is put back (its transaction rolled
    back or its process died). No other rewrite is in flight while the lock is held."""
    tokens = archive.undo_tokens()
    committed = set(uow.execute(select(archive_undo.c.token)).scalars())
    for token in tokens:
        if token in committed:
            archive.forget(token)
        else:
            archive.undo(token)
    if committed:
        uow.execute(delete(archive_undo))


def undoable(uow: UnitOfWork, archive: Archive) -> str:
    """Start an undo set for this unit of work's rewrites of the archive (under its lock):
    its row is written in the transaction; when it ends the set is deleted (committed) or
    put back (rolled back), before the lock is released."""
    token = uuid.uuid4().hex
    uow.execute(archive_undo.insert().values(token=token, at=uow.now()))
    uow.after_commit.insert(0, lambda: archive.forget(token))
    uow.after_rollback.insert(0, lambda: archive.undo(token))
    return token


class _Held:
    """The archive's lock, held by a unit of work until it ends (one per archive), and the
    undo set of its rewrites."""

    def __init__(self, lock: Lock, token: str) -> None:
        self.lock = lock
        self.token = token

    def __call__(self) -> None:
        self.lock.release()


def held_for(uow: UnitOfWork, archive: Archive) -> None:
    """Hold the archive's lock for the rest of the unit of work (the lock first, the database
    after: every writer's order), and keep every file this `archive` replaces in the unit's
    undo set: a rollback, or a process that dies before its commit, puts them back. The lock is
    released only after the set is settled, so no one else sees the rewrite half-decided."""
    held = next((h for h in uow.after_commit if isinstance(h, _Held)), None)
    if held is None:
        lock = archive.lock()
        lock.acquire()
        # A sync killed while writing leaves a whole month in staging: erased readings must
        # not survive there.
        archive.clean_staging()
        settle(uow, archive)
        held = _Held(lock, undoable(uow, archive))
        uow.after_commit.append(held)
        uow.after_rollback.append(held)
    archive.undo_token = held.token
