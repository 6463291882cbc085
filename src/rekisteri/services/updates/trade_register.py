"""Organisations kept current from the trade register (YTJ open data; adapters/trade_register).

Each company is matched by its business ID (person.business_id). For an organisation (a legal
person) the register takes its name, its postal address (a new postal contact point valid from
the day the trade register entered it, the old one ending the day before) and its status; for a
sole trader (a natural person with a business ID) only the status: the trade name and the
business address are not the person's own name and home.

Every value goes through the catalogue's write path with the source `trade_register` and the
file and record in the source detail (P2). A name or address the organisation gave later than
the day the trade register entered its own is kept and counted as a conflict (services/updates
/files). A company that is bankrupt, in liquidation or ceased and still has contracts in force
gets one staff task (kind `organisation_ended`) until someone has done it; the person view shows
the status and marks those contracts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select

from rekisteri.adapters import contracts_in_force, trade_register
from rekisteri.adapters.schema.register import attribute_change, contract, person
from rekisteri.adapters.schema.tasks import staff_task
from rekisteri.adapters.trade_register import CompanyUpdate
from rekisteri.catalogue import Category
from rekisteri.domain.company_status import ENDING
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import PersonKind, Provenance
from rekisteri.domain.vocabulary import Source
from rekisteri.services.register import attributes, tasks
from rekisteri.services.unit_of_work import UnitOfWork
from rekisteri.services.updates import files, postal
from rekisteri.services.updates.files import UpdateReport

WHAT = "trade register"
REASON = coded(Reason.TRADE_REGISTER)
NAME = frozenset({"organisation_name"})
STATUS = frozenset({"trade_status", "trade_status_on"})
CHUNK = 500


def read_file(path: Path) -> bytes:
    """A file's bytes, refused unread when larger than the adapter's bound."""
    try:
        size = path.stat().st_size
        if size > trade_register.MAX_FILE_BYTES:
            raise InvalidInput(
                "file", f"is larger than {trade_register.MAX_FILE_BYTES:,} bytes", where=path.name
            )
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput("file", exc.strerror or "cannot be read", where=str(path)) from None


def import_trade_register_file(uow: UnitOfWork, path: Path) -> UpdateReport:
    return import_trade_register(uow, path.name, read_file(path))


def import_trade_register(uow: UnitOfWork, name: str, data: bytes) -> UpdateReport:
    """Apply one trade-register file inside the unit of work's transaction."""
    report = UpdateReport(WHAT, name[:200])
    sha = files.sha256_of(data)
    if files.already_applied(uow, files.TRADE_REGISTER, sha):
        report.already_applied = True
        return report
    companies = trade_register.read_companies(data, report.name)
    report.records = len(companies)
    persons = _persons(uow, {c.business_id for c in companies})
    uow.note_read(
        {p.id for p in persons.values()},
        [Category.IDENTITY, Category.CONTACT],
        "trade register update: matching business IDs",
    )
    points = postal.postal_points(uow, {p.id for p in persons.values()})
    statuses: list[attributes.RowChange] = []
    for company in companies:
        row = persons.get(company.business_id)
        if row is None:
            report.unmatched += 1
            continue
        report.matched += 1
        _Company(uow, report, row, company, points.get(row.id, []), statuses).apply()
    # The statuses in one set-based write (every company of a file has one; one write each
    # was most of the import's time), each with its record's provenance.
    attributes.write_attributes_many(
        uow,
        person,
        statuses,
        REASON,
        Provenance(Source.TRADE_REGISTER, uow.now(), f"trade register {report.name}"[:200]),
        writable=STATUS,
        held={row.id: row._mapping for row in persons.values()},
    )
    report.file_id = files.record_file(uow, files.TRADE_REGISTER, sha, report)
    return report


def _persons(uow: UnitOfWork, business_ids: set[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    ordered = sorted(business_ids)
    for i in range(0, len(ordered), CHUNK):
        chunk = ordered[i : i + CHUNK]
        query = select(person).where(person.c.business_id.in_(chunk)).order_by(person.c.id)
        for r in uow.execute(query):
            # Two rows with one business ID: the register's own mistake; the oldest is the
            # organisation (the others are found by staff in the search).
            found.setdefault(r.business_id, r)
    return found


@dataclass
class _Company:
    uow: UnitOfWork
    report: UpdateReport
    row: Any
    company: CompanyUpdate
    points: list[postal.Point]
    statuses: list[attributes.RowChange]

    def apply(self) -> None:
        if self.row.restricted:  # read with the row, in this transaction
            # Art. 18: the data is only stored; the update waits until the restriction ends.
            self.report.conflicts += 1
            return
        detail = f"trade register {self.report.name}, record {self.company.record}"
        self.provenance = Provenance(Source.TRADE_REGISTER, self.uow.now(), detail[:200])
        outcomes = [self._status()]
        if self.row.kind == PersonKind.LEGAL.value:
            outcomes += [self._name(), self._address()]
        if "conflict" in outcomes:
            self.report.conflicts += 1
        if "changed" in outcomes:
            self.report.changed += 1
        elif "conflict" not in outcomes:
            self.report.unchanged += 1
        self._flag()

    def _write(self, changes: dict[str, Any], writable: frozenset[str]) -> bool:
        written = attributes.write_attributes(
            self.uow,
            person,
            self.row.id,
            self.row.id,
            changes,
            REASON,
            self.provenance,
            writable=writable,
        )
        return bool(written)

    def _status(self) -> str:
        """Whether the status changes; the change itself is written with the file's others."""
        c = self.company
        given = {"trade_status": c.status.value, "trade_status_on": c.status_on}
        stored = attributes.validated(self.uow, person, given, self.provenance, writable=STATUS)
        if all(self.row._mapping[f] == v for f, v in stored.items()):
            return "same"
        self.statuses.append(attributes.RowChange(self.row.id, self.row.id, given, self.provenance))
        return "changed"

    def _name(self) -> str:
        c = self.company
        if c.name is None or c.name == self.row.organisation_name:
            return "same"
        source, received = _name_given(self.uow, self.row)
        if files.given_later(source, received, c.name_registered_on):
            return "conflict"
        return "changed" if self._write({"organisation_name": c.name}, NAME) else "same"

    def _address(self) -> str:
        given = self.company.address
        if given is None:
            return "same"
        new = postal.Address(given.street, given.postal_code, given.post_office, given.country)
        today = self.uow.today()
        current = [p for p in self.points if p.valid_on(today) or p.valid_from > today]
        if any(p.address.key() == new.key() for p in current):
            return "same"
        if any(files.given_later(p.source, p.received_at, given.registered_on) for p in current):
            return "conflict"
        # From the day the trade register entered it, but never before a point it replaces
        # began (a day a letter went to the old address stays so in the history).
        since = max([given.registered_on or today, *(p.valid_from for p in current)])
        if any(p.valid_from == since for p in current):
            since += dt.timedelta(days=1)
        postal.move(self.uow, self.row.id, new, since, current, self.provenance, REASON)
        return "changed"

    def _flag(self) -> None:
        """One open task per organisation that is ending and has contracts in force."""
        status = self.company.status
        if status not in ENDING:
            return
        in_force = self.uow.execute(
            select(func.count())
            .select_from(contract)
            .where(
                contract.c.person_id == self.row.id, contracts_in_force.in_force(self.uow.today())
            )
        ).scalar_one()
        if not in_force:
            return
        already = self.uow.execute(
            select(staff_task.c.id).where(
                and_(
                    staff_task.c.kind == tasks.ORGANISATION_ENDED,
                    staff_task.c.subject_table == "person",
                    staff_task.c.subject_id == self.row.id,
                    staff_task.c.done_at.is_(None),
                )
            )
        ).first()
        if already is not None:
            return
        since = f" since {self.company.status_on}" if self.company.status_on else ""
        tasks.open_task(
            self.uow,
            tasks.ORGANISATION_ENDED,
            "person",
            self.row.id,
            f"trade register: {status.value}{since}; {in_force} contracts in force to settle "
            f"(who ends them, who pays)",
        )


def _name_given(uow: UnitOfWork, row: Any) -> tuple[Any, dt.datetime | None]:
    """Who last said the organisation's name, and when: its latest change, else the row's."""
    latest = uow.execute(
        select(attribute_change.c.source, attribute_change.c.received_at)
        .where(
            attribute_change.c.table_name == "person",
            attribute_change.c.row_id == row.id,
            attribute_change.c.attribute == "person.organisation_name",
        )
        .order_by(attribute_change.c.at.desc(), attribute_change.c.id.desc())
        .limit(1)
    ).first()
    if latest is not None:
        return latest.source, latest.received_at
    return row.source, row.received_at
