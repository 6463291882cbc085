"""The population register's changes applied to the register: one file, one transaction.

Each record names a person by identity code, found through the blind index (matching); a code
the register does not hold is counted unmatched and nothing else is done with it (the register
keeps no one it has no relationship with). A matched record is applied through the catalogue's
one write path with source `population_register` and the file and record in `source_detail`
(P2), its old values kept in the history (P12), and is counted changed, unchanged (the register
already holds what it says) or a conflict:

- Conflict (services/population/conflicts): a value the person gave that the register recorded
  on a later day than the change's date is kept, and the record is reported as a conflict,
  never applied silently.

A file is atomic: a bad record refuses the whole file (nothing stored) naming the file, record
and field. The same file twice changes nothing (its content hash is kept) and says so; a record
repeated in another file finds its values already held and counts as unchanged.

Records of one person are applied in the order of their dates (then their place in the file):
each round applies at most one record per person and kind, so a later record sees the earlier.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from rekisteri.adapters import db, person_reach
from rekisteri.adapters import population_changes as pc
from rekisteri.adapters.schema.population import population_change_file
from rekisteri.adapters.schema.register import attribute_change, person
from rekisteri.adapters.value_sets import batches, one_of
from rekisteri.catalogue import Category
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import MotherTongue, Provenance
from rekisteri.domain.vocabulary import Source
from rekisteri.services.population import addresses
from rekisteri.services.population.conflicts import NOT_GIVEN_AT_REGISTRATION, given_later
from rekisteri.services.population.matching import persons_by_identity_code
from rekisteri.services.register import attributes, tasks
from rekisteri.services.unit_of_work import UnitOfWork

REASON = coded(Reason.POPULATION_CHANGE)
TASK_GUARDIAN = "population_guardian"
# What the register may change of a person on the population register's word.
WRITABLE = frozenset(
    {
        "first_names",
        "last_name",
        "mother_tongue",
        "deceased_on",
        "under_guardianship",
        "non_disclosure",
        "population_marketing_ban",
    }
)


# The change document's shape, for the API's description of its body.
DOCUMENT_SCHEMA = pc.json_schema()


@dataclass
class PopulationImport:
    """What applying one change file did, counted by record."""

    name: str
    sha256: str
    already_applied: bool = False
    records: int = 0
    matched: int = 0
    changed: int = 0
    unchanged: int = 0
    unmatched: int = 0
    conflicts: list[tuple[int, str]] = field(default_factory=list)  # (record, what was kept)
    tasks: int = 0

    def describe(self) -> str:
        if self.already_applied:
            return f"{self.name}: already applied, nothing changed"
        lines = [
            f"{self.name}: {self.records:,} changes: {self.matched:,} matched "
            f"({self.changed:,} changed, {self.unchanged:,} unchanged, "
            f"{len(self.conflicts):,} conflicts), {self.unmatched:,} unmatched; "
            f"{self.tasks:,} staff tasks"
        ]
        lines += [f"  record {n}: conflict: {what}" for n, what in self.conflicts]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "sha256": self.sha256,
            "already_applied": self.already_applied,
            "records": self.records,
            "matched": self.matched,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "unmatched": self.unmatched,
            "conflicts": [{"record": n, "kept": what} for n, what in self.conflicts],
            "tasks": self.tasks,
        }


def change_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a directory gives its *.json files in name order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() == ".json")
        elif p.is_file():
            out.append(p)
        else:
            raise InvalidInput("FILE", f"{p} does not exist")
    return out


def apply_change_file(uow: UnitOfWork, path: Path) -> PopulationImport:
    """Apply one file inside the unit of work's transaction."""
    with path.open("rb") as f:
        data = f.read(pc.MAX_BYTES + 1)
    return apply_change_bytes(uow, path.name, data)


def apply_change_bytes(uow: UnitOfWork, name: str, data: bytes) -> PopulationImport:
    """Apply a file's content as received (the API's body)."""
    sha = hashlib.sha256(data).hexdigest()
    name = name[:300]
    done = PopulationImport(name, sha)
    known = uow.execute(
        select(population_change_file.c.id).where(population_change_file.c.sha256 == sha)
    ).first()
    if known is not None:
        done.already_applied = True
        return done
    read = pc.read(io.BytesIO(data), name)
    with db.bulk_cache(uow.connection):
        _apply(uow, read, done)
    uow.execute(
        insert(population_change_file).values(
            sha256=sha,
            name=name,
            size_bytes=len(data),
            records=done.records,
            matched=done.matched,
            changed=done.changed,
            unchanged=done.unchanged,
            unmatched=done.unmatched,
            conflicts=len(done.conflicts),
            imported_at=uow.now(),
            imported_by=uow.actor.name[:60],
        )
    )
    return done


def _apply(uow: UnitOfWork, read: pc.ChangeFile, done: PopulationImport) -> None:
    done.records = len(read.changes)
    persons = persons_by_identity_code(uow, (c.identity_code for c in read.changes))
    matched = [(c, persons[c.identity_code]) for c in read.changes if c.identity_code in persons]
    done.matched = len(matched)
    done.unmatched = done.records - done.matched
    if done.unmatched:
        # Looked up and not found: accountable too, without naming the codes (a file's worth).
        uow.note_miss(
            [Category.IDENTITY],
            f"population register changes {read.name}: {done.unmatched} identity codes "
            "not in the register",
        )
    if not matched:
        return
    uow.note_read(
        sorted({pid for _, pid in matched}),
        [Category.IDENTITY, Category.CONTACT],
        f"population register changes {read.name}: matched by identity code",
    )
    # person_reach's newest contact points refreshed once for the file's moves, not by its
    # triggers at each of the rounds' inserts and ends (adapters/person_reach).
    with person_reach.deferred(uow.connection) as moved:
        applier = _Applier(uow, read.name, done, moved)
        for round_ in _rounds(matched):
            applier.apply(round_)
    done.conflicts.sort()  # reported in the file's order, whatever order they were applied in


def _moves(kind: pc.Kind) -> bool:
    """An address record (compared by identity: `kind in ADDRESS_KINDS` hashes the member in
    Python, a cost a file of 100,000 records feels)."""
    return kind is pc.Kind.PERMANENT_ADDRESS or kind is pc.Kind.TEMPORARY_ADDRESS


def _group(kind: pc.Kind) -> str:
    """Records of one group change the same values: one per person in each round."""
    return "address" if _moves(kind) else str(kind)


def _rounds(matched: list[tuple[pc.Change, int]]) -> list[list[tuple[pc.Change, int]]]:
    # Sorted by date alone: the sort is stable, so a day's records keep the file's order.
    ordered = sorted(matched, key=lambda m: m[0].date)
    seen: dict[tuple[int, str], int] = {}
    rounds: list[list[tuple[pc.Change, int]]] = []
    for m in ordered:
        key = (m[1], _group(m[0].kind))
        n = seen.get(key, 0)
        seen[key] = n + 1
        if n == len(rounds):
            rounds.append([])
        rounds[n].append(m)
    # A round's records touch distinct persons' values: applied in the order of the persons,
    # each index and trigger walks the register front to back instead of jumping about it (a
    # register of a million persons does not fit in the database's cache).
    for round_ in rounds:
        round_.sort(key=itemgetter(1))
    return rounds


def _mother_tongue(language: str) -> str:
    """The register knows Finnish, Swedish and English by name; any other language is other."""
    try:
        return MotherTongue(language).value
    except ValueError:
        return MotherTongue.OTHER.value


def person_values(change: pc.Change) -> dict[str, Any]:
    """The person's attributes a record sets (none for an address record)."""
    v = change.values
    if change.kind is pc.Kind.NAME:
        return {"first_names": v["first_names"], "last_name": v["last_name"]}
    if change.kind is pc.Kind.MOTHER_TONGUE:
        return {"mother_tongue": _mother_tongue(v["language"])}
    if change.kind is pc.Kind.DEATH:
        return {"deceased_on": change.date}
    if change.kind is pc.Kind.GUARDIANSHIP:
        return {"under_guardianship": v["in_force"]}
    if change.kind is pc.Kind.NON_DISCLOSURE:
        return {"non_disclosure": v["in_force"]}
    if change.kind is pc.Kind.MARKETING_BAN:
        return {"population_marketing_ban": v["in_force"]}
    return {}


class _Applier:
    def __init__(self, uow: UnitOfWork, name: str, done: PopulationImport, moved: set[int]) -> None:
        self.uow = uow
        self.name = name
        self.done = done
        self.dialect = uow.connection.dialect.name
        self.now = uow.now()
        self.provenance = Provenance(Source.POPULATION_REGISTER, self.now, self.detail(0))
        self.checkers: dict[str, Callable[[Any], Any]] = {}
        self.moved = moved  # persons whose contact points were written

    def check(self, field: str) -> Callable[[Any], Any]:
        found = self.checkers.get(field)
        if found is None:
            found = attributes.checker(self.uow, person, field, writable=WRITABLE)
            self.checkers[field] = found
        return found

    def detail(self, record: int) -> str:
        return f"population register changes {self.name} record {record}"[:200]

    def record_provenance(self, change: pc.Change) -> Provenance:
        return Provenance(Source.POPULATION_REGISTER, self.now, self.detail(change.record))

    def bad(self, change: pc.Change, exc: InvalidInput) -> InvalidInput:
        return pc.bad(self.name, change.record, exc.field, exc.reason)

    def apply(self, round_: list[tuple[pc.Change, int]]) -> None:
        about_person = [m for m in round_ if not _moves(m[0].kind)]
        moves = [m for m in round_ if _moves(m[0].kind)]
        if about_person:
            self._persons(about_person)
        if moves:
            outcome = addresses.apply(self.uow, moves, self.record_provenance, self.bad)
            self.done.changed += outcome.changed
            self.done.unchanged += outcome.unchanged
            self.done.conflicts += outcome.conflicts
            self.moved |= outcome.persons

    def _persons(self, round_: list[tuple[pc.Change, int]]) -> None:
        wanted = {c.record: self._checked(c) for c, _ in round_}
        ids = sorted({pid for _, pid in round_})
        current = self._current(ids)
        latest = self._latest_sources(ids)
        rows: list[attributes.RowChange] = []
        guardians: list[tuple[str, str, int, str]] = []
        for change, pid in round_:
            new = wanted[change.record]
            held = current[pid]
            differs = {f: v for f, v in new.items() if held[f] != v}
            if not differs:
                self.done.unchanged += 1
                continue
            kept = []
            for f in differs:
                told = latest.get((pid, f))
                if told is None and f in NOT_GIVEN_AT_REGISTRATION:
                    continue  # never said by anyone: the row's own source does not speak of it
                source, at = told or (held["source"], held["received_at"])
                if given_later(source, at, change.date):
                    kept.append(f)
            if kept:
                self.done.conflicts.append(
                    (change.record, f"{', '.join(kept)} the person gave after {change.date}")
                )
                continue
            self.done.changed += 1
            rows.append(attributes.RowChange(pid, pid, differs, self.record_provenance(change)))
            if (
                change.kind is pc.Kind.GUARDIANSHIP
                and change.guardian_named
                and new["under_guardianship"]
            ):
                guardians.append(
                    (
                        TASK_GUARDIAN,
                        person.name,
                        pid,
                        "the population register names a guardian for this person: record "
                        "them as the person's representative (who they are: "
                        f"{self.detail(change.record)})",
                    )
                )
        attributes.write_attributes_many(
            self.uow,
            person,
            rows,
            REASON,
            self.provenance,
            writable=WRITABLE,
            held=current,  # read and checked here already: not again
            checked_by=self.checkers,
        )
        if guardians:
            tasks.open_tasks(self.uow, guardians)
            self.done.tasks += len(guardians)

    def _checked(self, change: pc.Change) -> dict[str, Any]:
        """The record's values as the register's rules store them, or the record refused."""
        if change.kind is pc.Kind.DEATH and change.date > self.uow.today():
            raise pc.bad(self.name, change.record, "date", "a date of death in the future")
        try:
            return {f: self.check(f)(v) for f, v in person_values(change).items()}
        except InvalidInput as exc:
            raise self.bad(change, exc) from None

    def _current(self, ids: list[int]) -> dict[int, Mapping[str, Any]]:
        """The persons' rows as they are now: the values the records may change, and where the
        row came from (each row's columns by name)."""
        cols = [person.c.id, person.c.source, person.c.received_at]
        cols += [person.c[f] for f in sorted(WRITABLE)]
        found: dict[int, Mapping[str, Any]] = {}
        for chunk in batches(self.dialect, ids):
            query = select(*cols).where(one_of(self.dialect, person.c.id, chunk))
            found.update((int(r.id), r._mapping) for r in self.uow.execute(query))
        return found

    def _latest_sources(self, ids: list[int]) -> dict[tuple[int, str], tuple[str, dt.datetime]]:
        """(person, field) -> the source and time of the latest change of the field's attribute
        (absent: the value is the one the row arrived with)."""
        ac = attribute_change.c
        keys = {f"{person.name}.{f}": f for f in WRITABLE}
        out: dict[tuple[int, str], tuple[str, dt.datetime]] = {}
        for chunk in batches(self.dialect, ids):
            query = (
                select(ac.row_id, ac.attribute, ac.source, ac.received_at)
                .where(
                    ac.table_name == person.name,
                    one_of(self.dialect, ac.row_id, chunk),
                    ac.attribute.in_(sorted(keys)),
                )
                .order_by(ac.at, ac.id)
            )
            for r in self.uow.execute(query):
                out[(int(r.row_id), keys[r.attribute])] = (r.source, r.received_at)
        return out
