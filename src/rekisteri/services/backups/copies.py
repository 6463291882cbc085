"""Take a backup of the register and restore one.

A backup is the database's whole content (adapters/backup_store.py) encrypted as it streams
(adapters/backup_file.py) under a key derived from the keyring: without the keyring it cannot
be read, and a changed byte is refused. Its header records its moment: the last audit entry and
the last erasure-journal entry it holds.

A restore verifies every chunk first, then reads what must outlive it from the register it
replaces (the erasure journal and the end of the audit trail), replaces the database, carries
the journal entries the backup does not hold over into it (committed before anything else),
and in one transaction appends the restore to the audit trail and applies those entries
again (reapply.py). The restored trail is the backup's, followed by the restore's entry, which
names where the replaced trail ended, and the entries of what was applied again: `audit
verify` holds. A restore into a register that holds data is refused unless told to replace it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, inspect, select, text

from rekisteri.adapters import audit_chain, backup_file, backup_store, db
from rekisteri.adapters.private_files import check_target, replacing
from rekisteri.adapters.schema.audit import audit_chain_head
from rekisteri.adapters.schema.register import person
from rekisteri.adapters.schema.rights import erasure_journal
from rekisteri.catalogue import Category
from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.services.archive import location
from rekisteri.services.backups.reapply import JournalEntry, Reapplied, reapply
from rekisteri.services.exports import register_files
from rekisteri.services.unit_of_work import Actor, RegisterApp

BACKUP_KEY_INFO = b"rekisteri backup"


@dataclass(frozen=True)
class Taken:
    path: Path
    header: backup_file.Header
    plain_bytes: int


def _moment(connection: Connection) -> backup_store.Moment:
    seq = connection.execute(select(audit_chain_head.c.seq)).scalar()
    position = connection.execute(
        select(func.coalesce(func.max(erasure_journal.c.id), 0))
    ).scalar_one()
    return int(seq or 0), int(position)


def _key(reg: RegisterApp) -> bytes:
    return reg.cipher.derived_key(BACKUP_KEY_INFO)


def take(reg: RegisterApp, out: Path, actor: Actor) -> Taken:
    """Write an encrypted backup to `out` (whole or not at all, owner-only); the copy is one
    entry of the audit trail (a read of every category, naming no one person)."""
    check_target(out, register_files(reg.settings))
    url = reg.settings.database_url
    try:
        with backup_store.snapshot(url, _moment) as ((seq, position), content):
            header = backup_file.Header(
                backup_store.dialect_of(url),
                reg.clock().astimezone(dt.UTC).isoformat(),
                seq,
                position,
                backup_file.new_salt(),
            )
            with replacing(out) as fh:
                size = backup_file.write(fh, _key(reg), header, content)
    except backup_store.DatabaseCopyError as exc:
        raise RuleViolation(f"the backup was not taken: {exc}") from None
    what = f"backup of the whole register to {out.name} (audit entries to {seq})"
    reg.append_audit([_entry(actor, reg.via, "read", tuple(Category), what)])
    return Taken(out, header, size)


def _entry(
    actor: Actor, via: str, action: str, categories: tuple[Category, ...], what: str
) -> audit_chain.NewEntry:
    return audit_chain.NewEntry(
        actor=actor.name,
        role=actor.role.value if actor.role else None,
        subject_self=None,
        purpose=actor.purpose.value if actor.purpose else None,
        via=actor.via or via,
        action=action,
        outcome="allowed",
        categories=tuple(c.value for c in categories),
        person_ids=(),
        what=what,
    )


@dataclass(frozen=True)
class Live:
    """What the register a restore replaces holds that must outlive it."""

    holds_data: bool
    audit_seq: int
    audit_hash: str
    journal: list[dict[str, Any]]


def live_state(reg: RegisterApp) -> Live:
    """Read before the restore replaces the database (an empty or new database holds none)."""
    with reg.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        if not {"person", "audit_chain_head", "erasure_journal"} <= tables:
            return Live(bool(tables - {"alembic_version"}), 0, audit_chain.GENESIS, [])
        persons = connection.execute(select(func.count()).select_from(person)).scalar_one()
        head = connection.execute(select(audit_chain_head)).first()
        rows = connection.execute(select(erasure_journal).order_by(erasure_journal.c.id))
        entries = [dict(r._mapping) for r in rows]
    seq = int(head.seq) if head else 0
    # `rekisteri init` writes the trail's first entry: a register with only that holds nothing.
    return Live(
        persons > 0 or seq > 1, seq, head.entry_hash if head else audit_chain.GENESIS, entries
    )


def _archive_reached(reg: RegisterApp, actor: Actor) -> None:
    """Before the database is replaced: the journal's erasures applied again must reach the
    readings archive the register recorded, or the restore is refused now (after the
    replacement, the persons erased since the backup would stay restored)."""
    with reg.engine.connect() as connection:
        if "reading_archive" not in inspect(connection).get_table_names():
            return
    with reg.reading(actor) as uow:
        location.in_use(uow)


def check_replace(live: Live, *, replace: bool) -> None:
    if live.holds_data and not replace:
        raise RuleViolation(
            "the register holds data: a restore replaces all of it; say --replace to mean it"
        )


# What no journal carries over (docs/backups.md, "What a restore does not keep"): said by every
# restore, so whoever restores knows what to redo by hand.
NOT_JOURNALLED = (
    "objections, marketing bans and consent withdrawals, restrictions and rectifications made "
    "after the backup was taken are not in the erasure journal: the restore undoes them; redo "
    "those made since {taken} from the records of requests before marketing runs again"
)


@dataclass(frozen=True)
class Restored:
    header: backup_file.Header
    replaced: Live
    carried: int  # journal entries of the replaced register the backup did not hold
    reapplied: Reapplied
    warnings: tuple[str, ...]  # what the restore could not do again: for the DPO to redo


def _age(taken_at: str, now: dt.datetime) -> str:
    """How long ago the backup was taken, in days and hours."""
    try:
        taken = dt.datetime.fromisoformat(taken_at)
    except ValueError:
        return "of unknown age"
    hours = max(0, int((now - taken).total_seconds() // 3600))
    days, hours = divmod(hours, 24)
    return f"{days} day{'s' * (days != 1)} {hours} hour{'s' * (hours != 1)} ago"


def _warnings(header: backup_file.Header, live: Live, now: dt.datetime) -> tuple[str, ...]:
    taken = f"{header.taken_at} ({_age(header.taken_at, now)})"
    said = [NOT_JOURNALLED.format(taken=taken)]
    if not live.holds_data:
        # A new machine's register: the journal of erasures made since the backup was lost
        # with the old one, so nothing could be applied again.
        said.insert(
            0,
            f"the register replaced was empty, so it had no erasure journal: erasures, purges "
            f"and retention runs made after the backup was taken {taken} cannot be applied "
            "again; redo them from the DPO's records of erasures before the register serves",
        )
    return tuple(said)


def read_header(path: Path) -> backup_file.Header:
    try:
        with path.open("rb") as fh:
            return backup_file.read_header(fh)
    except OSError as exc:
        raise InvalidInput("FILE", f"{path}: {exc.strerror}") from None
    except backup_file.BackupFileError as exc:
        raise InvalidInput("FILE", f"{path}: {exc}") from None


def verify(reg: RegisterApp, path: Path) -> backup_file.Header:
    """Every chunk opened and checked (nothing written); InvalidInput naming the first that
    does not verify."""
    header = read_header(path)
    try:
        with path.open("rb") as fh:
            backup_file.verify(fh, _key(reg))
    except backup_file.BackupFileError as exc:
        raise InvalidInput("FILE", f"{path}: {exc}") from None
    return header


def restore(reg: RegisterApp, path: Path, actor: Actor, *, replace: bool) -> Restored:
    url = reg.settings.database_url
    header = verify(reg, path)
    if header.dialect != backup_store.dialect_of(url):
        raise InvalidInput(
            "FILE", f"{path}: a backup of {header.dialect}, the register is on "
            f"{backup_store.dialect_of(url)}"
        )  # fmt: skip
    live = live_state(reg)
    check_replace(live, replace=replace)
    _archive_reached(reg, actor)
    reg.engine.dispose()  # no pooled connection keeps the old database's state
    try:
        with path.open("rb") as fh:
            backup_store.restore(url, backup_file.chunks(fh, _key(reg)))
    except backup_file.BackupFileError as exc:
        raise InvalidInput("FILE", f"{path}: {exc} (nothing was restored)") from None
    except backup_store.DatabaseCopyError as exc:
        raise RuleViolation(f"the restore failed, nothing was restored: {exc}") from None
    reg.engine.dispose()
    db.migrate(url)  # a backup taken before a newer version's migrations
    carried = _carry_journal(reg, live)
    with reg.unit_of_work(actor) as uow:
        what = (
            f"restore of a backup taken {header.taken_at} (audit entries to {header.audit_seq}, "
            f"erasure journal to {header.journal_position}); the replaced trail ended at entry "
            f"{live.audit_seq} ({live.audit_hash[:16]}); {len(carried)} journal entries "
            "applied again"
        )
        audit_chain.append(
            uow.connection,
            reg.cipher.audit_key,
            [_entry(actor, reg.via, "change", (), what)],
            reg.clock(),
        )
        done = reapply(uow, carried)
    return Restored(header, live, len(carried), done, _warnings(header, live, reg.clock()))


def _carry_journal(reg: RegisterApp, live: Live) -> list[JournalEntry]:
    """The replaced register's journal entries the backup does not hold, written into the
    restored one under their own positions and committed: if applying them fails, a second
    restore of the same backup finds them there.

    Which entries the backup holds is read from the restored journal itself, not from the
    header's last position: PostgreSQL gives an entry its id when it is inserted, not when it
    commits, so an erasure still running when the backup was taken commits under a lower id
    than one the backup holds; `id > position` would never apply it again."""
    with reg.engine.begin() as connection:
        held = set(connection.execute(select(erasure_journal.c.id)).scalars())
        missing = [e for e in live.journal if int(e["id"]) not in held]
        if missing:
            connection.execute(erasure_journal.insert(), missing)
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence('erasure_journal', 'id'), "
                        "(SELECT max(id) FROM erasure_journal))"
                    )
                )
    return [JournalEntry(int(e["id"]), e["kind"], e["digest"]) for e in missing]
