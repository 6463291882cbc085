"""Every error answer of the API is an RFC 9457 problem (application/problem+json) with a
stable `code`, whoever raises it, and the OpenAPI document declares exactly that shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rekisteri.catalogue import Role
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.unit_of_work import RegisterApp
from tests.e2e.test_api import PERSON, token_for

PROBLEM_JSON = "application/problem+json"


@pytest.fixture
def client(register: RegisterApp) -> Iterator[TestClient]:
    with TestClient(create_app(register)) as c:
        yield c


def _problem(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM_JSON), answer.headers
    body: dict[str, Any] = answer.json()
    assert body["status"] == status and body["code"] == code, body
    assert body["type"] == "about:blank" and body["title"] and body["detail"], body
    return body


def test_each_kind_of_error_is_a_problem_with_its_code(
    client: TestClient, register: RegisterApp
) -> None:
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    marketing = token_for(register, Role.MARKETING)
    _problem(client.get("/api/v1/persons/100001"), 401, "unauthenticated")
    _problem(client.get("/api/v1/persons/100001", headers=marketing), 403, "forbidden")
    _problem(client.get("/api/v1/persons/100001", headers=cs), 404, "not_found")
    _problem(client.get("/api/v1/no-such-route", headers=cs), 404, "not_found")
    bad = client.post("/api/v1/persons", json={**PERSON, "kind": "robot"}, headers=cs)
    shape = _problem(bad, 422, "invalid_request")
    assert shape["field"] == "kind" and shape["errors"][0]["loc"] == ["body", "kind"]
    rule = client.post(
        "/api/v1/persons", json={**PERSON, "personal_identity_code": "131052-308X"}, headers=cs
    )
    assert _problem(rule, 422, "invalid_input")["field"] == "personal_identity_code"
    _problem(client.get("/api/v1/search?q=%00%00", headers=cs), 422, "nul_character")
    unparsed = client.post(
        "/api/v1/persons",
        content=b"{not json",
        headers={**cs, "content-type": "application/json"},
    )
    _problem(unparsed, 422, "invalid_request")


def test_a_405_lists_every_method_served_at_the_path(client: TestClient) -> None:
    """GET and POST of a preference page are two routes; Starlette's Allow named only the first."""
    answer = client.delete("/preferences/some-token")
    _problem(answer, 405, "method_not_allowed")
    assert answer.headers["allow"] == "GET, POST"
    person = client.put("/api/v1/persons/100001")
    assert person.headers["allow"] == "GET, PATCH"


def test_the_document_declares_the_problem_for_every_error_it_lists(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "Problem" in schemas
    assert set(schemas["Problem"]["required"]) >= {"title", "status", "detail", "code"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = operation["responses"]
            assert "422" in statuses and "413" in statuses, f"{method} {path}"
            if operation.get("security"):  # behind the guard
                assert {"401", "403"} <= set(statuses), f"{method} {path}"
            for status, answer in statuses.items():
                if int(status) >= 400 and "text/html" not in answer.get("content", {}):
                    content = answer["content"]
                    assert list(content) == [PROBLEM_JSON], f"{method} {path} {status}"
                    assert content[PROBLEM_JSON]["schema"] == {
                        "$ref": "#/components/schemas/Problem"
                    }


def test_a_change_names_only_attributes_the_register_changes(
    client: TestClient, register: RegisterApp
) -> None:
    """`changes` was any object: `{"": []}` fitted the document and was refused by the
    register; now the document lists the attributes and the server refuses the rest alike."""
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    pid = client.post("/api/v1/persons", json=PERSON, headers=cs).json()["id"]
    document = client.get("/openapi.json").json()
    changes = document["components"]["schemas"]["PersonChanges"]
    assert changes["additionalProperties"] is False and "last_name" in changes["properties"]
    for body in ({"": []}, {}):
        answer = client.patch(
            f"/api/v1/persons/{pid}",
            json={"changes": body, "reason": "told", "source": "customer_contact"},
            headers=cs,
        )
        _problem(answer, 422, "invalid_request")
