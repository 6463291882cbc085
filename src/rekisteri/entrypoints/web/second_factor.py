"""The second step of a staff login on the web: the TOTP code (GET/POST /login/code) and the
setting up of a second factor (GET/POST /login/enrol) (P7).

After a right password, an account with a second factor, or of a role that requires one
(services/access/second_factor.REQUIRED), gets a session that only waits for it (five minutes;
no page but these accepts it). A right code ends that session and opens a new one, the login.
The forms carry the waiting session's CSRF token. Any logged-in user of a role that does not
require a second factor may set one up at /login/enrol.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from rekisteri.catalogue import Words
from rekisteri.domain.errors import Forbidden
from rekisteri.entrypoints.api.deps import RegisterDep, public
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.entrypoints.web.login import (
    PAGE_REFUSALS,
    all_languages,
    safe_next,
    set_session_cookie,
)
from rekisteri.services.access import sessions
from rekisteri.services.access.accounts import LoginRefused
from rekisteri.services.access.second_factor import Enrolment, Needs

router = APIRouter(tags=["login"], route_class=RegisterRoute)
templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
# No login waits for this step (expired, never begun, a stale form): back to the login form;
# a right code: on to the page the login was for.
AGAIN: dict[int | str, dict[str, Any]] = {
    303: {"description": "On to the page asked for, or back to the login form"}
}
STEP_ANSWERS = {**AGAIN, **PAGE_REFUSALS}
CODE, ENROL = "/login/code", "/login/enrol"
SecondStep = Depends(
    public(None, reason="the login's second step: a staff member's own code, no customer data")
)
WRONG_CODE = Words(
    "Väärä tai jo käytetty koodi, tai tili on lukittu hetkeksi toistuvien epäonnistuneiden "
    "yritysten vuoksi.",
    "Fel eller redan använd kod, eller så är kontot låst en stund efter upprepade misslyckade "
    "försök.",
    "Wrong or already used code, or the account is locked for a while after repeated failed "
    "attempts.",
)


def _page(
    request: Request,
    cookie: str,
    *,
    action: str,
    next_path: str,
    enrolment: Enrolment | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    response = templates.TemplateResponse(
        request,
        "login_code.html",
        {
            "action": action,
            "csrf_token": sessions.csrf_for(cookie),
            "next": next_path,
            "enrolment": enrolment,
            "error": error,
        },
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"  # the enrolment page shows a secret
    return response


def _again(next_path: str) -> Response:
    """No login waits here (expired, or never began): back to the login form."""
    return RedirectResponse(f"/login?next={next_path}", status_code=303)


def _logged_in(reg: RegisterDep, new: sessions.NewSession | None, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    if new is not None:
        set_session_cookie(response, reg, new)
    return response


def _csrf_ok(cookie: str, offered: str) -> bool:
    return hmac.compare_digest(sessions.csrf_for(cookie), offered)


@router.get("/login/code", response_class=HTMLResponse, dependencies=[SecondStep], responses=AGAIN)
def code_form(request: Request, reg: RegisterDep, next: str = "/") -> Response:
    target = safe_next(next)
    cookie = request.cookies.get(sessions.COOKIE, "")
    try:
        _, stage = sessions.pending(reg, cookie) if cookie else (0, Needs.NOTHING)
    except Forbidden:
        return _again(target)
    if stage is not Needs.CODE:
        return _again(target)
    return _page(request, cookie, action="/login/code", next_path=target)


async def _code_step(
    request: Request,
    reg: RegisterDep,
    *,
    action: str,
    finish: Callable[[RegisterDep, str, str], sessions.NewSession | None],
    code: str,
    csrf_token: str,
    next_path: str,
) -> Response:
    """The POST of either step: the waiting session's CSRF token, then its code. A wrong code
    shows the same form again (with the enrolment's secret on the enrolment step); no waiting
    login (expired, a stale form) goes back to the login form."""
    target = safe_next(next_path)
    cookie = request.cookies.get(sessions.COOKIE, "")
    if not cookie or not _csrf_ok(cookie, csrf_token):
        return _again(target)
    try:
        new = await run_in_threadpool(finish, reg, cookie, code)
    except LoginRefused:
        enrolment = None
        try:
            if action == ENROL:
                enrolment, _ = await run_in_threadpool(sessions.start_enrolment, reg, cookie)
        except Forbidden:
            return _again(target)
        return _page(
            request,
            cookie,
            action=action,
            next_path=target,
            enrolment=enrolment,
            error=all_languages(WRONG_CODE),
            status_code=401,
        )
    except Forbidden:
        return _again(target)
    return _logged_in(reg, new, target)


@router.post(
    "/login/code", response_class=HTMLResponse, dependencies=[SecondStep], responses=STEP_ANSWERS
)
async def code_given(
    request: Request,
    reg: RegisterDep,
    code: Annotated[str, Form(min_length=1, max_length=20)],
    csrf_token: Annotated[str, Form(min_length=1, max_length=100)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    return await _code_step(
        request,
        reg,
        action=CODE,
        finish=sessions.finish_login,
        code=code,
        csrf_token=csrf_token,
        next_path=next,
    )


@router.get("/login/enrol", response_class=HTMLResponse, dependencies=[SecondStep], responses=AGAIN)
async def enrol_form(request: Request, reg: RegisterDep, next: str = "/") -> Response:
    target = safe_next(next)
    cookie = request.cookies.get(sessions.COOKIE, "")
    try:
        enrolment, _ = await run_in_threadpool(sessions.start_enrolment, reg, cookie)
    except Forbidden:
        return _again(target)
    return _page(request, cookie, action="/login/enrol", next_path=target, enrolment=enrolment)


@router.post(
    "/login/enrol", response_class=HTMLResponse, dependencies=[SecondStep], responses=STEP_ANSWERS
)
async def enrol_confirmed(
    request: Request,
    reg: RegisterDep,
    code: Annotated[str, Form(min_length=1, max_length=20)],
    csrf_token: Annotated[str, Form(min_length=1, max_length=100)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    return await _code_step(
        request,
        reg,
        action=ENROL,
        finish=sessions.confirm_enrolment,
        code=code,
        csrf_token=csrf_token,
        next_path=next,
    )
