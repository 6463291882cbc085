"""The API's error answers: RFC 9457 problem details (`application/problem+json`).

Every error the server gives, whoever raises it (the register's own rules, FastAPI's request
validation, the guard's 401/403, the router's 404/405, the body guard's 413 and 422), is one
object: `type`, `title`, `status`, `detail`, and the register's extension members: a stable
`code` a client can branch on, and for bad input the `field` and the `reason`. The OpenAPI
document declares this one shape (`Problem`) for every error status it lists.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from rekisteri.entrypoints.api.deps import all_routes

PROBLEM_JSON = "application/problem+json"


class ProblemCode(StrEnum):
    """Stable codes: the `detail` text may be reworded, these never change meaning."""

    INVALID_INPUT = "invalid_input"  # a value the register's rules refuse (field, reason)
    INVALID_REQUEST = "invalid_request"  # the request does not fit its declared shape
    RULE_VIOLATION = "rule_violation"  # allowed values, but not in this state of the register
    NUL_CHARACTER = "nul_character"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    TOO_LARGE = "too_large"
    THROTTLED = "throttled"
    KEYRING = "keyring"  # 503: a value under a key this server does not hold (restart it)
    UPSTREAM = "upstream_unavailable"  # 502: an outside service did not answer, or badly
    HTTP_ERROR = "http_error"  # any other status the framework answers with


# The code of an error raised as a bare HTTP status (by the guard, the router, Starlette).
STATUS_CODES: dict[int, ProblemCode] = {
    400: ProblemCode.INVALID_REQUEST,
    401: ProblemCode.UNAUTHENTICATED,
    403: ProblemCode.FORBIDDEN,
    404: ProblemCode.NOT_FOUND,
    405: ProblemCode.METHOD_NOT_ALLOWED,
    409: ProblemCode.CONFLICT,
    413: ProblemCode.TOO_LARGE,
    422: ProblemCode.INVALID_REQUEST,
    429: ProblemCode.THROTTLED,
    503: ProblemCode.KEYRING,
}


class ProblemError(BaseModel):
    """One way a request did not fit its declared shape (all of them, not only the first)."""

    loc: list[str | int] = Field(description="where: body, query, path or header, then names")
    msg: str


class Problem(BaseModel):
    """RFC 9457 problem details, with the register's extension members."""

    type: str = Field(
        "about:blank",
        description="about:blank: the status and `code` say what kind of problem it is",
    )
    title: str = Field(description="the status' phrase, e.g. Unprocessable Content")
    status: int = Field(ge=400, le=599)
    detail: str = Field(description="what was wrong, for a person to read")
    code: ProblemCode = Field(description="stable: what kind of problem, for a program")
    field: str | None = Field(None, description="bad input: the field that was refused")
    reason: str | None = Field(None, description="bad input: why the field was refused")
    errors: list[ProblemError] | None = Field(
        None, description="a request not fitting its shape: every way it did not"
    )
    limit: int | None = Field(None, description="413: the largest body the route takes, bytes")


def problem(
    status: int,
    detail: str,
    code: ProblemCode | None = None,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """The answer for an error: a Problem body of type application/problem+json."""
    body = Problem(
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        code=code or STATUS_CODES.get(status, ProblemCode.HTTP_ERROR),
        **extra,
    )
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_JSON,
    )


async def http_problem(request: Request, exc: StarletteHTTPException) -> Response:
    """An HTTP error raised by the guard, the router or Starlette, as a problem. A redirect
    (the guard sends a browser without a session to the login page) stays a redirect."""
    headers = dict(exc.headers or {})
    if exc.status_code < 400:
        return Response(status_code=exc.status_code, headers=headers)
    if exc.status_code == 405:
        # Starlette names only the methods of the first route matching the path; the path
        # may have more (GET and POST of a page are two routes).
        headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
    return problem(exc.status_code, str(exc.detail), headers=headers)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route serves at `path`, as a 405's Allow header must list them."""
    methods: set[str] = set()
    for route in all_routes(app):
        served = getattr(route, "methods", None)
        template = getattr(route, "path", None)
        if served and template and _regex(template).match(path):
            methods |= set(served)
    return sorted(methods)


@cache
def _regex(template: str) -> re.Pattern[str]:
    regex, _, _ = compile_path(template)
    return regex
