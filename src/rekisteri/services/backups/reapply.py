"""Applying the erasure journal again to a restored register: every erasure, purge and
retention run recorded after the backup was taken, so that a restore brings back no one the
register had erased.

A journal entry names a person by a keyed hash of their id; the restored register's persons
are hashed the same way to find them. An erasure is done again by the erasure itself (what a
law keeps stays, restricted); a purge purges; retention runs are done again as one run today,
which removes at least what each of them removed on its own day (every rule's cutoff has
only moved on). An erasure the restored state does not allow (a contract in force in the
backup, ended after it) restricts the person instead and says so: the DPO decides."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from rekisteri.adapters.schema.register import person
from rekisteri.domain.errors import RuleViolation
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import Provenance
from rekisteri.domain.vocabulary import Source
from rekisteri.services import erasure_journal
from rekisteri.services.rights import erasure, retention
from rekisteri.services.rights.deletion import purge
from rekisteri.services.rights.restriction import restrict
from rekisteri.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class JournalEntry:
    position: int
    kind: str
    digest: str | None


@dataclass
class Reapplied:
    erased: int = 0
    purged: int = 0
    gone_already: int = 0
    retention_runs: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "erased": self.erased,
            "purged": self.purged,
            "gone_already": self.gone_already,
            "retention_runs": self.retention_runs,
            "notes": self.notes,
        }


def _persons_by_digest(uow: UnitOfWork, wanted: set[str]) -> dict[str, int]:
    if not wanted:
        return {}
    key = uow.cipher.derived_key(erasure_journal.JOURNAL_KEY_INFO)
    found: dict[str, int] = {}
    for pid in uow.execute(select(person.c.id)).scalars():
        d = erasure_journal.digest(key, int(pid))
        if d in wanted:
            found[d] = int(pid)
    return found


def _exists(uow: UnitOfWork, pid: int) -> bool:
    return uow.execute(select(person.c.id).where(person.c.id == pid)).first() is not None


def reapply(uow: UnitOfWork, entries: list[JournalEntry]) -> Reapplied:
    """Do again, in order, what the entries record (in the caller's unit of work)."""
    done = Reapplied()
    found = _persons_by_digest(uow, {e.digest for e in entries if e.digest})
    provenance = Provenance(Source.REGISTER_ITSELF, uow.now(), "restore of a backup")
    for entry in sorted(entries, key=lambda e: e.position):
        if entry.kind == erasure_journal.RETENTION:
            done.retention_runs += 1
            continue
        pid = found.get(entry.digest or "")
        if pid is None or not _exists(uow, pid):
            done.gone_already += 1
            continue
        reason = coded(Reason.REAPPLIED, entry.position)
        if entry.kind == erasure_journal.PURGE:
            purge(uow, [pid], dry_run=False)
            done.purged += 1
            continue
        try:
            erasure.erase_person(uow, pid, provenance, reason=reason)
            done.erased += 1
        except RuleViolation:
            restrict(uow, pid, coded(Reason.REAPPLY_BLOCKED, entry.position), provenance)
            done.notes.append(
                f"person {pid}: erased after the backup, but the backup has their contract in "
                "force; restricted instead: end the contract and erase them"
            )
    if done.retention_runs:
        retention.run(uow)
    return done
