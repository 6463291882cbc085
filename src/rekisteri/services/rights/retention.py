"""The retention run (P14): every retention rule of the catalogue applied to the whole register
in set-based SQL. Idempotent and safe to run daily: a second run the same day finds nothing.

Steps, each counted by category:
- customers whose relationship ended: data under RELATIONSHIP_END rules with ERASE goes after
  the rule's period (contact data after 12 months, marketing data after 24) and they are restricted;
- ended customers past the contract period (ten years by default): purged whole;
- prospects whose permission lapsed (no granted permission in force, P3): purged whole;
- rows under RECORDED rules past their period (contact log, feedback, requests, call recordings
  with their metadata); the audio files the recordings name are kept outside the register, so
  the run lists them for destruction where they are kept and never claims to have destroyed them;
- audit entries past their period, behind a keyed checkpoint (services/access/audit.prune);
- meter readings past their period (by Helsinki month), and research loans of recordings past
  their return date (P9: reported, for the DPO to chase);
- staff tasks whose row the run (or an erasure) deleted: closed in the run's name.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    Select,
    Table,
    and_,
    delete,
    exists,
    false,
    func,
    insert,
    or_,
    select,
    update,
)

from rekisteri.adapters.contracts_in_force import binding, counted_end
from rekisteri.adapters.file_store import is_stored
from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.register import (
    consent_event,
    contact_person,
    contract,
    invoice,
    person,
)
from rekisteri.adapters.schema.rights import retention_run
from rekisteri.catalogue import Anchor, Attribute, OnErasure, RetentionRule
from rekisteri.domain import retention_words as rw
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.vocabulary import Lang
from rekisteri.services import erasure_journal
from rekisteri.services.access import audit, recording_loans
from rekisteri.services.archive import location as archive_location
from rekisteri.services.archive import privacy as archive_privacy
from rekisteri.services.consumption import retention as reading_retention
from rekisteri.services.register import tasks
from rekisteri.services.register.subjects import only_theirs, personal_tables
from rekisteri.services.rights import periods, run_words
from rekisteri.services.rights.deletion import (
    CHUNK,
    FILE_COLUMNS,
    erase_rows,
    files_named,
    purge,
    suppress_contact_points,
    tables_children_first,
)
from rekisteri.services.unit_of_work import UnitOfWork

FILES_DESTROYED = rw.FILES_DESTROYED
# A file of the store that no row names is the leftover of an intake that never committed
# (a process killed between sealing the audio and recording its row): destroyed once it is
# this old, so an intake under way is never touched.
ORPHAN_AGE = dt.timedelta(days=1)


def _sweep(uow: UnitOfWork, dry_run: bool) -> int:
    """Destroy the store's files that no row names (after commit, like every destruction); a
    preview only counts them."""
    named = set(uow.files_destroyed)  # this run's own destructions are counted already
    for table, column in FILE_COLUMNS.items():
        col = metadata.tables[table].c[column]
        named.update(str(r) for r in uow.execute(select(col).where(col.is_not(None))).scalars())
    files = uow.files
    before = (dt.datetime.now(dt.UTC) - ORPHAN_AGE).timestamp()  # files age in real time
    orphans = [ref for ref, mtime in files.stored() if ref not in named and mtime < before]
    if orphans and not dry_run:
        uow.after_commit.append(lambda: [files.destroy(r) for r in orphans])
    return len(orphans)


@dataclass
class RunResult:
    dry_run: bool
    today: dt.date
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Files outside the database that rows deleted by this run named (call audio): the run
    # does not hold them, so whoever keeps them destroys them; they are listed, not counted
    # as destroyed.
    files_outside: list[str] = field(default_factory=list)

    def add(self, category: str, n: int) -> None:
        self.counts[category] = self.counts.get(category, 0) + n


# The run's working set: every customer with no contract in force, the day their last contract
# ended and whether they have open invoices. Found once per run with one scan of the contracts
# (a session's temporary table, not part of the register), then each rule's cutoff is an
# indexed range of it instead of a new aggregate over every contract in every statement.
_scratch = MetaData()
ended = Table(
    "retention_ended",
    _scratch,
    Column("person_id", Integer, primary_key=True),
    Column("last_end", Date, nullable=False, index=True),
    Column("open_claims", Boolean, nullable=False),
    prefixes=["TEMPORARY"],
)


def _find_ended(uow: UnitOfWork) -> None:
    ended.drop(uow.connection, checkfirst=True)
    ended.create(uow.connection)
    last = (
        select(contract.c.person_id, func.max(counted_end()), false())
        .join(person, person.c.id == contract.c.person_id)
        .where(person.c.relationship == "customer")
        .group_by(contract.c.person_id)
        .having(func.count().filter(binding()) == 0)
    )
    uow.execute(insert(ended).from_select(["person_id", "last_end", "open_claims"], last))
    # Correlated: one index probe per ended customer instead of a read of every invoice.
    claims = exists().where(
        invoice.c.person_id == ended.c.person_id, invoice.c.status.in_(periods.OPEN_INVOICE)
    )
    uow.execute(update(ended).where(claims).values(open_claims=True))


def _ended_before(cutoff: dt.date, *, open_claims: bool | None = False) -> Select[Any]:
    """From the run's working set: ended before `cutoff`, with or without open invoices (None:
    either)."""
    query = select(ended.c.person_id).where(ended.c.last_end < cutoff)
    if open_claims is not None:
        query = query.where(ended.c.open_claims.is_(open_claims))
    return query


def lapsed_prospects(today: dt.date) -> Select[Any]:
    """Prospects with no permission in force on `today` (periods.grants_in_force: a permission
    is kept through the Helsinki day it expires, as their access package says)."""
    in_force = (
        select(consent_event.c.id)
        .where(consent_event.c.person_id == person.c.id, periods.grants_in_force(today))
        .exists()
    )
    return select(person.c.id).where(person.c.relationship == "prospect", ~in_force)


def _count(uow: UnitOfWork, t: Table, cond: Any) -> int:
    return int(uow.execute(select(func.count()).select_from(t).where(cond)).scalar_one())


def _after_relationship(uow: UnitOfWork, result: RunResult) -> None:
    rules: dict[str, RetentionRule] = {
        a.retention.name: a.retention
        for a in uow.catalogue.attributes
        if a.retention.anchor is Anchor.RELATIONSHIP_END
        and a.retention.on_erasure is OnErasure.ERASE
    }
    specs = {s.name: s for s in personal_tables(uow.catalogue)}
    for rule in rules.values():
        cutoff = periods.first_kept(rule, uow.settings, result.today)
        who = _ended_before(cutoff)
        for t in tables_children_first(uow):
            attrs = [a for a in uow.catalogue.for_table(t.name) if a.retention == rule]
            if not attrs:
                continue
            cond = only_theirs(specs[t.name], who)
            everything = len(attrs) == len(uow.catalogue.for_table(t.name))
            if everything:
                n = _count(uow, t, cond)
                if n and not result.dry_run:
                    erase_rows(uow, t, cond, attrs)
            else:
                cols = [t.c[c] for a in attrs for c in a.columns if t.c[c].nullable]
                if not cols:
                    continue
                cond = and_(cond, or_(*(c.is_not(None) for c in cols)))
                n = _count(uow, t, cond)
                if n and not result.dry_run:
                    uow.execute(update(t).where(cond).values({c.name: None for c in cols}))
            result.add(f"{rule.name}: {t.name}", n)
    # What is left of them is contract records: restricted until purged.
    # (from the shortest period on, once the first of their data has gone)
    first = max(
        (periods.first_kept(r, uow.settings, result.today) for r in rules.values()),
        default=result.today,
    )
    cond = and_(
        person.c.id.in_(_ended_before(first, open_claims=None)), person.c.restricted.is_(False)
    )
    n = _count(uow, person, cond)
    if n and not result.dry_run:
        uow.execute(
            update(person)
            .where(cond)
            .values(restricted=True, restricted_reason=coded(Reason.RETENTION_ENDED))
        )
    result.add(rw.RESTRICTED, n)


def _recorded(uow: UnitOfWork, result: RunResult) -> None:
    """Rows past their RECORDED rule's period, counted from each attribute's anchor column
    (periods.anchor_column, as the access package counts it); the attributes of a table that
    share a rule and an anchor go together."""
    for t in tables_children_first(uow):
        table_attrs = uow.catalogue.for_table(t.name)
        groups: dict[tuple[str, str], list[Attribute]] = {}
        for attr in table_attrs:
            if attr.retention.anchor is not Anchor.RECORDED:
                continue
            anchor = periods.anchor_column(t, attr, table_attrs)
            if anchor is not None:
                groups.setdefault((attr.retention.name, anchor), []).append(attr)
        for (_, anchor), attrs in groups.items():
            rule = attrs[0].retention
            cond = periods.before(t, anchor, periods.first_kept(rule, uow.settings, result.today))
            if result.dry_run:  # what a run would destroy (a run's erase_rows destroys it)
                named = files_named(uow, t, cond)
                result.files_outside.extend(r for r in named if not is_stored(r))
                result.add(FILES_DESTROYED, sum(1 for r in named if is_stored(r)))
            n = _count(uow, t, cond)
            if n and not result.dry_run:
                _drop_person_links(uow, t, cond)
                erase_rows(uow, t, cond, attrs)
            result.add(f"{rule.name}: {t.name}", n)


def _prospects(uow: UnitOfWork, result: RunResult) -> None:
    lapsed = [int(i) for i in uow.execute(lapsed_prospects(result.today)).scalars()]
    if not result.dry_run:
        # Those who withdrew or objected stay out of future imports (keyed hashes only).
        for i in range(0, len(lapsed), CHUNK):
            chunk = lapsed[i : i + CHUNK]
            refused = (
                select(consent_event.c.person_id)
                .where(
                    consent_event.c.person_id.in_(chunk),
                    consent_event.c.event.in_(("withdrawn", "prohibited")),
                )
                .distinct()
            )
            ids = [int(p) for p in uow.execute(refused).scalars()]
            if ids:
                suppress_contact_points(uow, ids)
    result.add(rw.PROSPECTS, purge(uow, lapsed, result.dry_run))


def former_contact_persons(cutoff: dt.date) -> Select[Any]:
    """Contact persons whose every link to an organisation ended before `cutoff` and who have
    no contract or invoice of their own: the register knew them only through the links."""
    links = contact_person.c
    own_records = or_(
        exists().where(contract.c.person_id == links.person_id),
        exists().where(invoice.c.person_id == links.person_id),
    )
    return (
        select(links.person_id)
        .where(~own_records)
        .group_by(links.person_id)
        .having(
            and_(
                func.count().filter(links.valid_to.is_(None)) == 0,
                func.max(links.valid_to) < cutoff,
            )
        )
    )


def _former_contact_persons(uow: UnitOfWork, result: RunResult) -> None:
    """A contact person's data is kept while they act for an organisation and the period of
    their role attribute after it (12 months by default), then purged whole like a prospect's."""
    rule = uow.catalogue["contact_person.role"].retention
    cutoff = periods.first_kept(rule, uow.settings, result.today)
    gone = [int(i) for i in uow.execute(former_contact_persons(cutoff)).scalars()]
    result.add(rw.CONTACT_PERSONS, purge(uow, gone, result.dry_run))


def _drop_person_links(uow: UnitOfWork, t: Table, cond: Any) -> None:
    """Delete the rows that tie persons to records going past their period.

    A link row (no id, only the keys of a record and a person, such as disclosure_subject)
    says only whom the record was about; kept, it would hold a record the statement says is
    gone ("5 years from the disclosure") named by person, and hold the record itself in place."""
    if "id" not in t.c:
        return
    for link in metadata.tables.values():
        if "id" in link.c or link is t:
            continue
        targets = {fk.column.table.name: fk.parent for fk in link.foreign_keys}
        if t.name in targets and "person" in targets and len(link.c) == len(targets):
            uow.execute(delete(link).where(targets[t.name].in_(select(t.c.id).where(cond))))


def run(uow: UnitOfWork, *, dry_run: bool = False) -> RunResult:
    started = uow.now()
    result = RunResult(dry_run, uow.today())
    if not dry_run:
        archive_privacy.hold(uow)  # before any reading leaves the database: the sync's order
    contract_rule = next(
        a.retention for a in uow.catalogue.attributes if a.retention.anchor is Anchor.CONTRACT_END
    )
    cutoff = periods.first_kept(contract_rule, uow.settings, result.today)
    _find_ended(uow)
    held = _count(uow, ended, and_(ended.c.last_end < cutoff, ended.c.open_claims))
    result.add(rw.KEPT_OPEN_INVOICES, held)
    result.add(rw.PURGED_ENDED, purge(uow, _ended_before(cutoff), dry_run))
    _after_relationship(uow, result)
    _prospects(uow, result)
    _former_contact_persons(uow, result)
    _recorded(uow, result)
    readings = uow.catalogue["reading_block.readings"].retention
    cut = periods.first_kept(readings, uow.settings, result.today)
    result.add(rw.READINGS, reading_retention.purge_before(uow, cut, dry_run))
    # The recorded archive is reached, or the run (a preview too) is refused naming why.
    if archive_location.in_use(uow) is not None:
        dropped = archive_privacy.drop_before(uow, cut, dry_run)
        result.add(rw.ARCHIVED_READINGS, dropped)
    result.add(rw.AUDIT_ENTRIES, audit.prune(uow, dry_run=dry_run))
    result.add(rw.TASKS_CLOSED, tasks.close_gone(uow, dry_run=dry_run))
    if not dry_run:
        result.files_outside.extend(uow.files_outside)
        result.add(FILES_DESTROYED, len(uow.files_destroyed))
    # Orphans too are what the run destroys: a preview counts them, so the run approved from
    # it destroys only what the DPO saw counted.
    result.add(FILES_DESTROYED, _sweep(uow, dry_run))
    result.add(rw.LOANS_OVERDUE, len(recording_loans.overdue_recording_loans(uow)))
    # In English, as the CLI prints them; the desks word them from the counts (run_words).
    result.notes = run_words.notes(result.counts, result.files_outside, Lang.EN)
    ended.drop(uow.connection)
    if not dry_run:
        # Journalled so a restored backup has the run applied again.
        erasure_journal.record_retention(uow, result.today)
    uow.execute(
        retention_run.insert().values(
            started_at=started,
            finished_at=uow.now(),
            dry_run=dry_run,
            actor=uow.actor.name,
            result=json.dumps(
                {"counts": result.counts, "notes": result.notes, "files": result.files_outside}
            ),
        )
    )
    return result


def last_run(uow: UnitOfWork) -> dict[str, Any] | None:
    """The latest run, for the DPO desk."""
    row = uow.execute(select(retention_run).order_by(retention_run.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return {
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "dry_run": row.dry_run,
        "actor": row.actor,
        **json.loads(row.result),
    }
