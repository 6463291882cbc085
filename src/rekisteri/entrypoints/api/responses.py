"""The error statuses each route declares in the OpenAPI document, derived from the route.

A route's errors follow from what it is, so they are worked out here once, not copied onto
every route: `RegisterRoute` (the route class of every router in the document) adds them.

- every route: 413 (a body over its limit) and 422 (a NUL anywhere, a request not fitting
  its declared shape, a value the register's rules refuse): the request guard checks every
  request before routing;
- a route with a body: 400 for one that cannot be parsed at all;
- a route behind the guard (`deps.Guard`): 401 without a valid token or session, 403 for a
  role or token not allowed the route's purpose or categories;
- a route naming a stored thing (a path parameter, or a body that names a person or a row):
  404 when there is none;
- a public route reached by a signed link (a path parameter of a Public route): 403 for a
  link that does not hold (forged, expired, of another kind).

Each is answered as a `problems.Problem` of type application/problem+json.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from rekisteri.entrypoints.api.deps import Guard, Public, declaration
from rekisteri.entrypoints.api.problems import PROBLEM_JSON, Problem

PROBLEM_REF = f"#/components/schemas/{Problem.__name__}"

WHY: Mapping[int, str] = {
    400: "The body cannot be parsed (not JSON, or not the form)",
    401: "No valid bearer token or staff session",
    403: "The caller's role or token may not do this (the refusal is in the audit trail), "
    "or the signed link does not hold",
    404: "What the request names is not in the register",
    409: "The register is not set up for this (e.g. no credit information service configured)",
    413: "The body is larger than the route takes",
    422: "The request does not fit its shape, carries a NUL, or a value the register's rules "
    "refuse (`field` and `reason` name it)",
    502: "An outside service the register asks (the credit information service) did not "
    "answer, or answered badly: nothing was decided",
}


def problem_response(status: int) -> dict[str, Any]:
    """One declared error answer: a Problem (its schema is added to the document's
    components by `openapi.problem_components`)."""
    return {
        "description": WHY.get(status, "Error"),
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
    }


def error_statuses(route: APIRoute) -> set[int]:
    """The error statuses `route` can answer with (see the module's docstring)."""
    statuses = {413, 422}
    declared = declaration(route)
    names_a_thing = bool(route.dependant.path_params) or route.body_field is not None
    if route.body_field is not None:
        statuses.add(400)  # a body that is not JSON (or not the form) at all
    if isinstance(declared, Guard):
        statuses |= {401, 403}
        if names_a_thing:
            statuses.add(404)
    elif isinstance(declared, Public) and route.dependant.path_params:
        statuses |= {403, 404}
    return statuses


class RegisterRoute(APIRoute):
    """An API route with its error statuses declared; a status the route declares itself (a
    page's own 401 or 429, say) is kept as it declares it."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        derived: dict[int | str, dict[str, Any]] = {
            status: problem_response(status) for status in error_statuses(self)
        }
        self.responses = {**derived, **self.responses}


def install(app: FastAPI) -> None:
    """Put `Problem` (and the schemas it uses) in the document's components, which the
    declared error answers refer to: FastAPI adds only the models of fields and `model=`."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        if Problem.__name__ not in schemas:
            problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(problem.pop("$defs", {}))
            schemas[Problem.__name__] = problem
        return document

    app.openapi = openapi  # type: ignore[method-assign]
