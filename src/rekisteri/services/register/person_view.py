"""One person as the register knows them, as a given reader may see them."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from sqlalchemy import not_, select

from rekisteri.adapters import contracts_in_force
from rekisteri.adapters.schema.register import contract, person
from rekisteri.catalogue import Catalogue, Category, Role, TableSpec, Visibility
from rekisteri.catalogue.protection import PROTECTED_WORDS
from rekisteri.domain import company_status, telephone_sales
from rekisteri.domain.errors import NotFound
from rekisteri.services.register import contact_persons
from rekisteri.services.register.history import changes_of, latest_sources
from rekisteri.services.register.presenting import attribute_value, present
from rekisteri.services.register.subjects import belongs_to, personal_tables, table_of
from rekisteri.services.unit_of_work import UnitOfWork

LOOKUP_INFO = b"rekisteri identity code lookups"


def resolve_person(uow: UnitOfWork, key: str | int) -> int:
    """A person by customer number, id, or identity code (through the blind index)."""
    text = str(key).strip()
    candidates = [person.c.customer_number == text]
    if text.isascii() and text.isdigit() and len(text) <= 9:  # "¹".isdigit() is True
        candidates.append(person.c.id == int(text))
    elif len(text) == 11:
        candidates.append(
            person.c.hetu_bidx
            == uow.cipher.blind_index("person.personal_identity_code", text.upper())
        )
    for condition in candidates:  # in this order: a customer number wins over an id
        found = uow.execute(select(person.c.id).where(condition)).scalar()
        if found is not None:
            return int(found)
    # The error is shown and may be logged: an identity code is never echoed back in it.
    hetu_like = len(text) == 11 and not text.isdigit()
    if hetu_like:
        uow.note_miss([Category.IDENTITY], f"lookup by identity code {lookup_digest(uow, text)}")
    raise NotFound("person", "with the given identity code" if hetu_like else key)


def lookup_digest(uow: UnitOfWork, code: str) -> str:
    """A keyed digest of an identity code looked up, for the audit trail: whoever holds the
    keys can tell which code was looked for (and match a later registration); the trail
    alone cannot. A key of its own, so it equals no blind index in the register's tables."""
    key = uow.cipher.derived_key(LOOKUP_INFO)
    return hmac.new(key, code.strip().upper().encode(), hashlib.sha256).hexdigest()[:32]


def identity_code(uow: UnitOfWork, person_id: int, visibility: Visibility) -> Any:
    """The person's identity code as `visibility` allows (in full or masked); the read is noted
    for the audit trail."""
    attr = uow.catalogue["person.personal_identity_code"]
    row = uow.execute(select(person).where(person.c.id == person_id)).one()
    uow.note_read([person_id], [Category.IDENTITY], "identity code")
    return attribute_value(uow, attr, row._mapping, visibility)


def display_name(row: Any) -> str:
    if row.kind == "legal":
        return str(row.organisation_name)
    return f"{row.first_names} {row.last_name}"


# An address change in the history of a protected person, for a role that may not read it.
PROTECTED_TEXT = " / ".join(PROTECTED_WORDS.in_(lang) for lang in ("fi", "sv", "en"))

# Keys of a view entry that are not attributes (the row's id and where its values came from).
_STRUCTURAL = {"id", "_source", "_sources_of_changes"}


def sections(cat: Catalogue) -> list[tuple[str, TableSpec]]:
    """The view's sections of rows in the catalogue's order, with their tables (nested tables,
    a site's metering points, are within their parent's entries, not sections)."""
    return [
        (spec.view.section, spec)
        for spec in personal_tables(cat)
        if spec.view is not None and spec.view.within is None
    ]


def withheld_categories(cat: Catalogue, role: Role | None) -> set[Category]:
    """The categories of the customer view that `role` may not read (none for the person
    themself): from the catalogue alone, never from the person's data."""
    if role is None:
        return set()
    tables = ["person", *(spec.name for spec in personal_tables(cat) if spec.view is not None)]
    out = {
        attr.category
        for table in tables
        for attr in cat.for_table(table)
        if cat.visibility(attr, role) is Visibility.NONE
    }
    if cat.category_visibility(Category.HISTORY, role) is Visibility.NONE:
        out.add(Category.HISTORY)
    return out


def customer_view(uow: UnitOfWork, person_id: int, role: Role | None) -> dict[str, Any]:
    """Everything on the person that `role` may read; role None is the person themself.

    The tables and how their rows reach the person come from the catalogue (each TableSpec's
    `view` and `subject` path), so a table declared there appears here without this code
    changing. The read is noted for the audit trail with the categories the answer holds."""
    hidden: set[Category] = set()
    row = uow.execute(select(person).where(person.c.id == person_id)).first()
    if row is None:
        raise NotFound("person", person_id)
    later = latest_sources(uow, person_id)
    cat = uow.catalogue

    def rows(spec: TableSpec) -> list[Any]:
        assert spec.view is not None
        t = table_of(spec.name)
        query = select(t).where(belongs_to(spec, person_id))
        return list(uow.execute(query.order_by(t.c[spec.view.order], t.c.id)))

    protected = bool(row.non_disclosure)

    def entry(spec: TableSpec, r: Any) -> dict[str, Any]:
        assert spec.view is not None
        shown = present(uow, spec.name, r, role, hidden, later, protected=protected)
        return shown | {c: r._mapping[c] for c in spec.view.links}

    view: dict[str, Any] = {
        "person": present(uow, "person", row, role, hidden, later, protected=protected)
    }
    nested = [s for s in personal_tables(cat) if s.view is not None and s.view.within]
    for name, spec in sections(cat):
        view[name] = [entry(spec, r) for r in rows(spec)]
        for child in nested:
            assert child.view is not None and child.subject is not None
            if child.view.within != spec.name:
                continue
            by_parent: dict[Any, list[dict[str, Any]]] = {}
            for r in rows(child):  # the subject path's first column names the parent row
                by_parent.setdefault(r._mapping[child.subject[0]], []).append(entry(child, r))
            for parent in view[name]:
                # Rows within a parent are shown only with a parent the reader sees.
                if role is None or set(parent) - _STRUCTURAL:
                    parent[child.view.section] = by_parent.get(parent["id"], [])
    _telephone_sales(uow, person_id, view)
    _organisation_ending(uow, row, view)
    _organisations(uow, view)
    if row.kind == "legal" and _sees_contact_persons(cat, role):
        view["contact_persons"] = contact_persons.of_organisation(uow, person_id)
    if role is None or cat.category_visibility(Category.HISTORY, role) is not Visibility.NONE:
        view["history"] = protection_of_history(
            cat, changes_of(uow, person_id, reveal=role is None), role, protected
        )
    else:
        hidden.add(Category.HISTORY)
    # Drop sections the reader sees nothing of, and say which categories were withheld.
    links = {c for _, spec in sections(cat) if spec.view for c in spec.view.links}
    view = {
        k: v
        for k, v in view.items()
        if not (isinstance(v, list) and v and all(set(x) <= _STRUCTURAL | links for x in v))
    }
    # Every category the role may not read, whether or not this person has data in it: a list
    # built from what was hidden would tell the reader which hidden categories hold data.
    view["withheld_categories"] = sorted(c.value for c in withheld_categories(cat, role))
    uow.note_read([person_id], _returned_categories(cat, view), "customer view")
    view["name"] = (
        display_name(row)
        if role is None or "last_name" in view["person"] or "organisation_name" in view["person"]
        else None
    )
    return view


def protection_of_history(
    cat: Catalogue, changes: list[dict[str, Any]], role: Role | None, protected: bool
) -> list[dict[str, Any]]:
    """The history as `role` may read it of a person with a turvakielto: an address change's
    old and new values are the protection's mark for a role that does not need the address
    (the history would otherwise show what the view withholds)."""
    if not protected or role is None:
        return changes
    out = []
    for change in changes:
        key = str(change["attribute"])
        if key in cat and cat.visibility_for(cat[key], role, protected=True) is Visibility.NONE:
            change = change | {"old_value": PROTECTED_TEXT, "new_value": PROTECTED_TEXT}
        out.append(change)
    return out


def _telephone_sales(uow: UnitOfWork, person_id: int, view: dict[str, Any]) -> None:
    """A contract sold in a call the company made and not yet accepted in writing says why it is
    not in force (domain.telephone_sales), on the entries the reader sees."""
    waiting = set(
        uow.execute(
            select(contract.c.id).where(
                contract.c.person_id == person_id, not_(contracts_in_force.accepted_or_not_needed())
            )
        ).scalars()
    )
    for entry in view.get("contracts", []):
        if entry.get("id") in waiting and set(entry) - _STRUCTURAL:
            sale = entry.get("telephone_sale") or {}
            entry["not_in_force"] = (
                telephone_sales.OFFER_NOT_SENT
                if isinstance(sale, dict) and sale.get("offer_sent_at") is None
                else telephone_sales.AWAITING_ACCEPTANCE
            )


def _organisation_ending(uow: UnitOfWork, row: Any, view: dict[str, Any]) -> None:
    """A company the trade register says is bankrupt, in liquidation or ceased: its contracts in
    force say so, on the entries the reader sees (staff settle who ends them and who pays; a
    staff task of kind organisation_ended, services/updates/trade_register)."""
    if row.trade_status not in {s.value for s in company_status.ENDING}:
        return
    in_force = set(
        uow.execute(
            select(contract.c.id).where(
                contract.c.person_id == row.id, contracts_in_force.in_force(uow.today())
            )
        ).scalars()
    )
    for entry in view.get("contracts", []):
        if entry.get("id") in in_force and set(entry) - _STRUCTURAL:
            entry["organisation_ended"] = row.trade_status


def _organisations(uow: UnitOfWork, view: dict[str, Any]) -> None:
    """Name the organisation each of a contact person's links is to (an organisation's name and
    number are not a natural person's data)."""
    entries = view.get("organisations", [])
    ids = {e["organisation_id"] for e in entries}
    if not ids:
        return
    names = {
        r.id: (r.customer_number, r.organisation_name)
        for r in uow.execute(
            select(person.c.id, person.c.customer_number, person.c.organisation_name).where(
                person.c.id.in_(ids)
            )
        )
    }
    for e in entries:
        if not set(e) - _STRUCTURAL - {"organisation_id"}:
            continue  # a link the reader sees nothing of stays empty (and is dropped)
        number, name = names[e["organisation_id"]]
        e["organisation"] = f"{name} ({number})"


def _sees_contact_persons(cat: Catalogue, role: Role | None) -> bool:
    """Staff who may read contact persons' names and roles see them on the organisation's view
    (the organisation itself is no data subject with an access right to them)."""
    if role is None:
        return False
    attrs = (cat["contact_person.role"], cat["person.last_name"])
    return all(cat.visibility(a, role) is not Visibility.NONE for a in attrs)


def _returned_categories(cat: Catalogue, view: dict[str, Any]) -> set[Category]:
    """The categories whose attributes the answer holds: what the read really disclosed."""
    tables = {"person": "person"} | {
        spec.view.section: spec.name for spec in personal_tables(cat) if spec.view is not None
    }
    found: set[Category] = set()

    def walk(table: str, entries: list[dict[str, Any]]) -> None:
        names = {a.name: a.category for a in cat.for_table(table)}
        for entry in entries:
            for key, value in entry.items():
                if key in names:
                    found.add(names[key])
                elif key in tables and isinstance(value, list):
                    walk(tables[key], value)

    walk("person", [view["person"]])
    for key, value in view.items():
        if key in tables and key != "person" and isinstance(value, list):
            walk(tables[key], value)
    if view.get("history"):
        found.add(Category.HISTORY)
    return found
