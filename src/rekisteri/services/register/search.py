"""Finding a person: by name, customer number, identity code (blind index), supply or postal
address (current or past), postal code and post office, phone, e-mail or metering point.

One query per kind of term, paginated and bounded: at most MAX_RESULTS are counted and paged,
beyond that the searcher is asked to narrow the search. No identity code is ever compared in
plain text or decrypted: the code typed is turned into its keyed blind index and compared with
`person.hetu_bidx`.

Each result tells namesakes apart as far as the searcher's role may read (the catalogue's
readers, P7): birth year, relationship and the current address (the supply address of a
contract in force, else the postal address). A person with a turvakielto is never found by an
address, postal code or post office, and their address is never shown in a result, to any role
(catalogue/protection.py: the general search is no role that needs it); a role that would read
the address is shown the protection's mark in its place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select

from rekisteri.adapters.folding import folded
from rekisteri.adapters.schema.register import contact_point, contract, metering_point, person, site
from rekisteri.catalogue import Category, Role, Visibility
from rekisteri.catalogue.protection import PROTECTED_MARK
from rekisteri.domain import identifiers, values
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.register.person_view import lookup_digest
from rekisteri.services.unit_of_work import UnitOfWork

PAGE_SIZE = 20
# Results counted and paged at most; a search finding more asks to be narrowed.
MAX_RESULTS = 200
MAX_LENGTH = 100

_POSTAL = re.compile(r"(\d{5})(?:\s+(\D+))?")
# "Kotikatu 5", "Kotikatu 5 A 2", "Kotikatu 5, 00100", "Kotikatu 5, 00100 Helsinki"
_STREET = re.compile(
    r"(?P<street>\D+?\s*\d[^,]*?)(?:,?\s+(?P<postal>\d{5})(?:\s+(?P<office>\D+))?)?"
)


@dataclass(frozen=True)
class SearchPage:
    query: str
    matched_by: str
    total: int  # at most MAX_RESULTS
    page: int
    rows: list[dict[str, Any]]
    more: bool = False  # more than MAX_RESULTS were found: narrow the search

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _unprotected(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """A condition on a person's addresses: never true of a person with a turvakielto (a hit
    would tell where they live)."""
    return and_(person.c.non_disclosure == false(), *conditions)


def _lives_or_lived(
    street: str | None = None, postal_code: str | None = None, office: str | None = None
) -> ColumnElement[bool]:
    """Persons with a supply address (a site of any contract of theirs, in force or ended) or
    a postal address (current or past) that matches: the street as typed, or followed by a
    staircase and flat ("Kotikatu 5" finds "Kotikatu 5 A 2", never "Kotikatu 55")."""

    def matches(t: Any) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if street is not None:
            s = street.lower()
            found.append(
                or_(
                    folded(t.c.street) == s,
                    folded(t.c.street).like(f"{_escape(s)} %", escape="\\"),
                )
            )
        if postal_code is not None:
            found.append(t.c.postal_code == postal_code)
        if office is not None:
            found.append(folded(t.c.post_office) == office.lower())
        return found

    supplied = (
        select(contract.c.person_id)
        .join(site, site.c.id == contract.c.site_id)
        .where(*matches(site))
    )
    postal = select(contact_point.c.person_id).where(
        contact_point.c.kind == "postal", *matches(contact_point)
    )
    return _unprotected(or_(person.c.id.in_(supplied), person.c.id.in_(postal)))


def _by_name(term: str) -> ColumnElement[bool]:
    # "Virtanen, Jani" as well as "Jani Virtanen": commas only separate the names.
    words = term.replace(",", " ").lower().split()
    return and_(
        *(
            or_(
                folded(person.c.last_name).like(f"{_escape(w)}%", escape="\\"),
                folded(person.c.first_names).like(f"{_escape(w)}%", escape="\\"),
                folded(person.c.first_names).like(f"% {_escape(w)}%", escape="\\"),
                folded(person.c.organisation_name).like(f"%{_escape(w)}%", escape="\\"),
            )
            for w in words
        )
    )


def _kind_of(term: str, blind_index: Callable[[str], str]) -> tuple[str, ColumnElement[bool]]:
    """Which kind of term this is, and the condition that finds it."""
    compact = re.sub(r"[\s-]", "", term)
    if re.fullmatch(r"\d{18}", compact):
        gsrn = identifiers.gsrn(compact, field="q")
        sites = select(metering_point.c.site_id).where(metering_point.c.gsrn == gsrn)
        holders = select(contract.c.person_id).where(contract.c.site_id.in_(sites))
        # A metering point stands for a site's address: never a way to a protected person.
        return "metering point", _unprotected(person.c.id.in_(holders))
    if re.fullmatch(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]", term.upper()):
        code = identifiers.personal_identity_code(term, allow_temporary=True, field="q")
        return "identity code", person.c.hetu_bidx == blind_index(code)
    postal = _POSTAL.fullmatch(term)
    if postal and postal.group(2):
        return "postal code and post office", _lives_or_lived(
            postal_code=postal.group(1), office=postal.group(2)
        )
    if postal:
        # Customer numbers start at 100001, but one of five digits is still found as such.
        return "postal code", or_(
            person.c.customer_number == term, _lives_or_lived(postal_code=term)
        )
    digits = re.sub(r"[\s()-]", "", term)
    if re.fullmatch(r"[+\d\s()-]+", term) and re.fullmatch(r"[+0]\d{6,14}|358\d{8,10}", digits):
        # 040 123 4567, (09) 123 456, +358 40 123 4567, 00358401234567, 358401234567:
        # customer numbers never start with 0 or 358 and are shorter.
        phone = values.phone("+" + digits if digits.startswith("358") else term, "q")
        return "phone", person.c.id.in_(
            select(contact_point.c.person_id).where(contact_point.c.phone == phone)
        )
    if re.fullmatch(r"\d{4,9}", compact):
        return "customer number", person.c.customer_number == compact
    if "@" in term:
        email = values.email(term, "q")
        return "e-mail", person.c.id.in_(
            select(contact_point.c.person_id).where(
                func.lower(contact_point.c.email) == email.lower()
            )
        )
    address = _STREET.fullmatch(term)
    if address:
        return "address", _lives_or_lived(
            street=" ".join(address["street"].split()),
            postal_code=address["postal"],
            office=address["office"],
        )
    return "name", _by_name(term)


def _checked(query: str, page: int) -> str:
    term = " ".join(query.split())
    if len(term) < 2:
        raise InvalidInput("q", "give at least two characters")
    if any(ord(ch) < 32 for ch in term):
        raise InvalidInput("q", "contains control characters")
    if len(term) > MAX_LENGTH:
        raise InvalidInput("q", f"is longer than {MAX_LENGTH} characters")
    if page < 1 or page > 10_000:
        raise InvalidInput("page", "must be between 1 and 10000")
    return term


def _count(uow: UnitOfWork, condition: ColumnElement[bool]) -> int:
    """How many match, counted up to one past the bound (never the whole register)."""
    bounded = select(person.c.id).where(condition).limit(MAX_RESULTS + 1)
    return int(uow.execute(select(func.count()).select_from(bounded.subquery())).scalar_one())


def search(uow: UnitOfWork, query: str, page: int = 1) -> SearchPage:
    term = _checked(query, page)
    matched_by, condition = _kind_of(
        term, lambda code: uow.cipher.blind_index("person.personal_identity_code", code)
    )
    found = _count(uow, condition)
    if matched_by == "name" and not found and not re.search(r"\d", term):
        # Nobody by that name: a post office alone ("Parainen") finds who lives or lived there.
        by_office = _lives_or_lived(office=term)
        if in_office := _count(uow, by_office):  # else "nobody by that name" is the answer
            matched_by, condition, found = "post office", by_office, in_office
    total = min(found, MAX_RESULTS)
    base: Select[Any] = (
        select(
            person.c.id,
            person.c.customer_number,
            person.c.kind,
            person.c.relationship,
            person.c.first_names,
            person.c.last_name,
            person.c.organisation_name,
            person.c.birth_year,
            person.c.non_disclosure,
        )
        .where(condition)
        .order_by(person.c.last_name, person.c.first_names, person.c.organisation_name, person.c.id)
    )
    offset = (page - 1) * PAGE_SIZE
    rows = (
        []
        if offset >= total
        else list(uow.execute(base.limit(min(PAGE_SIZE, total - offset)).offset(offset)).mappings())
    )
    results, categories = _told_apart(uow, rows)
    what = f"search by {matched_by}"
    if matched_by == "identity code" and not results:
        # Nobody found: the trail names which code was looked for, as a keyed digest.
        what += f", nobody found: {lookup_digest(uow, term)}"
    uow.note_read([r["id"] for r in results], categories, what)
    return SearchPage(term, matched_by, total, page, results, more=found > MAX_RESULTS)


def _sees(uow: UnitOfWork, key: str, role: Role | None) -> bool:
    """Whether the searcher's role reads this attribute at all (None: the register itself)."""
    return role is None or uow.catalogue.visibility(uow.catalogue[key], role) is not Visibility.NONE


def _told_apart(uow: UnitOfWork, rows: list[Any]) -> tuple[list[dict[str, Any]], set[Category]]:
    """The results with what tells namesakes apart, as far as the role reads it, and the
    categories the results hold (for the audit trail)."""
    role = uow.actor.role
    categories = {Category.IDENTITY}
    shows_birth_year = _sees(uow, "person.birth_year", role)
    shows_relationship = _sees(uow, "person.relationship", role)
    shows_site = _sees(uow, "site.address", role)
    shows_postal = _sees(uow, "contact_point.postal_address", role)
    ids = [int(r["id"]) for r in rows]
    sites = _current_sites(uow, ids) if shows_site else {}
    postal = _current_postal(uow, ids) if shows_postal else {}
    results = []
    for r in rows:
        out: dict[str, Any] = {
            k: r[k] for k in ("id", "customer_number", "kind", "first_names", "last_name") if k in r
        } | {"organisation_name": r["organisation_name"]}
        if shows_birth_year and r["kind"] == "natural":
            out["birth_year"] = r["birth_year"]
        if shows_relationship:
            out["relationship"] = r["relationship"]
            categories.add(Category.CLASSIFICATION)
        address = sites.get(out["id"]) or postal.get(out["id"])
        if address is not None and r["non_disclosure"]:
            out["address"] = dict(PROTECTED_MARK)
        elif address is not None:
            out["address"] = address
            categories.add(Category.SITE if out["id"] in sites else Category.CONTACT)
        results.append(out)
    return results, categories


def _current_sites(uow: UnitOfWork, ids: list[int]) -> dict[int, dict[str, str]]:
    """The supply address of each person's latest contract in force."""
    today = uow.today()
    query = (
        select(contract.c.person_id, site.c.street, site.c.postal_code, site.c.post_office)
        .join(site, site.c.id == contract.c.site_id)
        .where(
            contract.c.person_id.in_(ids),
            or_(contract.c.end_date.is_(None), contract.c.end_date >= today),
            contract.c.start_date <= today,
        )
        .order_by(contract.c.start_date, contract.c.id)
    )
    return {int(r.person_id): _address(r) for r in uow.execute(query)}  # the latest wins


def _current_postal(uow: UnitOfWork, ids: list[int]) -> dict[int, dict[str, str]]:
    today = uow.today()
    query = (
        select(
            contact_point.c.person_id,
            contact_point.c.street,
            contact_point.c.postal_code,
            contact_point.c.post_office,
        )
        .where(
            contact_point.c.person_id.in_(ids),
            contact_point.c.kind == "postal",
            contact_point.c.valid_from <= today,
            or_(contact_point.c.valid_to.is_(None), contact_point.c.valid_to >= today),
        )
        .order_by(contact_point.c.valid_from, contact_point.c.id)
    )
    return {int(r.person_id): _address(r) for r in uow.execute(query)}


def _address(r: Any) -> dict[str, str]:
    return {"street": r.street, "postal_code": r.postal_code, "post_office": r.post_office}
