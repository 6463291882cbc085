"""The preference centre's pages (P5), server-rendered in the person's language.

These routes carry no staff token: the person is authenticated by the personal, signed,
expiring link (services/marketing/links.py). LINK_AUTHENTICATED_PATHS declares, for the
route-walk test, the purpose and the data categories each of them serves, as `guard(...)`
does for staff routes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from rekisteri.catalogue import Category, Lang, Purpose
from rekisteri.domain.consent import ConsentPurpose
from rekisteri.domain.preferences import PAGE_KEYS
from rekisteri.domain.wording import WORDING_VERSION, channel_label, purpose_label
from rekisteri.entrypoints.api.deps import RegisterDep, public
from rekisteri.entrypoints.api.responses import RegisterRoute
from rekisteri.entrypoints.web.templating import render_page
from rekisteri.entrypoints.web.texts import TEXTS, page_words
from rekisteri.services import outbox
from rekisteri.services.marketing import preferences
from rekisteri.services.marketing.links import LinkKind, verify
from rekisteri.services.unit_of_work import Actor

router = APIRouter(tags=["preference centre"], include_in_schema=True, route_class=RegisterRoute)

_MARKETING = (Purpose.DIRECT_MARKETING, frozenset({Category.MARKETING}))
_WITH_CONTACT = (Purpose.DIRECT_MARKETING, frozenset({Category.MARKETING, Category.CONTACT}))
# Routes authenticated by a signed link, not a staff token: path -> (purpose, categories).
LINK_AUTHENTICATED_PATHS: dict[str, tuple[Purpose, frozenset[Category]]] = {
    "/preferences/{token}": _WITH_CONTACT,  # the form may send a confirmation to the e-mail
    "/preferences/confirm/{token}": _WITH_CONTACT,
    "/preferences/unsubscribe/{token}": _MARKETING,
}

ACTOR = Actor("person")  # the person acting on their own settings


def _link(path: str) -> list[Any]:
    """The route's declaration for the route walk: public, authenticated by the signed link."""
    purpose, categories = LINK_AUTHENTICATED_PATHS[path]
    reason = "the person's own settings, authenticated by their signed, expiring link"
    return [Depends(public(purpose, *categories, reason=reason))]


def _visitor(request: Request) -> preferences.Visitor:
    host = request.client.host if request.client else ""
    return preferences.Visitor(host, request.headers.get("user-agent", ""))


_SPOKEN = frozenset(lang.value for lang in Lang)


def _lang(requested: str | None, fallback: Lang) -> Lang:
    """`?lang=` when it names a language the register speaks, else the person's own."""
    return Lang(requested) if requested in _SPOKEN else fallback


def _render(
    request: Request,
    mode: str,
    lang: Lang,
    message: str | None = None,
    rows: list[dict[str, object]] | None = None,
) -> HTMLResponse:
    context = {
        "settings": request.app.state.register.settings,
        "mode": mode,
        "t": page_words(lang),
        "rows": rows or [],
        "message": message,
        "version": WORDING_VERSION,
    }
    response = render_page(request, "preferences.html", lang, context)
    response.headers["Cache-Control"] = "no-store"
    # The address holds the person's signed link: it must not leak to other sites.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _settings_page(
    request: Request, reg: RegisterDep, token: str, lang: str | None, message_key: list[str]
) -> HTMLResponse:
    with reg.reading(ACTOR) as uow:
        page = preferences.open_page(uow, token)
    language = _lang(lang, page.language)
    on = {(s.purpose, s.channel): s.on for s in page.switches}
    rows: list[dict[str, object]] = [
        {
            "key": f"{p.value}:{c}",
            "what": purpose_label(p, language),
            "channel": channel_label(c, language),
            "on": on[(p, c)],
        }
        for p, c in PAGE_KEYS
    ]
    text = " ".join(TEXTS[k].in_(language) for k in message_key) or None
    return _render(request, "settings", language, text, rows)


@router.get(
    "/preferences/{token}", response_class=HTMLResponse, dependencies=_link("/preferences/{token}")
)
def show_settings(
    request: Request, token: str, reg: RegisterDep, lang: str | None = None
) -> HTMLResponse:
    """The person's settings per purpose and channel (signed link)."""
    return _settings_page(request, reg, token, lang, [])


@router.post(
    "/preferences/{token}", response_class=HTMLResponse, dependencies=_link("/preferences/{token}")
)
def change_settings(
    request: Request,
    token: str,
    reg: RegisterDep,
    on: Annotated[list[str] | None, Form()] = None,
    lang: Annotated[str | None, Form()] = None,
) -> HTMLResponse:
    """Save the form: each changed switch becomes one ledger event with its evidence."""
    wanted: set[tuple[str, str]] = set()
    for item in on or []:
        purpose, _, channel = item.partition(":")
        wanted.add((purpose, channel))
    with reg.unit_of_work(ACTOR) as uow:
        outcome = preferences.change_settings(uow, token, wanted, _visitor(request))
    keys = ["saved"]
    if outcome.queued_mail:
        # The change is kept whatever the mail server does; what it did not take now, the
        # outbox's job sends later (services/outbox).
        sent = outbox.deliver(reg, ACTOR, outbox.smtp_mailer(reg.settings), outcome.queued_mail)
        keys.append("confirm_sent" if not (sent.failed or sent.gave_up) else "confirm_queued")
    return _settings_page(request, reg, token, lang, keys)


@router.get(
    "/preferences/confirm/{token}",
    response_class=HTMLResponse,
    dependencies=_link("/preferences/confirm/{token}"),
)
def confirm_page(request: Request, token: str, reg: RegisterDep) -> HTMLResponse:
    """A button, not an action: mail scanners open links, only people press buttons."""
    with reg.reading(ACTOR) as uow:
        payload = verify(uow.cipher, token, LinkKind.CONFIRM, uow.now())
        # The language the mail was sent in (we signed it); a link without one: the person's.
        sent_in = payload.extra.get("lang")
        lang = Lang(sent_in) if sent_in else preferences.language_of(uow, payload.person_id)
    return _render(request, "confirm", lang)


@router.post(
    "/preferences/confirm/{token}",
    response_class=HTMLResponse,
    dependencies=_link("/preferences/confirm/{token}"),
)
def confirm(request: Request, token: str, reg: RegisterDep) -> HTMLResponse:
    """Double opt-in: the e-mail consent is recorded now."""
    with reg.unit_of_work(ACTOR) as uow:
        person_id, _, _ = preferences.confirm(uow, token, _visitor(request))
        lang = preferences.language_of(uow, person_id)
    return _render(request, "done", lang, TEXTS["confirmed"].in_(lang))


@router.get(
    "/preferences/unsubscribe/{token}",
    response_class=HTMLResponse,
    dependencies=_link("/preferences/unsubscribe/{token}"),
)
def unsubscribe_page(
    request: Request, token: str, reg: RegisterDep, lang: str | None = None
) -> HTMLResponse:
    """What the link unsubscribes from, in words, and a button (mail scanners open links)."""
    with reg.reading(ACTOR) as uow:
        payload = verify(uow.cipher, token, LinkKind.UNSUBSCRIBE, uow.now())
        language = _lang(lang, preferences.language_of(uow, payload.person_id))
    what = TEXTS["unsubscribe_what"].in_(language).format(what=_what(payload.extra, language))
    return _render(request, "unsubscribe", language, what)


def _what(extra: dict[str, Any], lang: Lang) -> str:
    """The purpose and channel a link stands for, as the person reads them."""
    purpose = purpose_label(ConsentPurpose(extra["purpose"]), lang)
    channel = channel_label(str(extra["channel"]), lang)
    return f"{purpose}, {TEXTS['channel'].in_(lang).lower()}: {channel}"


@router.post(
    "/preferences/unsubscribe/{token}",
    response_class=HTMLResponse,
    dependencies=_link("/preferences/unsubscribe/{token}"),
)
def unsubscribe(
    request: Request, token: str, reg: RegisterDep, lang: str | None = None
) -> HTMLResponse:
    """RFC 8058 one-click unsubscribe: a POST with `List-Unsubscribe=One-Click`."""
    with reg.unit_of_work(ACTOR) as uow:
        preferences.one_click_unsubscribe(uow, token, _visitor(request))
        payload = verify(uow.cipher, token, LinkKind.UNSUBSCRIBE, uow.now())
        language = _lang(lang, preferences.language_of(uow, payload.person_id))
    done = TEXTS["unsubscribed"].in_(language).format(what=_what(payload.extra, language))
    return _render(request, "done", language, done)
