"""Staff sign-on on the web: GET /login/sso (on to the company's OpenID provider) and GET
/login/sso/callback (its answer), when a provider is configured (docs/sign-on.md).

The flow's state rides in a cookie sealed by the register (services/access/sign_on.py), sent
back only to the callback and, being SameSite=Lax, on the provider's redirect to it. The
session cookie is SameSite=Strict, so a browser does not send it on a chain of redirects that
began at the provider: the callback answers with a page that goes on to the desk itself (a
refresh from this site), where the new session is seen. A refusal is a page in the user's
language with a way out.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from rekisteri.catalogue import Lang, Role, Words
from rekisteri.entrypoints.api.deps import RegisterDep, public
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.entrypoints.web.login import safe_next, set_session_cookie
from rekisteri.entrypoints.web.templating import page_language
from rekisteri.services.access import sign_on
from rekisteri.services.access.sign_on import SignOnRefused, Why

router = APIRouter(tags=["login"], route_class=RegisterRoute)
log = logging.getLogger(__name__)
templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
SignOnPage = Depends(
    public(None, reason="the sign-on's redirects: the provider's answer, no customer data")
)
FLOW_COOKIE = "rekisteri_sign_on"
FLOW_PATH = "/login/sso"

TITLE_REFUSED = Words("Kirjautuminen ei onnistunut", "Inloggningen misslyckades", "Login failed")
TITLE_DONE = Words("Kirjauduttu", "Inloggad", "Logged in")
REFUSED: dict[Why, Words] = {
    Why.NO_ROLE: Words(
        "Yrityksen tunnuksellasi ei ole roolia tässä rekisterissä: mikään ryhmistäsi ei anna "
        "pääsyä siihen. Jos työsi vaatii pääsyn, pyydä sitä esihenkilöltäsi.",
        "Ditt företagskonto har ingen roll i det här registret: ingen av dina grupper ger "
        "åtkomst. Om ditt arbete kräver åtkomst, be din chef om den.",
        "Your company account has no role in this register: none of your groups gives access "
        "to it. If your work needs access, ask your manager for it.",
    ),
    Why.INACTIVE: Words(
        "Tunnuksesi tähän rekisteriin on suljettu. Ota yhteys rekisterin ylläpitoon.",
        "Ditt konto i det här registret är stängt. Kontakta registrets administratör.",
        "Your account in this register is closed. Contact the register's administrator.",
    ),
    Why.EXPIRED: Words(
        "Kirjautuminen vanheni tai aloitettiin toisessa selaimessa. Yritä uudelleen.",
        "Inloggningen gick ut eller började i en annan webbläsare. Försök igen.",
        "The login expired or was started in another browser. Try again.",
    ),
    Why.PROVIDER: Words(
        "Yrityksen tunnistuspalvelu ei vahvistanut kirjautumista. Yritä uudelleen hetken kuluttua.",
        "Företagets identifieringstjänst bekräftade inte inloggningen. Försök igen om en stund.",
        "The company's identity provider did not confirm the login. Try again in a while.",
    ),
}
DONE = Words("Jatketaan työpöydällesi.", "Vi fortsätter till ditt skrivbord.", "On to your desk.")
CONTINUE = Words("Jatka", "Fortsätt", "Continue")
AGAIN = Words("Kirjautumissivulle", "Till inloggningssidan", "To the login page")
LOG_OUT_THERE = Words(
    "Kirjaudu ulos yrityksen tunnukselta",
    "Logga ut från företagskontot",
    "Log out of the company account",
)
HOME = Words("Etusivulle", "Till startsidan", "To the home page")


def desk_for(role: Role) -> str:
    """Where a role's work starts in the console."""
    return {Role.DPO: "/console/dpo", Role.MARKETING: "/console/marketing"}.get(role, "/console")


def _page(
    request: Request,
    lang: Lang,
    *,
    title: Words,
    message: Words,
    links: list[tuple[str, Words]],
    target: str = "",
    status_code: int = 200,
) -> Response:
    response = templates.TemplateResponse(
        request,
        "sign_on.html",
        {
            "lang": lang.value,
            "title": title.in_(lang),
            "message": message.in_(lang),
            "links": [{"href": href, "text": text.in_(lang)} for href, text in links],
            "target": target,
            "refused": status_code >= 400,
        },
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(request: Request, reg: RegisterDep, refusal: SignOnRefused) -> Response:
    # The page tells the user what to do; the server's log keeps the protocol's detail (a
    # provider's error, a token that failed a check, a half-made configuration) for whoever
    # runs the register. It names no token, code or secret.
    log.warning("%s", refusal)
    why = refusal.why
    lang = page_language(request)
    links = [("/login", AGAIN)]
    out = sign_on.end_session_url(reg) if why is Why.NO_ROLE else None
    if out:  # the provider's session would log the same user in again: a way out of it
        links.append((out, LOG_OUT_THERE))
    links.append(("/", HOME))
    response = _page(
        request,
        lang,
        title=TITLE_REFUSED,
        message=REFUSED[why],
        links=links,
        status_code=403,
    )
    response.delete_cookie(FLOW_COOKIE, path=FLOW_PATH)
    return response


PAGE_ANSWERS: dict[int | str, dict[str, object]] = {
    403: {
        "description": "Sign-on refused (a page in the user's language)",
        "content": {"text/html": {}},
    },
}


@router.get(
    "/login/sso",
    dependencies=[SignOnPage],
    status_code=303,
    response_class=RedirectResponse,
    responses={
        303: {"description": "On to the provider's login (to /login when none is configured)"},
        **PAGE_ANSWERS,
    },
)
async def start(
    request: Request, reg: RegisterDep, next: Annotated[str, Query(max_length=500)] = "/"
) -> Response:
    if not reg.settings.oidc_issuer:
        return RedirectResponse("/login", status_code=303)
    try:
        begun = await run_in_threadpool(sign_on.begin, reg, safe_next(next))
    except SignOnRefused as exc:
        return _refused(request, reg, exc)
    response = RedirectResponse(begun.url, status_code=303)
    response.set_cookie(
        FLOW_COOKIE,
        begun.flow,
        max_age=int(sign_on.FLOW_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",  # sent on the provider's redirect back (a top-level GET)
        secure=reg.settings.session_cookie_secure,
        path=FLOW_PATH,
    )
    return response


@router.get(
    "/login/sso/callback",
    response_class=HTMLResponse,
    dependencies=[SignOnPage],
    responses=PAGE_ANSWERS,
)
async def callback(request: Request, reg: RegisterDep) -> Response:
    answer = {k: v[:2000] for k, v in request.query_params.items()}
    flow = request.cookies.get(FLOW_COOKIE, "")
    try:
        done = await run_in_threadpool(sign_on.finish, reg, flow, answer)
    except SignOnRefused as exc:
        return _refused(request, reg, exc)
    role = done.session.actor.role
    target = done.next_path if done.next_path != "/" or role is None else desk_for(role)
    lang = page_language(request)
    response = _page(
        request, lang, title=TITLE_DONE, message=DONE, links=[(target, CONTINUE)], target=target
    )
    set_session_cookie(response, reg, done.session)
    response.delete_cookie(FLOW_COOKIE, path=FLOW_PATH)
    return response
