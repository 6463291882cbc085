"""Erasure (Art. 17, P14), driven by the catalogue: every attribute's retention rule decides.

ERASE: there is no legal reason to keep it, so it goes now (rows whose every attribute goes are
deleted; otherwise the columns are cleared). KEEP_RESTRICTED: a law keeps it (contracts and
billing ten years after the contract ended), so it stays, the person is restricted, and the
retention run purges it when the period ends. The answer says what went, what stayed, why and
until when. The walk takes the catalogue from the unit of work, so a new attribute is covered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update

from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.register import (
    contract,
    invoice,
    person,
)
from rekisteri.catalogue import Attribute, Category, Lang, OnErasure, label
from rekisteri.domain import rights_words
from rekisteri.domain.change_words import say
from rekisteri.domain.errors import NotFound, RuleViolation
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import Provenance
from rekisteri.services import erasure_journal
from rekisteri.services.archive import privacy as archive_privacy
from rekisteri.services.register.subjects import only_theirs, personal_tables
from rekisteri.services.rights import periods, recipient_notices, remains
from rekisteri.services.rights.deletion import (
    FILE_COLUMNS,
    clear_values,
    destroy_files,
    erase_readings,
    erase_rows,
    open_invoices,
    purge,
    suppress_contact_points,
    tables_children_first,
)
from rekisteri.services.rights.restriction import restrict
from rekisteri.services.unit_of_work import UnitOfWork


@dataclass
class ErasureAnswer:
    person_id: int
    erased: list[dict[str, Any]] = field(default_factory=list)
    kept: list[dict[str, Any]] = field(default_factory=list)
    limited_by: list[str] = field(default_factory=list)
    suppression_entries: int = 0
    # Audio files of the erased recordings: destroyed in the encrypted file store (when the
    # erasure commits), and those kept elsewhere, listed for whoever keeps them.
    files_destroyed: list[str] = field(default_factory=list)
    files_to_destroy: list[str] = field(default_factory=list)
    # Art. 19: the recipients the data was disclosed to, each given a pending notice.
    recipients_to_notify: list[str] = field(default_factory=list)
    lang: Lang = Lang.FI  # the language of the answer's words (the person's)

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "erased": self.erased,
            "kept": self.kept,
            "limited_by": self.limited_by,
            "suppression_entries": self.suppression_entries,
            "files_destroyed": len(self.files_destroyed),
            "files_to_destroy_elsewhere": self.files_to_destroy,
            "recipients_to_notify": self.recipients_to_notify,
            "language": self.lang.value,
        }


def erase_person(
    uow: UnitOfWork,
    person_id: int,
    provenance: Provenance,
    *,
    reason: str,
    lang: Lang | str = "fi",
    for_request: int | None = None,
) -> ErasureAnswer:
    """Erase what no law keeps, restrict the rest; the recipients of the person's data get a
    pending notice (Art. 19) whether or not a request asked for it (`for_request`)."""
    lang = Lang(lang)
    if uow.execute(select(person.c.id).where(person.c.id == person_id)).first() is None:
        raise NotFound("person", person_id)
    active, _ = periods.contracts_end(uow, person_id)
    if active:
        raise RuleViolation(
            f"person {person_id} has a contract in force: the contract needs the data (Art. "
            "17(1)(a) does not apply); end the contract first, then erase"
        )
    # The archive's lock before the first write, as a sync takes it before the database: on
    # SQLite an erasure holding the database while waiting for a sync holding the lock (and
    # waiting for the database) would make the sync give up after the busy timeout.
    archive_privacy.hold(uow)
    answer = ErasureAnswer(person_id, lang=lang)
    # The erasure is itself a change of the person's data: its audit entry names them, and
    # the answer counts that entry among those that remain (services/rights/remains).
    # The trail is the staff's, in English: a coded reason in its English words.
    uow.note_change([person_id], [Category.CONTACT], f"erasure: {say(reason, Lang.EN)}"[:200])
    # Journalled (a keyed hash) so a restored backup erases them again.
    erasure_journal.record_erasure(uow, person_id)
    # Read before anything goes: the disclosure records may go with the person, and what
    # outlives the link to them (requests, notices, suppression hashes) is found by these.
    disclosed = recipient_notices.disclosed_to(uow, person_id)
    traces = remains.traces_of(uow, person_id)
    destroyed, outside = len(uow.files_destroyed), len(uow.files_outside)
    if not _has_records(uow, person_id):
        _erase_whole(uow, person_id, answer, lang)
    else:
        _erase_keeping_records(uow, person_id, answer, lang, reason, provenance)
    answer.files_destroyed = uow.files_destroyed[destroyed:]
    answer.files_to_destroy = uow.files_outside[outside:]
    planned = recipient_notices.plan(
        uow,
        person_id,
        "erasure",
        [e["attribute"] for e in answer.erased],
        request_id=for_request,
        disclosed=disclosed,
    )
    answer.recipients_to_notify = planned.recipients
    # What was kept is read back from the database, not from what the walk meant to do: the
    # answer says exactly what remains (and claims erased only what does not).
    reasons = {k["attribute"]: k["why"] for k in answer.kept if k["until"] is None}
    answer.kept = remains.remaining(uow, person_id, traces, lang, reasons, planned.ids)
    left = {k["attribute"] for k in answer.kept}
    answer.erased = [e for e in answer.erased if e["attribute"] not in left]
    return answer


def _erase_keeping_records(
    uow: UnitOfWork,
    person_id: int,
    answer: ErasureAnswer,
    lang: Lang,
    reason: str,
    provenance: Provenance,
) -> None:
    """A contract or an invoice: what a law keeps stays, restricted; the rest goes."""
    claims = open_invoices(uow, person_id)
    held_categories: set[Category] = set()
    if claims:
        held_categories = {Category.CONTACT}
        answer.limited_by.append(f"{rights_words.word('open_claims', lang)} ({claims})")
    answer.suppression_entries = suppress_contact_points(uow, person_id)
    readings = erase_readings(uow, [person_id])
    if readings:
        answer.erased.append(
            {
                "attribute": "reading_block.readings",
                "what": label(Category.CONSUMPTION, lang),
                "rows": readings,
                "how": "deleted",
            }
        )
    cat = uow.catalogue
    specs = {s.name: s for s in personal_tables(cat)}
    for t in tables_children_first(uow):
        spec = specs[t.name]
        attrs = cat.for_table(t.name)
        cond = only_theirs(spec, person_id)
        count = int(uow.execute(select(func.count()).select_from(t).where(cond)).scalar_one())
        if not count or not attrs:
            continue
        erase = [
            a
            for a in attrs
            if a.retention.on_erasure is OnErasure.ERASE and a.category not in held_categories
        ]
        keep = [a for a in attrs if a not in erase]
        required: set[str] = set()
        if erase and not keep:
            how = erase_rows(uow, t, cond, erase)
        elif erase:
            values, required = clear_values(uow, t, erase)
            if FILE_COLUMNS.get(t.name) in values:  # the file goes with its reference
                uow.files_outside.extend(destroy_files(uow, t, cond))
            if values:
                uow.execute(update(t).where(cond).values(values))
            how = "cleared"
        for a in erase:
            if set(a.columns) & required:
                answer.kept.append(_kept(a, rights_words.word("needed_by_record", lang), None))
            else:
                answer.erased.append(
                    {"attribute": a.key, "what": a.label(lang), "rows": count, "how": how}
                )
        for a in keep:
            if a.category in held_categories and a.retention.on_erasure is OnErasure.ERASE:
                answer.kept.append(_kept(a, rights_words.word("open_claims", lang), None))
                continue
            until = periods.kept_until(uow, a.retention, person_id)
            answer.kept.append(_kept(a, a.retention.describe(lang), until))
    # The erasure's own notice tells the recipients that what is kept is restricted.
    restrict(uow, person_id, coded(Reason.ERASURE, reason)[:200], provenance, notify=False)


def _has_records(uow: UnitOfWork, person_id: int) -> bool:
    """Whether a law keeps anything of the person: a contract or an invoice."""
    for t in (contract, invoice):
        if uow.execute(select(t.c.id).where(t.c.person_id == person_id).limit(1)).first():
            return True
    return False


def _erase_whole(uow: UnitOfWork, person_id: int, answer: ErasureAnswer, lang: Lang) -> None:
    """No contract and no invoice (a prospect): nothing has a legal reason to stay."""
    answer.suppression_entries = suppress_contact_points(uow, person_id)
    for spec in personal_tables(uow.catalogue):
        t = metadata.tables[spec.name]
        n = int(
            uow.execute(
                select(func.count()).select_from(t).where(only_theirs(spec, person_id))
            ).scalar_one()
        )
        if n and spec.name not in OUTLIVE_THE_PERSON:
            answer.erased += [
                {"attribute": a.key, "what": a.label(lang), "rows": n, "how": "deleted"}
                for a in uow.catalogue.for_table(spec.name)
            ]
    purge(uow, select(person.c.id).where(person.c.id == person_id), dry_run=False)


# What a purge leaves of a person (so never claimed erased): the audit trail, which keeps its
# own period, and the records that the person's rights were answered, unlinked from them.
OUTLIVE_THE_PERSON = frozenset(
    {"audit_entry", "audit_subject", "rights_request", "rights_request_event"}
    | {"recipient_notification"}
)


def _kept(a: Attribute, why: str, until: dt.date | None) -> dict[str, Any]:
    """What the walk meant to keep and why: only the why of those kept with no end date is used
    (`erase_person` reads back what remains, with its words and rows, from the database)."""
    return {"attribute": a.key, "why": why, "until": until}
