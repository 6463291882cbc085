"""A data subject request on the DPO's desk, end to end: its page (requester, contact, how it
came, due date with any extension, state, history, the linked person by customer number and
name, the Art. 19 notices) and its steps as forms: verify and link the person, extend with the
notice, reject with reasons, add a rectification's corrections, fulfil, close, download the
answer package (built in memory, never written to the server's disk), record notices sent or
impossible.

The DPO's alone (guard(roles=DPO)); every post carries the session's CSRF token (the guard
checks it). A refused step shows the request again with the reason in the page's language
(request_words), never a bare error. The work is the services' (services/rights).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from rekisteri.catalogue import Category, Purpose, Role, catalogue
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.domain.requests import VerifiedHow
from rekisteri.domain.value_words import value_word
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, RowId, guard
from rekisteri.entrypoints.web import request_words as words
from rekisteri.entrypoints.web.i18n import translations
from rekisteri.entrypoints.web.self_service import ACTOR as FORM_ACTOR
from rekisteri.entrypoints.web.staff import staff_page
from rekisteri.entrypoints.web.templating import page_language, url_in
from rekisteri.services.register.customers import RECTIFIABLE
from rekisteri.services.rights import (
    desk,
    fulfilment,
    package_delivery,
    recipient_notices,
    requests,
)
from rekisteri.services.unit_of_work import RegisterApp, UnitOfWork

router = APIRouter(prefix="/console/dpo/requests", tags=["staff console"], include_in_schema=False)
C = Category
LO = Purpose.LEGAL_OBLIGATION
DPO_ONLY = (Role.DPO,)

Reader = Annotated[
    Principal, Depends(guard(LO, C.RIGHTS_REQUEST, C.IDENTITY, page=True, roles=DPO_ONLY))
]
Writer = Annotated[
    Principal, Depends(guard(LO, C.RIGHTS_REQUEST, writes=True, page=True, roles=DPO_ONLY))
]
# A reference (R2026-00001) or a row id, as requests.load takes it.
Reference = Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z-]+$")]
REFUSED = (InvalidInput, RuleViolation, NotFound)
T = TypeVar("T")
CHANGE_ROWS = 3  # corrections a form takes at once; it can be sent again for more


def _day(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field, "is not a date") from None


def _rectifiable(request: Request) -> list[tuple[str, str]]:
    lang = page_language(request)
    return sorted(
        ((f, catalogue[f"person.{f}"].label(lang)) for f in RECTIFIABLE),
        key=lambda pair: pair[1],
    )


def _page(
    request: Request,
    reg: RegisterApp,
    who: Principal,
    reference: Reference,
    *,
    find: str = "",
    error: str = "",
    done: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    lang = page_language(request)
    _ = translations(lang).gettext
    context: dict[str, Any] = {"error": error, "done": done, "find": find, "found": None}
    with reg.reading(who.actor) as uow:
        try:
            shown = desk.request_page(uow, reference)
        except NotFound:
            context["reference"] = reference
            return staff_page(request, reg, who, "console/request_missing.html", context, 404)
        if find.strip() and shown["person"] is None:
            try:
                context["found"] = desk.find_person(uow, find)
            except REFUSED as exc:
                context["error"] = words.refusal(exc, lang, _)
                status_code = 422
        context |= {
            "r": shown,
            "delivery": package_delivery.summary(uow, int(shown["id"])),
            "today": uow.today(),
            "words": words,
            "verified_how": [(v.value, value_word(v, lang)) for v in VerifiedHow],
            "rectifiable": _rectifiable(request),
            "change_rows": range(CHANGE_ROWS),
            "form_actor": FORM_ACTOR.name,  # shown as the form's words, not its account name
        }
    here = f"/console/dpo/requests/{shown['reference']}"  # a refused post shows this page
    return staff_page(request, reg, who, "console/request.html", context, status_code, here)


@router.get("/{reference}", response_class=HTMLResponse)
def request_page(
    request: Request,
    reference: Reference,
    reg: RegisterDep,
    who: Reader,
    find: Annotated[str, Query(max_length=20)] = "",
    done: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    """One request; `find` looks up the person a web-form request is to be linked to."""
    return _page(request, reg, who, reference, find=find, done=done)


def _answered(
    request: Request,
    reg: RegisterApp,
    who: Principal,
    reference: str,
    work: Callable[[UnitOfWork], T],
    answer: Callable[[T], Response],
) -> Response:
    """Do one service call in a unit of work and answer with what it gave; a refusal shows
    the request with the reason in the page's language (nothing of the call is kept)."""
    lang = page_language(request)
    try:
        with reg.unit_of_work(who.actor) as uow:
            made = work(uow)
    except REFUSED as exc:
        why = words.refusal(exc, lang, translations(lang).gettext)
        return _page(request, reg, who, reference, error=why, status_code=422)
    return answer(made)


def _step(request: Request, reg: RegisterApp, who: Principal, reference: str, done: str,
          work: Callable[[UnitOfWork], object]) -> Response:  # fmt: skip
    """A step of the request, then back to it (post/redirect/get)."""
    target = url_in(page_language(request), f"/console/dpo/requests/{reference}", done=done)
    return _answered(
        request, reg, who, reference, work, lambda _: RedirectResponse(target, status_code=303)
    )


def _attachment(content: bytes | str, media_type: str, filename: str) -> Response:
    """A file for the DPO's browser only: downloaded, never kept by a cache."""
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/{reference}/verify", response_class=HTMLResponse)
def verify(
    request: Request,
    reference: Reference,
    reg: RegisterDep,
    who: Writer,
    how: Annotated[str, Form(max_length=40)],
    evidence: Annotated[str, Form(max_length=300)] = "",
    person: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Record how the identity was checked; a web-form request is linked to the person."""

    def work(uow: Any) -> None:
        found = desk.find_person(uow, person) if person.strip() else None
        requests.verify(uow, reference, how, evidence.strip(), found.person_id if found else None)

    return _step(request, reg, who, reference, "verified", work)


@router.post("/{reference}/extend", response_class=HTMLResponse)
def extend(
    request: Request,
    reference: Reference,
    reg: RegisterDep,
    who: Writer,
    extend_to: Annotated[str, Form(max_length=10)],
    reason: Annotated[str, Form(max_length=300)],
    notice_on: Annotated[str, Form(max_length=10)],
) -> Response:
    """Extend the deadline (Art. 12(3)) with the notice the person was sent and its reason."""

    def work(uow: Any) -> None:
        requests.extend(
            uow, reference, _day(extend_to, "extend_to"), reason, _day(notice_on, "notice_on")
        )

    return _step(request, reg, who, reference, "extended", work)


@router.post("/{reference}/reject", response_class=HTMLResponse)
def reject(
    request: Request,
    reference: Reference,
    reg: RegisterDep,
    who: Writer,
    reason: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Refuse with the reasons the person is told (Art. 12(4))."""
    return _step(
        request,
        reg,
        who,
        reference,
        "rejected",
        lambda uow: requests.reject(uow, reference, reason),
    )


@router.post("/{reference}/changes", response_class=HTMLResponse)
def changes(
    request: Request,
    reference: Reference,
    reg: RegisterDep,
    who: Writer,
    field: Annotated[list[str], Form(max_length=CHANGE_ROWS)],
    value: Annotated[list[str], Form(max_length=CHANGE_ROWS)],
) -> Response:
    """A rectification's corrections, field by field (as `request changes --set`)."""
    pairs = {f: v.strip() for f, v in zip(field, value, strict=False) if f and v.strip()}

    def work(uow: Any) -> None:
        if any(len(v) > 200 for v in pairs.values()):
            raise InvalidInput("changes", "a corrected value is at most 200 characters")
        requests.set_changes(uow, reference, pairs)

    return _step(request, reg, who, reference, "changes", work)


@router.post("/{reference}/fulfil", response_class=HTMLResponse)
def fulfil(request: Request, reference: Reference, reg: RegisterDep, who: Writer) -> Response:
    """Do what was asked and record the outcome; the answer's files are downloaded after. An
    access package is sealed for the person and the notice of its download link sent (e-mail)
    or made ready to print (letter)."""

    def work(uow: Any) -> None:
        package_delivery.offer(uow, fulfilment.fulfil(uow, reference))

    return _step(request, reg, who, reference, "fulfilled", work)


@router.post("/{reference}/close", response_class=HTMLResponse)
def close(request: Request, reference: Reference, reg: RegisterDep, who: Writer) -> Response:
    """Close a fulfilled or rejected request: it stays findable among the done ones."""
    return _step(request, reg, who, reference, "closed", lambda uow: requests.close(uow, reference))


@router.post("/{reference}/package")
def download(request: Request, reference: Reference, reg: RegisterDep, who: Writer) -> Response:
    """The answer package as a ZIP, built in memory and sent to the DPO's browser only."""
    return _answered(
        request,
        reg,
        who,
        reference,
        lambda uow: desk.answer_package(uow, reference),
        lambda made: _attachment(made.content, "application/zip", made.filename),
    )


@router.post("/{reference}/notices/{notification_id}", response_class=HTMLResponse)
def notice(
    request: Request,
    reference: Reference,
    notification_id: RowId,
    reg: RegisterDep,
    who: Writer,
    how: Annotated[str, Form(max_length=60)] = "",
    notified_on: Annotated[str, Form(max_length=10)] = "",
    impossible_reason: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """An Art. 19 notice to a recipient: sent (when, how), or why it is impossible."""

    def work(uow: Any) -> None:
        row = requests.load(uow, reference)
        if notification_id not in {n["id"] for n in recipient_notices.of_request(uow, row.id)}:
            raise NotFound("recipient notification", notification_id)
        recipient_notices.record_notice(
            uow,
            notification_id,
            notified_on=_day(notified_on, "notified_on") if notified_on.strip() else None,
            how=how.strip() or None,
            impossible_reason=impossible_reason.strip() or None,
        )

    return _step(request, reg, who, reference, "notice", work)


@router.post("/{reference}/handed-over", response_class=HTMLResponse)
def handed_over(
    request: Request,
    reference: Reference,
    reg: RegisterDep,
    who: Writer,
    how: Annotated[str, Form(max_length=12)],
    note: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Record handing the access package over in person or by letter instead of the link."""
    return _step(
        request,
        reg,
        who,
        reference,
        "handed_over",
        lambda uow: package_delivery.hand_over(uow, reference, how, note),
    )


@router.post("/{reference}/notice-letter")
def notice_letter(
    request: Request, reference: Reference, reg: RegisterDep, who: Writer
) -> Response:
    """The notice letter with the package's download link, to print and post (the link is
    kept nowhere else)."""
    return _answered(
        request,
        reg,
        who,
        reference,
        lambda uow: package_delivery.notice_letter(uow, reference),
        lambda text: _attachment(
            text, "text/plain; charset=utf-8", f"package-notice-{reference}.txt"
        ),
    )
