"""The retention run in the console (issue 17 item 5b): the DPO previews it (a dry run, which
removes nothing) and approves the preview, which then runs as previewed
(services/rights/retention_approval.py). The DPO's alone (guard(roles=...)); the forms post
the session's CSRF token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from rekisteri.catalogue import Purpose, Role
from rekisteri.domain.errors import NotFound, RuleViolation
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.entrypoints.web import formats
from rekisteri.entrypoints.web.i18n import translations
from rekisteri.entrypoints.web.staff import staff_page
from rekisteri.entrypoints.web.templating import page_language, url_in
from rekisteri.services.rights import retention_approval, run_words
from rekisteri.services.unit_of_work import UnitOfWork

router = APIRouter(prefix="/console/retention", tags=["staff console"], include_in_schema=False)
PAGE = "/console/retention"

DpoReads = Annotated[
    Principal, Depends(guard(Purpose.LEGAL_OBLIGATION, page=True, roles=(Role.DPO,)))
]
DpoRuns = Annotated[
    Principal,
    Depends(guard(Purpose.LEGAL_OBLIGATION, writes=True, page=True, roles=(Role.DPO,))),
]


def shown(uow: UnitOfWork, run: dict[str, Any] | None, lang: str) -> run_words.Shown | None:
    """A run or preview as the DPO reads it, in the page's language (None: no run yet)."""
    if run is None:
        return None
    return run_words.shown(uow.catalogue, run, lang, lambda n: formats.format_number(n, lang))


def _page(
    request: Request, reg: RegisterDep, who: Principal, error: str = "", status_code: int = 200
) -> HTMLResponse:
    with reg.reading(who.actor) as uow:
        found = retention_approval.latest(uow)
        context = {"run": found, "said": shown(uow, found, page_language(request)), "error": error}
    return staff_page(request, reg, who, "console/retention.html", context, status_code)


@router.get("", response_class=HTMLResponse)
def retention_page(request: Request, reg: RegisterDep, who: DpoReads) -> HTMLResponse:
    """The latest run or preview, and what can be done next."""
    return _page(request, reg, who)


@router.post("/preview")
def preview(request: Request, reg: RegisterDep, who: DpoRuns) -> Response:
    """Count what a run would remove now; nothing is removed."""
    with reg.unit_of_work(who.actor) as uow:
        retention_approval.preview(uow)
    return RedirectResponse(url_in(page_language(request), PAGE), status_code=303)


@router.post("/approve")
def approve(
    request: Request,
    reg: RegisterDep,
    who: DpoRuns,
    preview_id: Annotated[int, Form(ge=1)],
) -> Response:
    """Run retention exactly as the approved preview counted."""
    try:
        with reg.unit_of_work(who.actor) as uow:
            retention_approval.approve(uow, preview_id)
    except (RuleViolation, NotFound) as exc:
        said = translations(page_language(request)).gettext(str(exc))
        return _page(request, reg, who, error=said, status_code=409)
    return RedirectResponse(url_in(page_language(request), PAGE), status_code=303)
