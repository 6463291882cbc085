"""The public pages: the landing page and the privacy statement (P17), in fi, sv and en.

They show no personal data and set no cookie; the language is chosen by ?lang=. Routes that
need no login must say so: PUBLIC_PAGES gives each path the reason it may be public.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from rekisteri.catalogue import Lang
from rekisteri.entrypoints.api.deps import RegisterDep, public
from rekisteri.entrypoints.web.i18n import negotiate
from rekisteri.entrypoints.web.templating import page_language, render_page
from rekisteri.services.access.transfers import register_transfers
from rekisteri.services.statement.notice import Notice, build_notice
from rekisteri.services.statement.recipients import regular_recipients
from rekisteri.services.unit_of_work import RegisterApp

router = APIRouter(tags=["public pages"])

NO_PERSONAL_DATA = "public page: the register's own description, no personal data"
PUBLIC_PAGES = {
    "/": NO_PERSONAL_DATA,
    "/privacy": NO_PERSONAL_DATA,
    "/tietosuoja": NO_PERSONAL_DATA,
    "/dataskydd": NO_PERSONAL_DATA,
}
STAFF_LOGIN = "/login"


@router.get(
    "/",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(public(None, reason=PUBLIC_PAGES["/"]))],
)
def home(request: Request, reg: RegisterDep) -> HTMLResponse:
    lang = page_language(request)
    notice = _notice(reg, lang)
    return render_page(
        request,
        "home.html",
        lang,
        {"settings": reg.settings, "notice": notice, "login_url": STAFF_LOGIN},
    )


def _notice(reg: RegisterApp, lang: Lang) -> Notice:
    """The statement of this register: its transfers are those of its recipient register."""
    transfers = register_transfers(reg)
    return build_notice(
        reg.catalogue, reg.settings, lang, recipients=regular_recipients(), transfers=transfers
    )


def _privacy_page(request: Request, reg: RegisterApp, default: Lang | None) -> HTMLResponse:
    requested = request.query_params.get("lang") or (default.value if default else None)
    lang = negotiate(requested, request.headers.get("accept-language"))
    notice = _notice(reg, lang)
    return render_page(request, "privacy.html", lang, {"settings": reg.settings, "notice": notice})


# One statement, three addresses; the Finnish and Swedish names default to their language.
@router.get(
    "/privacy",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(public(None, reason=PUBLIC_PAGES["/privacy"]))],
)
def privacy(request: Request, reg: RegisterDep) -> HTMLResponse:
    return _privacy_page(request, reg, None)


@router.get(
    "/tietosuoja",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(public(None, reason=PUBLIC_PAGES["/tietosuoja"]))],
)
def tietosuoja(request: Request, reg: RegisterDep) -> HTMLResponse:
    return _privacy_page(request, reg, Lang.FI)


@router.get(
    "/dataskydd",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(public(None, reason=PUBLIC_PAGES["/dataskydd"]))],
)
def dataskydd(request: Request, reg: RegisterDep) -> HTMLResponse:
    return _privacy_page(request, reg, Lang.SV)
