"""Finding a person: by name, customer number, identity code (blind index), address, phone,
e-mail or metering point. One query per kind of term, paginated; no identity code is ever
compared in plain text."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select

from rekisteri.adapters.schema.register import contact_point, contract, metering_point, person
from rekisteri.catalogue import Category
from rekisteri.domain import identifiers, values
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.register.person_view import lookup_digest
from rekisteri.services.unit_of_work import UnitOfWork

PAGE_SIZE = 20


@dataclass(frozen=True)
class SearchPage:
    query: str
    matched_by: str
    total: int
    page: int
    rows: list[dict[str, Any]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _kind_of(term: str, blind_index: Callable[[str], str]) -> tuple[str, Any]:
    """Which kind of term this is, and the condition that finds it."""
    compact = term.replace(" ", "")
    if re.fullmatch(r"\d{18}", compact):
        gsrn = identifiers.gsrn(compact, field="q")
        sites = select(metering_point.c.site_id).where(metering_point.c.gsrn == gsrn)
        holders = select(contract.c.person_id).where(contract.c.site_id.in_(sites))
        return "metering point", person.c.id.in_(holders)
    if re.fullmatch(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]", term.upper()):
        code = identifiers.personal_identity_code(term, allow_temporary=True, field="q")
        return "identity code", person.c.hetu_bidx == blind_index(code)
    if re.fullmatch(r"\d{4,9}", compact):
        return "customer number", person.c.customer_number == compact
    if "@" in term:
        email = values.email(term, "q")
        return "e-mail", person.c.id.in_(
            select(contact_point.c.person_id).where(
                func.lower(contact_point.c.email) == email.lower()
            )
        )
    if re.fullmatch(r"[+0][\d\s-]{6,}", term):
        phone = values.phone(term, "q")
        return "phone", person.c.id.in_(
            select(contact_point.c.person_id).where(contact_point.c.phone == phone)
        )
    if re.search(r"\d", term):  # a street address: "Kotikatu 5", "Kotikatu 5 A 2"
        pattern = f"{_escape(term.lower())}%"
        # A person with a turvakielto is never found by their address: the general search is
        # no role that needs it (catalogue/protection.py), and a hit would tell where they live.
        return "address", and_(
            person.c.non_disclosure == false(),
            person.c.id.in_(
                select(contact_point.c.person_id).where(
                    func.lower(contact_point.c.street).like(pattern, escape="\\")
                )
            ),
        )
    words = term.lower().split()
    conditions = [
        or_(
            func.lower(person.c.last_name).like(f"{_escape(w)}%", escape="\\"),
            func.lower(person.c.first_names).like(f"{_escape(w)}%", escape="\\"),
            func.lower(person.c.organisation_name).like(f"%{_escape(w)}%", escape="\\"),
        )
        for w in words
    ]
    return "name", and_(*conditions)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(uow: UnitOfWork, query: str, page: int = 1) -> SearchPage:
    term = " ".join(query.split())
    if len(term) < 2:
        raise InvalidInput("q", "give at least two characters")
    if any(ord(ch) < 32 for ch in term):
        raise InvalidInput("q", "contains control characters")
    if len(term) > 100:
        raise InvalidInput("q", "is longer than 100 characters")
    if page < 1 or page > 10_000:
        raise InvalidInput("page", "must be between 1 and 10000")
    matched_by, condition = _kind_of(
        term, lambda code: uow.cipher.blind_index("person.personal_identity_code", code)
    )
    base: Select[Any] = select(person.c.id).where(condition)
    total = uow.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    rows = (
        uow.execute(
            select(
                person.c.id,
                person.c.customer_number,
                person.c.kind,
                person.c.relationship,
                person.c.first_names,
                person.c.last_name,
                person.c.organisation_name,
            )
            .where(condition)
            .order_by(person.c.last_name, person.c.first_names, person.c.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
        .mappings()
        .all()
    )
    found = [dict(r) for r in rows]
    what = f"search by {matched_by}"
    if matched_by == "identity code" and not found:
        # Nobody found: the trail names which code was looked for, as a keyed digest.
        what += f", nobody found: {lookup_digest(uow, term)}"
    uow.note_read([r["id"] for r in found], {Category.IDENTITY}, what)
    return SearchPage(term, matched_by, int(total), page, found)
