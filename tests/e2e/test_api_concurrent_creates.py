"""Many clients create at once over HTTP: persons over the API and requests over the public form
all answer 201 or 200 (never 500), each with a customer number or reference of its own."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from rekisteri.adapters.schema.register import person
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.catalogue import Role
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.unit_of_work import RegisterApp
from tests.e2e.test_api import PERSON, token_for
from tests.support.clock import FakeClock
from tests.support.registered import nth_hetu
from tests.support.threads import in_threads

THREADS, EACH = 4, 25


def _clients(register: RegisterApp) -> list[TestClient]:
    """One client per thread, one app: a 500 comes back as an answer to count, not a raise."""
    app = create_app(register)
    return [TestClient(app, raise_server_exceptions=False) for _ in range(THREADS)]


def test_persons_posted_at_once_all_get_numbers_of_their_own(register: RegisterApp) -> None:
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    clients = _clients(register)

    def post(t: int, i: int) -> tuple[int, Any]:
        n = t * EACH + i
        body = {**PERSON, "personal_identity_code": nth_hetu(n), "source_detail": f"order {n}"}
        answer = clients[t].post("/api/v1/persons", json=body, headers=cs)
        return answer.status_code, answer.json() if answer.status_code == 201 else answer.text

    outcomes = in_threads(THREADS, EACH, post)

    assert not outcomes.failures, outcomes.summary()
    refused = [(code, body) for code, body in outcomes.results if code != 201]
    assert not refused, f"{len(refused)} of {THREADS * EACH} refused, e.g. {refused[:2]}"
    numbers = sorted(int(body["number"]) for _, body in outcomes.results)
    assert numbers == list(range(100001, 100001 + THREADS * EACH))
    assert len({body["id"] for _, body in outcomes.results}) == THREADS * EACH
    with register.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(person)).scalar_one() == len(numbers)


def test_public_form_requests_sent_at_once_all_get_references_of_their_own(
    register: RegisterApp, clock: FakeClock
) -> None:
    # Numbers are what this test is about: the form's throttle per address (every client here
    # is the same address) is set above the test's count, and each form was filled in time.
    register.settings = register.settings.model_copy(
        update={"request_form_per_address_hour": THREADS * EACH}
    )
    clients = _clients(register)
    started = re.search(r'name="started" value="([^"]+)"', clients[0].get("/request").text)
    assert started is not None
    clock.advance(seconds=30)

    def send(t: int, i: int) -> tuple[int, str]:
        form = {
            "kind": "access",
            "name": f"Maija {t}/{i}",
            "contact": "maija@example.fi",
            "started": started[1],
        }
        answer = clients[t].post("/request", data=form)
        return answer.status_code, answer.text

    outcomes = in_threads(THREADS, EACH, send)

    assert not outcomes.failures, outcomes.summary()
    refused = [code for code, _ in outcomes.results if code != 200]
    assert not refused, f"{len(refused)} of {THREADS * EACH} refused: {sorted(set(refused))}"
    references = []
    for _, page in outcomes.results:
        found = re.search(r"R\d{4}-\d{5}", page)
        assert found is not None, page
        references.append(found.group(0))
    year = register.clock().year
    expected = [f"R{year}-{n:05d}" for n in range(1, THREADS * EACH + 1)]
    assert sorted(references) == expected
    with register.engine.connect() as conn:
        assert sorted(conn.execute(select(rights_request.c.reference)).scalars()) == expected
