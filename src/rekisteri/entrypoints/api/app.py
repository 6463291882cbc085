"""The FastAPI application: API routes, and (later) the web pages, over one RegisterApp."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rekisteri import __version__
from rekisteri.config import get_settings
from rekisteri.domain.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from rekisteri.entrypoints.api import access_log
from rekisteri.entrypoints.api.routes import (
    audit,
    consumption,
    disclosures,
    health,
    marketing,
    persons,
)
from rekisteri.entrypoints.api.routes import requests as rights_requests
from rekisteri.entrypoints.api.security_headers import SecurityHeaders
from rekisteri.entrypoints.web import console, desks, login, pages, preferences, self_service
from rekisteri.entrypoints.web.templating import STATIC_DIR
from rekisteri.services.bootstrap import open_register
from rekisteri.services.unit_of_work import RegisterApp


def create_app(register: RegisterApp) -> FastAPI:
    app = FastAPI(
        title="Rekisteri",
        version=__version__,
        description="The customer register of an energy retailer, privacy first.",
    )
    app.state.register = register
    access_log.install()
    app.add_middleware(RefuseNulCharacters)
    app.add_middleware(SecurityHeaders)
    app.include_router(health.router)
    app.include_router(persons.router)
    app.include_router(rights_requests.router)
    app.include_router(audit.router)
    app.include_router(disclosures.router)
    app.include_router(login.router)
    app.include_router(consumption.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(marketing.router)
    app.include_router(preferences.router)
    app.include_router(console.router)
    app.include_router(desks.router)
    app.include_router(self_service.router)
    _error_handlers(app)
    console.install_refusal_page(app)
    return app


class RefuseNulCharacters:
    """No path, query or body may carry a NUL character: no real value has one, and PostgreSQL
    cannot store one. Refused as bad input (422) before any route runs. An ASGI middleware, so
    that the body it reads is handed on whole to JSON and form routes alike."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        headers = dict(scope.get("headers", []))
        form = headers.get(b"content-type", b"").startswith(b"application/x-www-form-urlencoded")
        where = unquote(scope.get("path", "")) + unquote(
            scope.get("query_string", b"").decode("latin-1")
        )
        if "\x00" in where or b"\x00" in body or b"\\u0000" in body or (form and b"%00" in body):
            refused = _problem(422, "request: contains a NUL character")
            await refused(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def create_app_from_environment() -> FastAPI:
    return create_app(open_register(get_settings()))


def _problem(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"detail": message, **extra}, status_code=status)


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(InvalidInput)
    def invalid(_: Request, exc: InvalidInput) -> JSONResponse:
        return _problem(422, str(exc), field=exc.field, reason=exc.reason)

    @app.exception_handler(RuleViolation)
    def rule(_: Request, exc: RuleViolation) -> JSONResponse:
        return _problem(422, str(exc))

    @app.exception_handler(NotFound)
    def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return _problem(404, str(exc))

    @app.exception_handler(Forbidden)
    def forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        return _problem(403, str(exc))

    @app.exception_handler(RequestValidationError)
    def shape(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"] if p != "body")
        return _problem(
            422,
            f"{where}: {first['msg']}",
            errors=[{"loc": list(e["loc"]), "msg": e["msg"]} for e in errors],
        )
