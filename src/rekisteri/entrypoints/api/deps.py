"""Typed dependencies of the API: the register, and the guard every route declares.

Deny by default: a route states the purpose it serves and the data categories it returns or
changes (`guard(...)`); the guard authenticates the caller and refuses a role that works for
another purpose or may not see (or change) those categories. A route that needs no login
declares that instead (`public(purpose, *categories, reason=...)`). A test walks every route
and fails for one with neither.

How to declare a route:

    Reader = Annotated[Principal, Depends(guard(Purpose.X, Category.Y))]
    @router.get("/api/v1/things/{key}")
    def read_thing(key: str, reg: RegisterDep, who: Reader) -> ...:
        with reg.reading(who.actor) as uow:   # who.actor carries the purpose and the route,
            ...                               # so the audit entry names them

    @router.get("/preferences/{token}", dependencies=[Depends(public(
        Purpose.DIRECT_MARKETING, Category.MARKETING, reason="the person's own signed link"))])
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Annotated, Any, NoReturn
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Path, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from rekisteri.catalogue import Category, Purpose, Role
from rekisteri.catalogue.readers import ROLE_PURPOSES
from rekisteri.domain.errors import Forbidden, NotFound
from rekisteri.services.access import permits, sessions
from rekisteri.services.access.accounts import resolve_token
from rekisteri.services.access.audit import record_denied
from rekisteri.services.register.person_view import resolve_person
from rekisteri.services.unit_of_work import Actor, RegisterApp

bearer = HTTPBearer(auto_error=False)


def get_register(request: Request) -> RegisterApp:
    reg: RegisterApp = request.app.state.register
    return reg


RegisterDep = Annotated[RegisterApp, Depends(get_register)]
# Row ids are 32-bit on both databases; a larger number is refused as bad input, not a crash.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]
PersonKey = Annotated[
    str,
    Path(
        min_length=1,
        max_length=20,
        pattern=r"^[0-9A-Za-z+-]+$",
        description="customer number, id or personal identity code",
    ),
]


@dataclass(frozen=True)
class Principal:
    """The authenticated caller and what the route they called declared."""

    actor: Actor
    purpose: Purpose
    categories: frozenset[Category]


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class Guard:
    """The declaration of a route: the purpose it serves and the categories it touches.

    The caller is a bearer token (integrations, scripts) or a staff session cookie (pages; a
    form post must also carry the session's CSRF token, as the form field `csrf_token` or the
    header X-CSRF-Token). A refusal (403) is written to the audit trail before it is answered.
    With `page=True` an unauthenticated browser is sent to the login page instead of a 401.
    `roles`, when given, narrows the route to those roles whatever their purposes and
    categories allow: a duty of one role (the DPO's record of processing) is no one else's.
    """

    def __init__(
        self,
        purpose: Purpose,
        categories: Iterable[Category],
        *,
        writes: bool,
        public: bool = False,
        page: bool = False,
        roles: Iterable[Role] = (),
    ) -> None:
        self.purpose = purpose
        self.roles = frozenset(roles)
        self.categories = frozenset(categories)
        self.writes = writes
        self.public = public
        self.page = page

    async def __call__(
        self,
        request: Request,
        reg: RegisterDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Principal:
        offered_csrf = request.headers.get("x-csrf-token")
        if (
            credentials is None
            and offered_csrf is None
            and request.method not in SAFE_METHODS
            and request.headers.get("content-type", "").startswith(FORM_TYPES)
        ):
            form = await request.form()  # Starlette keeps it for the route's own Form fields
            value = form.get("csrf_token")
            offered_csrf = value if isinstance(value, str) else None
        return await run_in_threadpool(self.authorise, request, reg, credentials, offered_csrf)

    def authorise(
        self,
        request: Request,
        reg: RegisterApp,
        credentials: HTTPAuthorizationCredentials | None,
        offered_csrf: str | None,
    ) -> Principal:
        actor, scopes = self._authenticate(request, reg, credentials, offered_csrf)
        actor = replace(actor, purpose=self.purpose, via=route_name(request))
        try:
            if self.purpose not in scopes:
                raise HTTPException(
                    status.HTTP_403_FORBIDDEN, f"the token is not scoped for {self.purpose.value}"
                )
            self.check(actor)
        except HTTPException as refusal:
            # Who was refused: the console's refusal page offers that user's own desks.
            request.state.refused = actor
            record_denied(
                reg,
                actor,
                self.categories,
                _persons_named(reg, request),
                str(refusal.detail),
                action="change" if self.writes else "read",
            )
            raise
        principal = Principal(actor, self.purpose, self.categories)
        request.state.principal = principal
        return principal

    def _authenticate(
        self,
        request: Request,
        reg: RegisterApp,
        credentials: HTTPAuthorizationCredentials | None,
        offered_csrf: str | None,
    ) -> tuple[Actor, frozenset[Purpose]]:
        if credentials is not None:
            with reg.unit_of_work(Actor.system("auth")) as uow:
                try:
                    token = resolve_token(uow, credentials.credentials)
                except Forbidden as exc:
                    raise HTTPException(
                        status.HTTP_401_UNAUTHORIZED,
                        str(exc),
                        headers={"WWW-Authenticate": "Bearer"},
                    ) from exc
            return token.actor, token.scopes
        cookie = request.cookies.get(sessions.COOKIE)
        if cookie:
            with reg.unit_of_work(Actor.system("auth")) as uow:
                try:
                    actor = sessions.resolve_session(uow, cookie)
                except Forbidden as exc:
                    self._unauthenticated(request, str(exc))
            if request.method not in SAFE_METHODS and not sessions.csrf_matches(
                cookie, offered_csrf
            ):
                raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")
            assert actor.role is not None
            return actor, ROLE_PURPOSES.get(actor.role, frozenset())
        self._unauthenticated(request, "authentication required")

    def _unauthenticated(self, request: Request, why: str) -> NoReturn:
        if self.page:
            target = quote(request.url.path, safe="/")
            raise HTTPException(
                status.HTTP_303_SEE_OTHER, why, headers={"Location": f"/login?next={target}"}
            )
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, why, headers={"WWW-Authenticate": "Bearer"}
        )

    def check(self, actor: Actor) -> None:
        role = actor.role
        assert role is not None
        why = permits.refusal(role, self.purpose, self.categories, writes=self.writes)
        if why is None and self.roles and role not in self.roles:
            only = " or ".join(sorted(r.value for r in self.roles))
            why = f"role {role.value} may not open this: it is the work of {only}"
        if why is not None:
            raise HTTPException(status.HTTP_403_FORBIDDEN, why)


def guard(
    purpose: Purpose,
    *categories: Category,
    writes: bool = False,
    page: bool = False,
    roles: Iterable[Role] = (),
) -> Guard:
    """Depends(guard(...)) on every route that touches personal data (deny by default)."""
    return Guard(purpose, categories, writes=writes, page=page, roles=roles)


class Public:
    """The declaration of a route anyone may call: what it serves and why that is safe.

    A route carries either a Guard or a Public in its dependencies; the route-walk test fails
    for one with neither. `purpose` is None when the route serves no purpose of the register
    (health checks, the login form); `categories` are the personal data it touches (a
    preference-centre page reached by a signed link touches the person's own marketing data).
    """

    def __init__(
        self, purpose: Purpose | None, categories: Iterable[Category], *, reason: str
    ) -> None:
        if not reason.strip():
            raise ValueError("a public route must say why it may be public")
        self.purpose = purpose
        self.categories = frozenset(categories)
        self.reason = reason

    def __call__(self) -> None:
        return None


def public(purpose: Purpose | None, *categories: Category, reason: str) -> Public:
    """Depends(public(...)) on a route that needs no login, with the reason it needs none."""
    return Public(purpose, categories, reason=reason)


def route_name(request: Request) -> str:
    """The route as the audit trail names it: the path template, never the values in it."""
    route = request.scope.get("route")
    path = getattr(route, "path", None) or "(unknown route)"
    return f"{request.method} {path}"


def _persons_named(reg: RegisterApp, request: Request) -> list[int]:
    """Whose data a refused request asked for, as far as its path says."""
    params = request.path_params
    key = params.get("key", params.get("person_id"))
    if key is None:
        return []
    with reg.reading(Actor.system("audit")) as uow:
        try:
            return [resolve_person(uow, key)]
        except NotFound:
            return []


def _dependant_of(route: object) -> Any:
    return getattr(route, "dependant", None)


def declaration(route: object) -> Guard | Public | None:
    """The Guard or Public a route carries among its dependencies (None: undeclared)."""
    root = _dependant_of(route)
    pending = [root] if root is not None else []
    while pending:
        dependant = pending.pop()
        if isinstance(dependant.call, Guard | Public):
            return dependant.call
        pending.extend(dependant.dependencies)
    return None


def all_routes(app: FastAPI) -> list[Any]:
    """Every route as it is served, with routers' prefixes and dependencies applied (newer
    FastAPI includes routers lazily; older ones copy their routes into app.routes)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # pragma: no cover - depends on the installed FastAPI
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def undeclared_routes(app: FastAPI) -> list[str]:
    """Routes with neither a Guard nor a Public declaration. FastAPI's own documentation
    routes (/openapi.json, /docs, /redoc) and the static files (CSS) hold no personal data
    and are exempt."""
    framework = {app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
    missing = []
    for route in all_routes(app):
        path = getattr(route, "path", "?")
        if path in framework or isinstance(getattr(route, "app", None), StaticFiles):
            continue
        if declaration(route) is None:
            methods = ",".join(sorted(getattr(route, "methods", None) or ()))
            missing.append(f"{methods} {path}")
    return missing
