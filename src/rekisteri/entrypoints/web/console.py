"""The staff console: search and a person's page (P7: each role sees what its categories allow).

Every route declares its purpose and categories with `guard(..., page=True)`: the session cookie
is the credential, a browser without one goes to the login page. The pages call the same
services as the CLI and the API; what a role may see is decided by customer_view and the
catalogue, never here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from rekisteri.catalogue import Category, Lang, Purpose, Source, label
from rekisteri.domain import company_status
from rekisteri.domain.company_status import CompanyStatus
from rekisteri.domain.consent import (
    ANY_CHANNEL,
    CaptureMethod,
    ConsentChange,
    ConsentEventKind,
    ConsentPurpose,
    ConsentState,
    Evidence,
)
from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.domain.preferences import is_on, opt_in
from rekisteri.domain.register import Provenance
from rekisteri.domain.requests import ReceivedHow, RequestKind
from rekisteri.domain.values import HELSINKI
from rekisteri.domain.wording import WORDING_VERSION, channel_label, consent_wording, purpose_label
from rekisteri.entrypoints.api.deps import PersonKey, Principal, RegisterDep, guard
from rekisteri.entrypoints.api.problems import http_problem
from rekisteri.entrypoints.web import change_history, person_chart, search_results
from rekisteri.entrypoints.web.i18n import translations
from rekisteri.entrypoints.web.staff import desks, may_change, section, sees, staff_page
from rekisteri.entrypoints.web.templating import page_language, render_page, url_in
from rekisteri.services.access import sessions
from rekisteri.services.access.disclosures import disclosures_of
from rekisteri.services.marketing import ledger, preferences, segments
from rekisteri.services.register import person_view, search
from rekisteri.services.register.person_view import customer_view, resolve_person
from rekisteri.services.rights import requests
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork

router = APIRouter(prefix="/console", tags=["staff console"], include_in_schema=False)
C = Category
REL = Purpose.CUSTOMER_RELATIONSHIP

Searcher = Annotated[Principal, Depends(guard(REL, C.IDENTITY, page=True))]
Reader = Annotated[Principal, Depends(guard(REL, *tuple(Category), page=True))]
ConsentWriter = Annotated[Principal, Depends(guard(REL, C.MARKETING, writes=True, page=True))]
RequestWriter = Annotated[Principal, Depends(guard(REL, C.RIGHTS_REQUEST, writes=True, page=True))]

ANY = ANY_CHANNEL  # a setting for all channels at once (profiling)

# Sections of the person view with a part of their own on the page; the rest are tables.
OWN_PARTS = frozenset({"sites", "consent_events", "organisations"})


@router.get("", response_class=HTMLResponse)
def search_page(
    request: Request,
    reg: RegisterDep,
    who: Searcher,
    q: Annotated[str, Query(max_length=100)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """One search box: name, customer number, identity code, address, phone, e-mail, GSRN."""
    found, error = None, ""
    if q.strip():
        try:
            with reg.reading(who.actor) as uow:
                found = search.search(uow, q, page)
        except InvalidInput as exc:
            error = exc.reason
    shown = search_results.results(found, page_language(request)) if found else None
    return staff_page(
        request,
        reg,
        who,
        "console/search.html",
        {"q": q, "found": found, "shown": shown, "error": error, "max_results": search.MAX_RESULTS},
    )


def _matrix(settings: list[dict[str, Any]]) -> dict[str, Any]:
    """The settings as a table of a row per purpose and a column per channel (21 settings in
    six rows, not 21): a purpose set for all channels at once (profiling) is one cell across."""
    channels = {s["channel_code"]: s["channel"] for s in settings if s["channel_code"] != ANY}
    rows: dict[str, dict[str, Any]] = {}
    for s in settings:
        row = rows.setdefault(s["purpose"], {"what": s["what"], "cells": {}, "all": None})
        if s["channel_code"] == ANY:
            row["all"] = s
        else:
            row["cells"][s["channel_code"]] = s
    return {
        "channels": list(channels.values()),
        "rows": [r | {"cells": [r["cells"].get(code) for code in channels]} for r in rows.values()],
    }


def _consents(uow: UnitOfWork, person_id: int, lang: Lang) -> dict[str, Any]:
    settings = ledger.settings_of(uow, person_id)
    shown = [
        {
            "key": f"{s.purpose.value}:{s.channel}",
            "purpose": s.purpose.value,
            "channel_code": s.channel,
            "what": purpose_label(s.purpose, lang.value),
            "channel": channel_label(s.channel, lang.value),
            # In the words the person's own page implies: nothing recorded is "not allowed"
            # for an opt-in channel and "allowed unless prohibited" for an opt-out one.
            "state": (
                s.state.value
                if s.state is not ConsentState.NONE
                else ("not_asked" if opt_in(s.purpose, s.channel) else "unless_prohibited")
            ),
            "on": is_on(s.purpose, s.channel, s.state),
            "since": s.since,
        }
        for s in settings
    ]
    return {
        "settings": shown,
        "matrix": _matrix(shown),
        "history": ledger.history_of(uow, person_id),
    }


# A request still being handled (the summary's "open requests").
OPEN_REQUEST_STATES = frozenset({"received", "verified", "in_progress"})


def _summary(uow: UnitOfWork, view: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """What staff look at first: the contracts in force with their sites' addresses, the
    requests still open, and the own-marketing setting of each channel in the words of the
    consent table (the same words the person reads in the preference centre)."""
    today = uow.now().astimezone(HELSINKI).date()
    addresses = {s.get("id"): s.get("address") for s in view.get("sites", [])}
    in_force = []
    for c in view.get("contracts", []):
        contract = c.get("contract") or {}
        start, end = contract.get("start_date"), contract.get("end_date")
        # In force today: begun, and not ended before today (its last day still counts).
        begun = start is None or start <= today
        if contract and begun and (end is None or end >= today):
            in_force.append({"contract": contract, "address": addresses.get(c.get("site_id"))})
    consents = context.get("consents", {}).get("settings", [])
    return {
        "in_force": in_force,
        "open_requests": [
            r for r in context.get("requests", []) if r.get("state") in OPEN_REQUEST_STATES
        ],
        "marketing": [s for s in consents if s["key"].startswith("own_marketing:")],
    }


def person_context(
    uow: UnitOfWork, key: str, who: Principal, lang: Lang, by: str
) -> dict[str, Any]:
    """Everything the person's page shows to this role; a section the role may not read is
    never fetched, so it is neither shown nor logged as read."""
    role = who.actor.role
    gettext = translations(lang).gettext
    person_id = resolve_person(uow, key)
    view = customer_view(uow, person_id, role)
    context: dict[str, Any] = {
        "key": key,
        "person_id": person_id,
        "view": view,
        "sections": {
            name: section(view[name], spec.name, lang)
            for name, spec in person_view.sections(uow.catalogue)
            if name not in OWN_PARTS and view.get(name)
        },
        "person_section": section([view["person"]], "person", lang),
        "sites": [
            {
                "site": section([s], "site", lang),
                "metering_points": section(s.get("metering_points", []), "metering_point", lang),
            }
            for s in view.get("sites", [])
        ],
        # A contract not in force says why (a telephone sale waiting for written acceptance).
        "not_in_force": [
            (c.get("contract", {}).get("contract_number"), gettext(c["not_in_force"]))
            for c in view.get("contracts", [])
            if c.get("not_in_force")
        ],
        # A contract in force of a company the trade register says is ending.
        "organisation_ended": [
            gettext(company_status.ENDING_NOTE)
            % {
                "number": c.get("contract", {}).get("contract_number"),
                "status": gettext(
                    company_status.ENDING_WORDS[CompanyStatus(c["organisation_ended"])]
                ),
            }
            for c in view.get("contracts", [])
            if c.get("organisation_ended")
        ],
        "organisations": [
            {
                "organisation": o.get("organisation"),
                "role": section([o], "contact_person", lang)["rows"][0]["cells"],
            }
            for o in view.get("organisations", [])
            if o.get("organisation")
        ],
        "contact_persons": view.get("contact_persons", []),
        "may_change_consent": may_change(role, REL, C.MARKETING),
        "may_start_request": may_change(role, REL, C.RIGHTS_REQUEST),
        "request_kinds": [k.value for k in RequestKind],
    }
    if sees(role, C.MARKETING):
        context["consents"] = _consents(uow, person_id, lang)
    if sees(role, C.CLASSIFICATION):
        context["segments"] = segments.memberships_of(uow, person_id)
    if sees(role, C.RIGHTS_REQUEST):
        context["requests"] = requests.of_person(uow, person_id)
    if sees(role, C.DISCLOSURE):
        context["disclosures"] = disclosures_of(uow, person_id)
    if "history" in view:  # only for a role that may read the history category
        context["history"] = change_history.rows(view["history"], lang)
    if sees(role, C.CONSUMPTION):
        context["chart"] = person_chart.chart(uow, person_id, by, lang, view)
    context["summary"] = _summary(uow, view, context)
    return context


def _person_page(
    request: Request,
    reg: RegisterApp,
    who: Principal,
    key: str,
    *,
    by: str = "month",
    message: str = "",
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    lang = page_language(request)
    with reg.reading(who.actor) as uow:
        context = person_context(uow, key, who, lang, by)
    context |= {"message": message, "error": error}
    return staff_page(request, reg, who, "console/person.html", context, status_code)


@router.get("/persons/{key}", response_class=HTMLResponse)
def person_page(
    request: Request,
    key: PersonKey,
    reg: RegisterDep,
    who: Reader,
    by: Annotated[str, Query(pattern="^(day|month)$")] = "month",
    done: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """The person as the role may see them, with the consumption chart (by day or month)."""
    return _person_page(request, reg, who, key, by=by, message=done)


def _back(request: Request, key: str, done: str) -> Response:
    """After a change: back to the person's page (post/redirect/get), saying what was done."""
    lang = page_language(request)
    target = url_in(lang, f"/console/persons/{key}", done=done)
    return RedirectResponse(target, status_code=303)


@router.post("/persons/{key}/consent", response_class=HTMLResponse)
def change_consent(
    request: Request,
    key: PersonKey,
    reg: RegisterDep,
    who: ConsentWriter,
    setting: Annotated[str, Form(max_length=60)],
    event: Annotated[str, Form(max_length=20)],
) -> Response:
    """What the person asked on the phone: one ledger event, with the staff user as evidence."""
    purpose, _, channel = setting.partition(":")
    try:
        with reg.unit_of_work(who.actor) as uow:
            person_id = resolve_person(uow, key)
            kind = ConsentEventKind(event) if event in set(ConsentEventKind) else None
            if kind is None or purpose not in set(ConsentPurpose):
                raise InvalidInput("setting", "choose a setting and what the person said")
            lang = preferences.language_of(uow, person_id)
            wording = consent_wording(
                ConsentPurpose(purpose), channel, lang, yes=kind is ConsentEventKind.GRANTED
            )
            evidence = Evidence(CaptureMethod.PHONE_CALL, who.actor.name, wording, WORDING_VERSION)
            change = ConsentChange(ConsentPurpose(purpose), channel, kind, uow.now(), evidence)
            provenance = Provenance(Source.CUSTOMER_CONTACT, uow.now(), "staff console")
            ledger.record(uow, person_id, change, provenance)
    except (InvalidInput, RuleViolation, KeyError) as exc:
        return _person_page(request, reg, who, key, error=str(exc), status_code=422)
    return _back(request, key, "consent")


@router.post("/persons/{key}/requests", response_class=HTMLResponse)
def start_request(
    request: Request,
    key: PersonKey,
    reg: RegisterDep,
    who: RequestWriter,
    kind: Annotated[str, Form(max_length=20)],
    received_how: Annotated[str, Form(max_length=30)],
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Register a data subject request the person made to customer service."""
    try:
        with reg.unit_of_work(who.actor) as uow:
            person_id = resolve_person(uow, key)
            how = ReceivedHow(received_how) if received_how in set(ReceivedHow) else received_how
            done = requests.new_request(
                uow,
                person_id,
                kind,
                how,
                Provenance(Source.CUSTOMER_CONTACT, uow.now(), "staff console"),
                details={"note": note.strip()} if note.strip() else None,
            )
    except (InvalidInput, RuleViolation) as exc:
        return _person_page(request, reg, who, key, error=str(exc), status_code=422)
    return _back(request, key, f"request {done.reference}")


def install_refusal_page(app: FastAPI) -> None:
    """A console page the role may not open answers 403 with a page, not JSON: in the user's
    language, with the desks their role does open and a way to log out (the refusal is in the
    audit trail already). The console's front page sends a role without search to its desk."""

    @app.exception_handler(StarletteHTTPException)
    async def refused(request: Request, exc: StarletteHTTPException) -> Response:
        wants_page = "text/html" in request.headers.get("accept", "")
        if exc.status_code == 403 and request.url.path.startswith("/console") and wants_page:
            return refusal_page(request, getattr(request.state, "refused", None))
        return await http_problem(request, exc)


def refusal_page(request: Request, actor: Actor | None) -> Response:
    lang = page_language(request)
    reg = request.app.state.register
    role = actor.role if actor else None
    open_desks = desks(role)
    if request.url.path.rstrip("/") == "/console" and not open_desks["search"]:
        for desk in ("dpo", "marketing", "admin"):
            if open_desks[desk]:
                return RedirectResponse(url_in(lang, f"/console/{desk}"), status_code=303)
    cookie = request.cookies.get(sessions.COOKIE)
    context = {
        "settings": reg.settings,
        "who": actor,
        "role_label": label(role, lang) if role else "",
        "desks": open_desks,
        "any_desk": any(open_desks.values()),
        "csrf_token": sessions.csrf_for(cookie) if cookie and actor else "",
    }
    return render_page(request, "console/refused.html", lang, context, 403)
