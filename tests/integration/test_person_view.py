"""The person view walks the catalogue's declared paths, and its read names what it returned."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.catalogue import Catalogue, Category, Purpose, Role, ViewSpec
from rekisteri.domain.register import Provenance
from rekisteri.services.register.person_view import customer_view, sections
from rekisteri.services.rights import requests
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.people import make_customer

SERVICE = Actor("anna", Role.CUSTOMER_SERVICE, purpose=Purpose.CUSTOMER_RELATIONSHIP, via="test")


def _last_read_categories(reg: RegisterApp) -> set[str]:
    with reg.engine.connect() as conn:
        row = conn.execute(
            select(audit_entry.c.categories)
            .where(audit_entry.c.action == "read")
            .order_by(audit_entry.c.seq.desc())
        ).first()
    assert row is not None
    return set(row.categories.split())


def _categories_in(reg: RegisterApp, view: dict, table: str, entries: list[dict]) -> set[str]:
    names = {a.name: a.category.value for a in reg.catalogue.for_table(table)}
    return {names[k] for e in entries for k in e if k in names}


def test_a_read_notes_only_the_categories_it_returned(register: RegisterApp) -> None:
    c = make_customer(register)
    with register.reading(SERVICE) as uow:
        view = customer_view(uow, c.person_id, Role.CUSTOMER_SERVICE)
    noted = _last_read_categories(register)
    # What the answer holds, counted from the answer itself.
    held = _categories_in(register, view, "person", [view["person"]])
    for name, spec in sections(register.catalogue):
        held |= _categories_in(register, view, spec.name, view.get(name, []))
    held |= _categories_in(
        register, view, "metering_point", [m for s in view["sites"] for m in s["metering_points"]]
    )
    if view.get("history"):
        held.add(Category.HISTORY.value)
    assert noted == held
    # Never what customer service cannot see or the view does not show.
    for absent in ("access_log", "consumption", "disclosure", "rights_request"):
        assert absent not in noted
    assert {"identity", "contact", "contract", "site"} <= noted


def test_a_table_declared_in_the_view_appears_without_code(register: RegisterApp) -> None:
    """Give rights_request (a personal table the view does not show) a section in the
    catalogue: its rows reach the view through their subject path, for a role that may read
    requests, and the read is noted as a read of requests."""
    c = make_customer(register)
    with register.unit_of_work(Actor("test")) as uow:
        requests.new_request(
            uow,
            c.person_id,
            "access",
            "signed_letter",
            Provenance.of("customer_contact", uow.now()),
        )
    with register.reading(SERVICE) as uow:
        before = customer_view(uow, c.person_id, Role.CUSTOMER_SERVICE)
    assert "rights_requests" not in before
    assert "rights_request" not in _last_read_categories(register)
    cat = register.catalogue
    specs = [
        dataclasses.replace(s, view=ViewSpec("rights_requests"))
        if s.name == "rights_request"
        else s
        for s in cat.tables.values()
    ]
    register.catalogue = Catalogue(cat.attributes, specs)
    try:
        with register.reading(SERVICE) as uow:
            view = customer_view(uow, c.person_id, Role.CUSTOMER_SERVICE)
    finally:
        register.catalogue = cat
    assert [r["request"]["kind"] for r in view["rights_requests"]] == ["access"]
    assert "rights_request" in _last_read_categories(register)
