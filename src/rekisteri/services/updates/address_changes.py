"""Address changes from a mover-update service (adapters/address_changes): the new address a
person announced, applied from the day of the move.

A notice carries no identity code, so it is matched on the person's name and previous address:
a natural person whose last name and first names equal the notice's (case and spaces do not
count) and who had a postal address on the day before the move equal to the previous address
(street by case and spaces, the postal code). Exactly one such person is a match; none, or
several (namesakes at one address), and the notice is held for staff (address_notice, a staff
task of kind `address_notice`), never applied by a guess.

For a match, the new address becomes a postal contact point valid from the moving day and the
previous one ends the day before (services/updates/postal), through the write path with the
source `other_company` and the file and record in the source detail (P2). A move announced
ahead is stored as future and becomes the person's address on its day; so does the ASML ban
match of the new address, which reads the address valid on the day asked. A notice whose new
address the person already has from that day is unchanged (a file sent twice, or the person
told it first). A postal address the person gave later than the moving day stands: the notice
is held as a conflict, linked to the person, for staff to settle (services/updates/files).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from rekisteri.adapters import address_changes
from rekisteri.adapters.address_changes import AddressChange
from rekisteri.adapters.schema.register import contact_point, person
from rekisteri.adapters.schema.updates import address_notice
from rekisteri.catalogue import Category
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import PersonKind, Provenance
from rekisteri.domain.vocabulary import Source
from rekisteri.services.register import tasks
from rekisteri.services.register.processing import is_restricted
from rekisteri.services.unit_of_work import UnitOfWork
from rekisteri.services.updates import files, postal
from rekisteri.services.updates.files import UpdateReport
from rekisteri.services.updates.postal import Address, fold

WHAT = "address changes"
REASON = coded(Reason.MOVER_SERVICE)
CHUNK = 500
NO_ONE = "no person of this name had the previous address"
NAMESAKES = "{n} persons of this name had the previous address (namesakes)"
NEWER = "the person gave a newer address after the moving day"
RESTRICTED = "processing of the matched person is restricted (Art. 18)"


def import_address_changes_file(uow: UnitOfWork, path: Path) -> UpdateReport:
    try:
        if path.stat().st_size > address_changes.MAX_FILE_BYTES:
            limit = address_changes.MAX_FILE_BYTES
            raise InvalidInput("file", f"is larger than {limit:,} bytes", where=path.name)
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput("file", exc.strerror or "cannot be read", where=str(path)) from None
    return import_address_changes(uow, path.name, data)


def import_address_changes(uow: UnitOfWork, name: str, data: bytes) -> UpdateReport:
    """Apply one file of notices inside the unit of work's transaction."""
    report = UpdateReport(WHAT, name[:200])
    sha = files.sha256_of(data)
    if files.already_applied(uow, files.ADDRESS_CHANGES, sha):
        report.already_applied = True
        return report
    notices = list(address_changes.read_changes(data, report.name))  # all read before any write
    report.records = len(notices)
    run = _Run(uow, report)
    candidates = run.candidates(notices)
    for notice in notices:
        run.apply(notice, candidates)
    report.file_id = files.record_file(uow, files.ADDRESS_CHANGES, sha, report)
    run.hold(report.file_id)
    return report


def _name_key(last: str | None, first: str | None) -> tuple[str, str]:
    return fold(last), fold(first)


def _previous(n: AddressChange) -> Address:
    return Address(n.previous_street, n.previous_postal_code, n.previous_post_office or "")


@dataclass
class _Run:
    uow: UnitOfWork
    report: UpdateReport
    held: list[tuple[AddressChange, int | None, str]] = field(default_factory=list)

    def candidates(self, notices: list[AddressChange]) -> dict[tuple[str, str], list[Any]]:
        """The natural persons with a postal address at a notice's previous postal code, by
        their folded name (SQL cannot fold case as Python does; the postal code narrows)."""
        codes = sorted({n.previous_postal_code for n in notices})
        rows: list[Any] = []
        for i in range(0, len(codes), CHUNK):
            rows += self.uow.execute(
                select(person.c.id, person.c.last_name, person.c.first_names)
                .join(contact_point, contact_point.c.person_id == person.c.id)
                .where(
                    person.c.kind == PersonKind.NATURAL.value,
                    contact_point.c.kind == "postal",
                    contact_point.c.postal_code.in_(codes[i : i + CHUNK]),
                )
                .distinct()
            ).all()
        self.uow.note_read(
            {r.id for r in rows},
            [Category.IDENTITY, Category.CONTACT],
            "address changes: matching name and previous address",
        )
        self.points = postal.postal_points(self.uow, {r.id for r in rows})
        by_name: dict[tuple[str, str], list[Any]] = {}
        for r in rows:
            by_name.setdefault(_name_key(r.last_name, r.first_names), []).append(r)
        return by_name

    def apply(self, n: AddressChange, candidates: dict[tuple[str, str], list[Any]]) -> None:
        day_before = n.moved_on - dt.timedelta(days=1)
        previous = _previous(n).key()
        matches = [
            (r, [p for p in self.points.get(r.id, []) if p.valid_on(day_before)])
            for r in candidates.get(_name_key(n.last_name, n.first_names), [])
        ]
        matches = [(r, [p for p in points if p.address.key() == previous]) for r, points in matches]
        matches = [(r, points) for r, points in matches if points]
        if len(matches) != 1:
            self.report.unmatched += 1
            why = NO_ONE if not matches else NAMESAKES.format(n=len(matches))
            self.held.append((n, None, why))
            return
        self.report.matched += 1
        row, replaced = matches[0]
        points = self.points.get(row.id, [])
        new = Address(n.new_street, n.new_postal_code, n.new_post_office, n.new_country)
        if any(p.address.key() == new.key() and p.valid_on(n.moved_on) for p in points):
            self.report.unchanged += 1
            return
        newer = [
            p
            for p in points
            if p not in replaced and files.given_later(p.source, p.received_at, n.moved_on)
        ]
        if newer or is_restricted(self.uow, row.id):
            self.report.conflicts += 1
            self.held.append((n, row.id, NEWER if newer else RESTRICTED))
            return
        detail = f"address changes {self.report.name}, record {n.record} ({n.notice_id})"
        provenance = Provenance(Source.OTHER_COMPANY, self.uow.now(), detail[:200])
        added = postal.move(self.uow, row.id, new, n.moved_on, replaced, provenance, REASON)
        self.report.changed += 1
        # A later notice of the same file sees the person at the new address.
        self.points = {
            **self.points,
            row.id: postal.postal_points(self.uow, {row.id}).get(row.id, []),
        }
        assert any(p.id == added for p in self.points[row.id])

    def hold(self, file_id: int) -> None:
        """The notices not applied, kept as sent, each with a staff task (the task's reason
        names the file and record, never the person)."""
        if not self.held:
            return
        now = self.uow.now()
        rows = [
            {
                "file_id": file_id,
                "record_no": n.record,
                "person_id": person_id,
                "held_at": now,
                "reason": why,
                "last_name": n.last_name,
                "first_names": n.first_names,
                "previous_street": n.previous_street,
                "previous_postal_code": n.previous_postal_code,
                "previous_post_office": n.previous_post_office,
                "new_street": n.new_street,
                "new_postal_code": n.new_postal_code,
                "new_post_office": n.new_post_office,
                "new_country": n.new_country,
                "moved_on": n.moved_on,
                "source": Source.OTHER_COMPANY.value,
                "source_detail": (
                    f"address changes {self.report.name}, record {n.record} ({n.notice_id})"
                )[:200],
                "received_at": now,
            }
            for n, person_id, why in self.held
        ]
        # One statement for them all (a file of thousands of strangers is one round trip); their
        # ids found again by the file and record.
        self.uow.execute(address_notice.insert(), rows)
        ids = dict(
            self.uow.execute(
                select(address_notice.c.record_no, address_notice.c.id).where(
                    address_notice.c.file_id == file_id
                )
            ).all()
        )
        linked = {p for _, p, _ in self.held if p is not None}
        self.uow.note_change(linked, [Category.CONTACT], "address changes held for staff")
        tasks.open_tasks(
            self.uow,
            [
                (
                    tasks.ADDRESS_NOTICE,
                    "address_notice",
                    int(ids[n.record]),
                    f"address change record {n.record} of {self.report.name}: {why}",
                )
                for n, _, why in self.held
            ],
        )
