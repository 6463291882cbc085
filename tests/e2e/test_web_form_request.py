"""A request from the public web form belongs to nobody until the DPO verifies the requester's
identity; verifying names the person, and from then the request is theirs and can be fulfilled."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from rekisteri.catalogue import Purpose
from rekisteri.domain.errors import RuleViolation
from rekisteri.domain.register import Provenance
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.access.accounts import add_user, issue_token
from rekisteri.services.rights import requests
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.people import make_customer

DPO = Actor("tiina.dpo")


def _dpo(reg: RegisterApp) -> dict[str, str]:
    with reg.unit_of_work(Actor.system()) as uow:
        add_user(uow, "tiina.dpo", "dpo")
        token = issue_token(uow, "tiina.dpo", "test", list(Purpose))
    return {"Authorization": f"Bearer {token}"}


def _send_form(web: TestClient, kind: str, clock: FakeClock) -> str:
    form = web.get("/request")
    started = re.search(r'name="started" value="([^"]+)"', form.text)
    assert started
    # Sent as a person would: the register's (fake) clock has moved on since the form came.
    clock.advance(seconds=30)
    sent = web.post(
        "/request",
        data={
            "kind": kind,
            "name": "Maija Meikäläinen",
            "contact": "maija@example.fi",
            "started": started[1],
        },
    )
    assert sent.status_code == 200, sent.text
    found = re.search(r"R\d{4}-\d{5}", sent.text)
    assert found is not None, sent.text
    return found.group(0)


def test_a_web_form_request_is_tied_to_the_verified_person_and_fulfilled(
    register: RegisterApp, clock: FakeClock
) -> None:
    c = make_customer(register)
    api = TestClient(create_app(register))
    dpo = _dpo(register)
    ref = _send_form(api, "access", clock)
    shown = api.get(f"/api/v1/requests/{ref}", headers=dpo).json()
    assert shown["person_id"] is None and shown["state"] == "received"
    desk = api.get("/api/v1/requests", headers=dpo)  # the DPO's list, with nobody's request on it
    assert desk.status_code == 200 and [r["reference"] for r in desk.json()] == [ref]

    verify = f"/api/v1/requests/{ref}/verify"
    nobody = api.post(verify, json={"how": "callback_to_known_number"}, headers=dpo)
    assert nobody.status_code == 422 and "person" in nobody.text
    unknown = api.post(
        verify, json={"how": "callback_to_known_number", "person": "999999999"}, headers=dpo
    )
    assert unknown.status_code == 404
    assert api.get(f"/api/v1/requests/{ref}", headers=dpo).json()["state"] == "received"

    done = api.post(
        verify,
        json={"how": "callback_to_known_number", "person": c.customer_number},
        headers=dpo,
    )
    assert done.status_code == 200, done.text
    assert done.json()["person_id"] == c.person_id
    assert done.json()["state"] == "verified"
    assert "needs_identity_verification" not in str(done.json().get("details"))

    fulfilled = api.post(f"/api/v1/requests/{ref}/fulfil", json={}, headers=dpo)
    assert fulfilled.status_code == 200, fulfilled.text
    assert fulfilled.json()["package"]["customer_number"] == c.customer_number


def test_a_web_form_request_duplicating_an_open_one_is_refused_on_verification(
    register: RegisterApp, clock: FakeClock
) -> None:
    c = make_customer(register)
    api = TestClient(create_app(register))
    dpo = _dpo(register)
    first, second = _send_form(api, "erasure", clock), _send_form(api, "erasure", clock)
    how = {"how": "callback_to_known_number", "person": c.customer_number}
    assert api.post(f"/api/v1/requests/{first}/verify", json=how, headers=dpo).status_code == 200
    dup = api.post(f"/api/v1/requests/{second}/verify", json=how, headers=dpo)
    assert dup.status_code == 422 and first in dup.text
    assert api.get(f"/api/v1/requests/{second}", headers=dpo).json()["person_id"] is None


def test_a_request_of_one_person_is_not_verified_as_another_persons(
    register: RegisterApp,
) -> None:
    a = make_customer(register)
    b = make_customer(
        register,
        hetu="010101-123N",
        email="toinen@example.fi",
        phone="+358401111111",
        site_numbers=(3, 4),
    )
    with register.unit_of_work(DPO) as uow:
        made = requests.new_request(
            uow,
            a.person_id,
            "access",
            "signed_letter",
            Provenance.of("customer_contact", uow.now(), "letter"),
        )
    with register.unit_of_work(DPO) as uow, pytest.raises(RuleViolation, match="another"):
        requests.verify(uow, made.reference, "signature_matched", person_id=b.person_id)
    with register.unit_of_work(DPO) as uow:
        requests.verify(uow, made.reference, "signature_matched", person_id=a.person_id)
        assert requests.show(uow, made.reference)["person_id"] == a.person_id
