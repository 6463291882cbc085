"""Need to know over HTTP: every route is declared, no role sees what it may not, and refusals
are audited (P7)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from rekisteri.adapters.schema.audit import audit_entry, audit_subject
from rekisteri.adapters.schema.register import metadata
from rekisteri.catalogue import Purpose, Role, Visibility, catalogue
from rekisteri.catalogue.readers import CATEGORY_WRITERS, ROLE_PURPOSES
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.api.deps import (
    Guard,
    Public,
    all_routes,
    declaration,
    undeclared_routes,
)
from rekisteri.services.register.presenting import attribute_value
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.registered import HETUS, add_person
from tests.support.staff import tokens_per_role


def test_every_route_declares_a_guard_or_is_public(register: RegisterApp) -> None:
    app = create_app(register)
    assert undeclared_routes(app) == []
    kinds = {type(declaration(r)) for r in all_routes(app) if declaration(r) is not None}
    assert kinds == {Guard, Public}


def test_an_undeclared_route_fails_the_walk(register: RegisterApp) -> None:
    app = create_app(register)
    extra = APIRouter()

    @extra.get("/api/v1/leaky/{key}")
    def leaky(key: str) -> dict[str, str]:
        return {"key": key}

    app.include_router(extra)
    assert undeclared_routes(app) == ["GET /api/v1/leaky/{key}"]


def _personal_values(reg: RegisterApp, person_id: int) -> list[tuple[Any, str]]:
    """Every stored personal value of the person, in full, with its attribute."""
    found = []
    with reg.reading(Actor.system()) as uow:
        for spec in catalogue.tables.values():
            if not spec.personal or spec.subject not in (("person_id",), ("id",)):
                continue
            table = metadata.tables[spec.name]
            column = table.c[spec.subject[0]]
            for row in uow.execute(select(table).where(column == person_id)).mappings():
                for attr in catalogue.for_table(spec.name):
                    value = attribute_value(uow, attr, row, Visibility.FULL)
                    parts = value.values() if isinstance(value, dict) else [value]
                    found += [(attr, str(v)) for v in parts if isinstance(v, str) and len(v) >= 6]
    return found


@pytest.fixture
def world(register: RegisterApp):
    people = [add_person(register, n) for n in range(2)]
    tokens = tokens_per_role(register)
    client = TestClient(create_app(register), base_url="https://testserver")
    return register, client, tokens, people


def _leaves(data: Any) -> list[str]:
    """Every string value in a JSON document (keys are the register's words, not data)."""
    if isinstance(data, dict):
        return [leaf for v in data.values() for leaf in _leaves(v)]
    if isinstance(data, list):
        return [leaf for v in data for leaf in _leaves(v)]
    return [data] if isinstance(data, str) else []


def _fill(path: str, reg: RegisterApp, person_id: int) -> str:
    with reg.engine.connect() as conn:
        from rekisteri.adapters.schema.register import person

        number = conn.execute(
            select(person.c.customer_number).where(person.c.id == person_id)
        ).scalar_one()
    return re.sub(r"\{(\w+)\}", lambda m: number if m[1] == "key" else str(person_id), path)


_STAFF_WORDS = re.compile(
    r"\bt\.[a-z-]+\b|\b(?:" + "|".join(r.value for r in Role if "_" in r.value) + r")\b"
)


_CODE_VALUES = re.compile(
    'value="(?:' + "|".join(sorted({*(p.value for p in Purpose), *(r.value for r in Role)})) + ')"'
)


def _guarded(app: FastAPI) -> list[tuple[Any, Guard]]:
    return [(r, d) for r in all_routes(app) if isinstance(d := declaration(r), Guard)]


def _may(role: Role, g: Guard) -> bool:
    if g.purpose not in ROLE_PURPOSES.get(role, frozenset()):
        return False
    if g.roles and role not in g.roles:  # one role's duty (the DPO's record of processing)
        return False
    if g.writes:
        return all(role in CATEGORY_WRITERS.get(c, ()) for c in g.categories)
    if not g.categories:  # returns no personal data: the purpose and the roles decide
        return True
    return any(catalogue.category_visibility(c, role) is not Visibility.NONE for c in g.categories)


# Every route as every role: some 100 routes and 6 roles (about 190 s on two loaded cores).
@pytest.mark.timeout(900)
@pytest.mark.proves("P7.need-to-know")
def test_role_route_category_matrix(world) -> None:
    reg, client, tokens, people = world
    target = people[0]
    values = _personal_values(reg, target)
    assert any(v == HETUS[0] for _, v in values)  # the check below has something to find
    routes = _guarded(client.app)
    assert routes
    for route, g in routes:
        for method in sorted(route.methods):
            for role in Role:
                path = _fill(route.path, reg, target)
                headers = {"Authorization": f"Bearer {tokens[role]}"}
                with reg.engine.connect() as conn:
                    before = conn.execute(select(audit_entry.c.seq)).all()
                response = client.request(method, path, headers=headers, json={})
                where = f"{role.value} {method} {route.path}"
                if not _may(role, g):
                    assert response.status_code == 403, where
                    with reg.engine.connect() as conn:
                        denied = conn.execute(
                            select(audit_entry).order_by(audit_entry.c.seq.desc())
                        ).first()
                    assert denied is not None and denied.outcome == "denied", where
                    assert denied.role == role.value and denied.actor == f"t.{role.value}".replace(
                        "_", "-"
                    )
                    continue
                assert response.status_code != 403, (where, response.text)
                if not response.content:
                    leaves = []
                elif response.headers.get("content-type", "").startswith("application/json"):
                    leaves = _leaves(response.json())
                else:  # a console page or a CSV list: its whole text is checked
                    leaves = [response.text]
                # The administrator's desk lists staff accounts ("t.customer-service") and roles
                # ("customer_service"): staff data, not a person's ("customer" is a value of
                # person.relationship, so it would be taken for one); its footer is the
                # controller's own address ("Helsinki" would be taken for a person's). The
                # first pages the walk checks for a role that reads no addresses.
                if route.path.startswith("/console/admin"):
                    leaves = [_STAFF_WORDS.sub("", leaf.split("<footer")[0]) for leaf in leaves]
                # A form's choices carry the register's codes ('value="customer_relationship"',
                # a purpose), which hold a person's value ("customer") without being one.
                if route.path.startswith("/console/"):
                    leaves = [_CODE_VALUES.sub("", leaf) for leaf in leaves]
                full = {v for a, v in values if catalogue.visibility(a, role) is Visibility.FULL}
                for attr, value in values:
                    if catalogue.visibility(attr, role) is Visibility.FULL or value in full:
                        continue
                    assert not any(
                        leaf == value or (len(value) >= 8 and value in leaf) for leaf in leaves
                    ), f"{where} leaks {attr.key}"
                # A read that returned the person's data names them in the trail; an answer that
                # holds none of it (no disclosures of this person, no readings) notes nothing:
                # tests/e2e/test_read_audit.py checks each read notes exactly what it returned.
                shown = any(
                    leaf == value or (len(value) >= 8 and value in leaf)
                    for leaf in leaves
                    for _, value in values
                )
                if response.status_code == 200 and method == "GET" and "{" in route.path and shown:
                    with reg.engine.connect() as conn:
                        after = conn.execute(
                            select(audit_subject.c.person_id).where(
                                audit_subject.c.seq > max((s for (s,) in before), default=0)
                            )
                        ).all()
                    assert (target,) in after, f"{where} returned data without an audit entry"


def test_identity_code_masked_for_customer_service_refused_for_marketing(world) -> None:
    reg, client, tokens, people = world
    path = f"/api/v1/persons/{people[0]}/identity-code"
    cs = client.get(path, headers={"Authorization": f"Bearer {tokens[Role.CUSTOMER_SERVICE]}"})
    assert cs.status_code == 200
    assert cs.json()["visibility"] == "masked" and HETUS[0] not in cs.text
    billing = client.get(path, headers={"Authorization": f"Bearer {tokens[Role.BILLING]}"})
    assert billing.json()["personal_identity_code"] == HETUS[0]
    mk = client.get(path, headers={"Authorization": f"Bearer {tokens[Role.MARKETING]}"})
    assert mk.status_code == 403
    with reg.engine.connect() as conn:
        last = conn.execute(select(audit_entry).order_by(audit_entry.c.seq.desc())).first()
        subjects = conn.execute(
            select(audit_subject.c.person_id).where(audit_subject.c.seq == last.seq)
        ).all()
    assert (last.outcome, last.role, last.action) == ("denied", "marketing", "read")
    assert last.via == "GET /api/v1/persons/{key}/identity-code"
    assert last.purpose == "customer_relationship" and last.categories == "identity"
    assert subjects == [(people[0],)]
    assert HETUS[0] not in str(tuple(last))


def test_dpo_asks_who_read_a_person(world) -> None:
    _, client, tokens, people = world
    cs = {"Authorization": f"Bearer {tokens[Role.CUSTOMER_SERVICE]}"}
    assert client.get(f"/api/v1/persons/{people[1]}", headers=cs).status_code == 200
    dpo = {"Authorization": f"Bearer {tokens[Role.DPO]}"}
    answer = client.get(f"/api/v1/audit/persons/{people[1]}", headers=dpo)
    assert answer.status_code == 200
    first = answer.json()["entries"][0]
    assert first["actor"] == "t.customer-service" and first["via"] == "GET /api/v1/persons/{key}"
    assert first["purpose"] == "customer_relationship"
    assert client.get(f"/api/v1/audit/persons/{people[1]}", headers=cs).status_code == 403
    verdict = client.get("/api/v1/audit/verify", headers=dpo).json()
    assert verdict["ok"] is True and verdict["checked"] > 3
