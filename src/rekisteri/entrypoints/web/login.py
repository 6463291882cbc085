"""Staff login for the web pages: GET/POST /login, POST /logout (P7, P15).

The session cookie is HttpOnly, SameSite=Strict and Secure (unless the register is configured
for plain-http development). The login form itself is protected against cross-site posting by a
double-submit token (a cookie and the same value in the form), the pages after it by the
session's CSRF token (see deps.Guard). Failed logins are counted per account and per client
address (services/access/sessions.log_in); every refusal but the address's reads the same.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from rekisteri.catalogue import Lang, Words
from rekisteri.entrypoints.api.client_address import client_address
from rekisteri.entrypoints.api.deps import RegisterDep, public
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.services.access import sessions, sign_on
from rekisteri.services.access.accounts import LoginRefused, Refusal
from rekisteri.services.access.second_factor import Needs
from rekisteri.services.unit_of_work import Actor, RegisterApp

router = APIRouter(tags=["login"], route_class=RegisterRoute)
templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
LOGIN_CSRF = "rekisteri_login_csrf"
NO_CUSTOMER_DATA = "the login form: staff credentials only, no customer data"
LoginPage = Depends(public(None, reason=NO_CUSTOMER_DATA))
# The login page speaks all three languages at once (it is in none of the site's catalogues).
# A wrong password, an unknown user and a locked account get the one same answer.
REFUSED = Words(
    "Väärä käyttäjätunnus tai salasana, tai tili on lukittu hetkeksi toistuvien "
    "epäonnistuneiden yritysten vuoksi.",
    "Fel användarnamn eller lösenord, eller så är kontot låst en stund efter upprepade "
    "misslyckade försök.",
    "Wrong user ID or password, or the account is locked for a while after repeated failed "
    "attempts.",
)
THROTTLED = Words(
    "Liian monta epäonnistunutta kirjautumista tästä osoitteesta; yritä myöhemmin uudelleen.",
    "För många misslyckade inloggningar från den här adressen; försök igen senare.",
    "Too many failed logins from this address; try again later.",
)
EXPIRED = Words(
    "Lomake vanheni; yritä uudelleen.",
    "Formuläret gick ut; försök igen.",
    "The form expired; try again.",
)


def all_languages(words: Words) -> str:
    return " / ".join(words.in_(lang) for lang in Lang)


def safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would help phishing."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(
    request: Request,
    reg: RegisterDep,
    *,
    next_path: str,
    error: str = "",
    username: str = "",
    status_code: int = 200,
) -> Response:
    token = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {
            "csrf_token": token,
            "next": next_path,
            "error": error,
            "username": username,
            "sign_on": bool(reg.settings.oidc_issuer),
        },
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_CSRF,
        token,
        httponly=True,
        samesite="strict",
        secure=reg.settings.session_cookie_secure,
        path="/login",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/login", response_class=HTMLResponse, dependencies=[LoginPage])
def login_form(request: Request, reg: RegisterDep, next: str = "/") -> Response:
    return _login_page(request, reg, next_path=safe_next(next))


# The login form's own refusals are pages (in all three languages), not problems.
PAGE_REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"description": why, "content": {"text/html": {}}}
    for status, why in {
        401: "Wrong user ID or password, or the account is locked",
        403: "The form expired (its CSRF token does not match)",
        429: "Too many failed logins from this address",
    }.items()
}


@router.post(
    "/login", response_class=HTMLResponse, dependencies=[LoginPage], responses=PAGE_REFUSALS
)
async def log_in(
    request: Request,
    reg: RegisterDep,
    username: Annotated[str, Form(min_length=1, max_length=60)],
    password: Annotated[str, Form(min_length=1, max_length=1000)],
    csrf_token: Annotated[str, Form(min_length=1, max_length=100)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    target = safe_next(next)
    expected = request.cookies.get(LOGIN_CSRF, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return _login_page(
            request,
            reg,
            next_path=target,
            error=all_languages(EXPIRED),
            status_code=403,
        )
    address = client_address(request, reg.settings.trusted_proxies)
    try:
        new = await run_in_threadpool(sessions.log_in, reg, username, password, address)
    except LoginRefused as exc:
        throttled = exc.reason is Refusal.THROTTLED
        return _login_page(
            request,
            reg,
            next_path=target,
            error=all_languages(THROTTLED if throttled else REFUSED),
            username=username,
            status_code=429 if throttled else 401,
        )
    if new.stage is Needs.NOTHING:
        response = RedirectResponse(target, status_code=303)
    else:  # the password was right; the second factor comes next
        response = RedirectResponse(
            f"/login/{new.stage.value}?{urlencode({'next': target})}", status_code=303
        )
    set_session_cookie(response, reg, new)
    response.delete_cookie(LOGIN_CSRF, path="/login")
    return response


def set_session_cookie(response: Response, reg: RegisterApp, new: sessions.NewSession) -> None:
    lifetime = reg.settings.session_hours * 3600 if new.stage is Needs.NOTHING else None
    response.set_cookie(
        sessions.COOKIE,
        new.cookie,
        max_age=lifetime if lifetime else int(sessions.PENDING.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=reg.settings.session_cookie_secure,
        path="/",
    )


@router.post(
    "/logout",
    dependencies=[LoginPage],
    status_code=303,
    response_class=RedirectResponse,
    responses={303: {"description": "Logged out: on to the login page, or the provider's logout"}},
)
async def log_out(request: Request, reg: RegisterDep) -> Response:
    # The session the cookie names ends whether or not the form's CSRF token is right (a
    # stale page has a stale one): a forged post can at worst log someone out, while a logout
    # that only cleared the cookie would leave a session valid that its user believes ended.
    cookie = request.cookies.get(sessions.COOKIE)
    signed_on = bool(cookie) and await run_in_threadpool(_end, reg, cookie or "")
    # A login by sign-on ends at the provider too, when it offers that (its own page asks).
    elsewhere = await run_in_threadpool(sign_on.end_session_url, reg) if signed_on else None
    response = RedirectResponse(elsewhere or "/login", status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


def _end(reg: RegisterApp, cookie: str) -> bool:
    with reg.unit_of_work(Actor.system("logout")) as uow:
        return sessions.log_out(uow, cookie)
