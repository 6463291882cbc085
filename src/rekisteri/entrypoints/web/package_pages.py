"""The person's download of their access package (issue 18; docs/package-delivery.md): the
page the notice's link opens, the one-time code it asks for, and the single download.

These routes carry no staff token: the person is authenticated by the link (a random token, of
which only the hash is kept) and a one-time code sent to a contact point the register held
before the request. Opening the link sends nothing (mail scanners open links): the person
presses the button that sends the code. Pages are in the person's language, `?lang=` switches.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from rekisteri.catalogue import Category, Lang, Purpose
from rekisteri.domain.delivery_words import page_words
from rekisteri.entrypoints.api.deps import RegisterDep, public
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.entrypoints.web.templating import render_page
from rekisteri.services import outbox
from rekisteri.services.rights import package_delivery
from rekisteri.services.rights.package_delivery import CodeRefused, Link, LinkState
from rekisteri.services.unit_of_work import Actor, RegisterApp

# Pages for the person, like the public request form: not operations of the API document.
router = APIRouter(tags=["access package"], include_in_schema=False, route_class=RegisterRoute)

_PACKAGE = (Purpose.LEGAL_OBLIGATION, frozenset({Category.RIGHTS_REQUEST, Category.CONTACT}))
# Routes authenticated by the link and its one-time code: path -> (purpose, categories).
LINK_AUTHENTICATED_PATHS: dict[str, tuple[Purpose, frozenset[Category]]] = {
    "/package/{token}": _PACKAGE,
    "/package/{token}/code": _PACKAGE,
    "/package/{token}/download": (Purpose.LEGAL_OBLIGATION, frozenset(Category)),
}
ACTOR = Actor(package_delivery.PERSON)  # the person, through their link
Token = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]
_SPOKEN = frozenset(lang.value for lang in Lang)


def _link(path: str) -> list[Any]:
    purpose, categories = LINK_AUTHENTICATED_PATHS[path]
    reason = "the person's own access package, authenticated by their link and a one-time code"
    return [Depends(public(purpose, *categories, reason=reason))]


def _actor(reg: RegisterApp, token: str) -> Actor:
    """The person the link is theirs, acting on their own data (the audit trail's subject_self);
    the bare name for a link that names no one."""
    person_id = package_delivery.owner(reg, token)
    return ACTOR if person_id is None else package_delivery.person_actor(person_id)


def _lang(requested: str | None, link: Link) -> Lang:
    return Lang(requested) if requested in _SPOKEN else link.lang


def _render(
    request: Request,
    token: str,
    link: Link,
    lang: Lang,
    *,
    mode: str,
    message: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    reg = request.app.state.register
    t = page_words(lang)
    fill = {
        "reference": link.reference,
        "expires": "",
        "where": link.destination or "",
        "minutes": str(reg.settings.package_code_minutes),
        "dpo": reg.settings.dpo_contact,
        "when": "",
    }
    context = {
        "settings": reg.settings,
        "t": t,
        "fill": fill,
        "mode": mode,
        "state": link.state.value,
        "link": link,
        "message": message,
        "base": f"/package/{token}",
    }
    response = render_page(
        request, "package.html", lang, context, status_code, page_path=f"/package/{token}"
    )
    response.headers["Cache-Control"] = "no-store"
    # The address holds the person's link: it must not leak to other sites.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _gone_status(link: Link) -> int:
    return 404 if link.state is LinkState.UNKNOWN else 410


@router.get("/package/{token}", response_class=HTMLResponse, dependencies=_link("/package/{token}"))
def package_page(
    request: Request, token: Token, reg: RegisterDep, lang: str | None = None
) -> HTMLResponse:
    """What the link stands for: the button that sends the code, or why it is no longer in use."""
    with reg.reading(ACTOR) as uow:
        link = package_delivery.open_link(uow, token)
    language = _lang(lang, link)
    if link.state is not LinkState.READY:
        return _render(request, token, link, language, mode="gone", status_code=_gone_status(link))
    return _render(request, token, link, language, mode="ready")


@router.post(
    "/package/{token}/code",
    response_class=HTMLResponse,
    dependencies=_link("/package/{token}/code"),
)
def send_code(
    request: Request,
    token: Token,
    reg: RegisterDep,
    lang: Annotated[str | None, Form(max_length=2)] = None,
) -> HTMLResponse:
    """Send a new one-time code to the contact point held before the request."""
    actor = _actor(reg, token)
    try:
        with reg.unit_of_work(actor) as uow:
            link, mail_id = package_delivery.send_code(uow, token)
    except CodeRefused as refused:
        with reg.reading(ACTOR) as uow:
            link = package_delivery.open_link(uow, token)
        language = _lang(lang, link)
        text = page_words(language)[refused.why]
        return _render(request, token, link, language, mode="ready", message=text, status_code=422)
    language = _lang(lang, link)
    if link.state is not LinkState.READY:
        return _render(request, token, link, language, mode="gone", status_code=_gone_status(link))
    key = "code_queued"
    if mail_id is not None:
        # The code is kept whatever the mail server does; what it did not take now, the
        # outbox's job sends later.
        sent = outbox.deliver(reg, actor, outbox.smtp_mailer(reg.settings), [mail_id])
        if mail_id in sent.sent:
            key = "code_sent"
    return _render(request, token, link, language, mode="code", message=page_words(language)[key])


@router.post(
    "/package/{token}/download",
    dependencies=_link("/package/{token}/download"),
    response_model=None,
)
def download(
    request: Request,
    token: Token,
    reg: RegisterDep,
    code: Annotated[str, Form(max_length=20)] = "",
    lang: Annotated[str | None, Form(max_length=2)] = None,
) -> Response:
    """The package, once, for the right code; a wrong code is counted, too many lock the link."""
    with reg.unit_of_work(_actor(reg, token)) as uow:
        attempt = package_delivery.download(uow, token, code)
    if attempt.content is not None:
        return Response(
            attempt.content,
            media_type="application/zip",
            headers={
                "Content-Disposition": f'attachment; filename="{attempt.filename}"',
                "Cache-Control": "no-store",
                "Referrer-Policy": "no-referrer",
            },
        )
    with reg.reading(ACTOR) as uow:
        link = package_delivery.open_link(uow, token)
    language = _lang(lang, link)
    if link.state is not LinkState.READY:
        return _render(request, token, link, language, mode="gone", status_code=_gone_status(link))
    text = page_words(language)[attempt.refused].format(left=attempt.left)
    return _render(request, token, link, language, mode="code", message=text, status_code=422)
