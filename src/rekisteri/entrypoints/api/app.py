"""The FastAPI application: API routes, and (later) the web pages, over one RegisterApp."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from rekisteri import __version__
from rekisteri.config import get_settings
from rekisteri.domain.errors import (
    DamagedFile,
    Forbidden,
    InvalidInput,
    KeyringError,
    NotFound,
    RuleViolation,
    ServiceUnavailable,
)
from rekisteri.entrypoints.api import access_log, responses
from rekisteri.entrypoints.api.body_limits import LIMITS, RECORDING_UPLOADS
from rekisteri.entrypoints.api.problems import ProblemCode, http_problem, problem
from rekisteri.entrypoints.api.request_guard import RequestGuard
from rekisteri.entrypoints.api.routes import (
    audit,
    breaches,
    consumption,
    credit,
    disclosures,
    health,
    imports,
    marketing,
    persons,
    recordings,
    representatives,
    service_data,
)
from rekisteri.entrypoints.api.routes import requests as rights_requests
from rekisteri.entrypoints.api.security_headers import SecurityHeaders
from rekisteri.entrypoints.web import (
    admin,
    console,
    desks,
    dpo_requests,
    login,
    package_pages,
    pages,
    preferences,
    recipients,
    retention_desk,
    ropa,
    second_factor,
    segments_desk,
    self_service,
    sign_on,
)
from rekisteri.entrypoints.web.templating import STATIC_DIR
from rekisteri.services.access.sign_on import provider_origin
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
    # Outside every route: a body is limited and checked before anything reads it.
    limits = {**LIMITS, RECORDING_UPLOADS: register.settings.max_recording_bytes}
    app.add_middleware(RequestGuard, default_limit=register.settings.max_body_bytes, limits=limits)
    # Outermost: every answer, the guard's 413 too. A sign-on's logout goes on to the provider.
    provider = provider_origin(register.settings)
    app.add_middleware(SecurityHeaders, form_targets=(provider,) if provider else ())
    app.include_router(health.router)
    app.include_router(persons.router)
    app.include_router(representatives.router)
    app.include_router(service_data.router)
    app.include_router(credit.router)
    app.include_router(rights_requests.router)
    app.include_router(audit.router)
    app.include_router(disclosures.router)
    app.include_router(breaches.router)
    app.include_router(login.router)
    app.include_router(second_factor.router)
    app.include_router(sign_on.router)
    app.include_router(consumption.router)
    app.include_router(imports.router)
    app.include_router(recordings.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(marketing.router)
    app.include_router(preferences.router)
    app.include_router(package_pages.router)
    app.include_router(console.router)
    app.include_router(desks.router)
    app.include_router(admin.router)
    app.include_router(retention_desk.router)
    app.include_router(recipients.router)
    app.include_router(segments_desk.router)
    app.include_router(dpo_requests.router)
    app.include_router(ropa.router)
    app.include_router(self_service.router)
    _error_handlers(app)
    responses.install(app)
    console.install_refusal_page(app)
    return app


def create_app_from_environment() -> FastAPI:
    return create_app(open_register(get_settings()))


def _error_handlers(app: FastAPI) -> None:
    """Every error as a problem (problems.py), whoever raises it."""

    @app.exception_handler(InvalidInput)
    def invalid(_: Request, exc: InvalidInput) -> JSONResponse:
        return problem(422, str(exc), ProblemCode.INVALID_INPUT, field=exc.field, reason=exc.reason)

    @app.exception_handler(DamagedFile)
    def damaged(_: Request, exc: DamagedFile) -> JSONResponse:
        # A stored file failed its check: nothing of it is given; a matter for the operators.
        return problem(500, str(exc))

    @app.exception_handler(RuleViolation)
    def rule(_: Request, exc: RuleViolation) -> JSONResponse:
        return problem(422, str(exc), ProblemCode.RULE_VIOLATION)

    @app.exception_handler(NotFound)
    def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return problem(404, str(exc))

    @app.exception_handler(Forbidden)
    def forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        return problem(403, str(exc))

    @app.exception_handler(KeyringError)
    def keyring(_: Request, exc: KeyringError) -> JSONResponse:
        # A value sealed under a key this server does not hold, even after re-reading its key
        # file: the keys were rotated through REKISTERI_SECRET_KEY, which a running process
        # cannot re-read. A matter of the server's settings, not a fault of the request.
        return problem(
            503, f"{exc}: restart the server with the current keyring", ProblemCode.KEYRING
        )

    @app.exception_handler(ServiceUnavailable)
    def upstream(_: Request, exc: ServiceUnavailable) -> JSONResponse:
        # The credit information service did not answer, or answered badly: nothing decided.
        return problem(502, str(exc), ProblemCode.UPSTREAM)

    @app.exception_handler(RequestValidationError)
    def shape(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"] if p != "body")
        # The field as the register's own refusals name it: the innermost name in the path.
        names = [str(p) for p in first["loc"] if isinstance(p, str)]
        return problem(
            422,
            f"{where}: {first['msg']}",
            ProblemCode.INVALID_REQUEST,
            field=names[-1] if names else "request",
            reason=first["msg"],
            errors=[{"loc": list(e["loc"]), "msg": e["msg"]} for e in errors],
        )

    app.exception_handler(StarletteHTTPException)(http_problem)
