"""The register of recipients in the console (issue 17 item 5c): the organisations data is
disclosed to (group companies for group marketing, partners, authorities, institutes), and a
form to add one. Whoever may record a disclosure for the register's legal obligations may keep
this register (the CLI's `disclose recipient` rule: the same guard and the same service); the
marketing desk's group list offers the group companies added here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from rekisteri.catalogue import Category, Lang, Purpose, Words, label
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.transfers import RecipientKind, Safeguard
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.entrypoints.web.staff import staff_page
from rekisteri.entrypoints.web.templating import page_language, url_in
from rekisteri.services.access import disclosures
from rekisteri.services.ropa.texts import RECIPIENT_KIND_WORDS

router = APIRouter(prefix="/console/recipients", tags=["staff console"], include_in_schema=False)
PAGE = "/console/recipients"
LEGAL = Purpose.LEGAL_OBLIGATION

Keeper = Annotated[Principal, Depends(guard(LEGAL, Category.DISCLOSURE, page=True))]
KeeperWrites = Annotated[
    Principal, Depends(guard(LEGAL, Category.DISCLOSURE, writes=True, page=True))
]

SAFEGUARD_WORDS: Mapping[str, Words] = {
    Safeguard.ADEQUACY: Words(
        "komission tietosuojan riittävyyttä koskeva päätös",
        "kommissionens beslut om adekvat skyddsnivå",
        "the Commission's adequacy decision",
    ),
    Safeguard.SCC: Words(
        "vakiosopimuslausekkeet", "standardavtalsklausuler", "standard contractual clauses"
    ),
    Safeguard.BCR: Words(
        "yritystä koskevat sitovat säännöt",
        "bindande företagsbestämmelser",
        "binding corporate rules",
    ),
}


def value_words(field: str, value: str | None, lang: Lang | str) -> str:
    """An enumerated value of a recipient in words (the value itself if it has none). One
    helper, so the register's shared words for codes can take its place in one line."""
    if not value:
        return ""
    try:
        if field == "kind":
            return RECIPIENT_KIND_WORDS[RecipientKind(value)].in_(lang)
        if field == "safeguard":
            return SAFEGUARD_WORDS[Safeguard(value)].in_(lang)
        if field == "purpose":
            return label(Purpose(value), lang)
    except (ValueError, KeyError):
        pass
    return value


def _page(
    request: Request,
    reg: RegisterDep,
    who: Principal,
    *,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    lang = page_language(request)
    with reg.reading(who.actor) as uow:
        found = disclosures.list_recipients(uow)
    rows = [
        {
            "name": r["name"],
            "kind": value_words("kind", r["kind"], lang),
            "country": r["country"],
            "business_id": r["business_id"] or "",
            "purposes": "; ".join(value_words("purpose", p, lang) for p in r["purposes"].split()),
            "safeguard": value_words("safeguard", r["safeguard"], lang),
            "agreement": r["agreement_ref"] or "",
        }
        for r in found
    ]
    context = {
        "rows": rows,
        "error": error,
        "kinds": [(k.value, value_words("kind", k.value, lang)) for k in RecipientKind],
        "safeguards": [(s.value, value_words("safeguard", s.value, lang)) for s in Safeguard],
        "purposes": [(p.value, value_words("purpose", p.value, lang)) for p in Purpose],
    }
    return staff_page(request, reg, who, "console/recipients.html", context, status_code)


@router.get("", response_class=HTMLResponse)
def recipients_page(request: Request, reg: RegisterDep, who: Keeper) -> HTMLResponse:
    """Every recipient, and the form to add one."""
    return _page(request, reg, who)


@router.post("")
def add_recipient(
    request: Request,
    reg: RegisterDep,
    who: KeeperWrites,
    name: Annotated[str, Form(max_length=200)],
    kind: Annotated[str, Form(max_length=30)],
    country: Annotated[str, Form(max_length=2)],
    purpose: Annotated[list[str], Form(max_length=len(Purpose))],
    agreement: Annotated[str, Form(max_length=200)] = "",
    safeguard: Annotated[str, Form(max_length=20)] = "",
    safeguard_ref: Annotated[str, Form(max_length=200)] = "",
    business_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Add a recipient; a country outside the EU/EEA needs its safeguard (the same rules as
    the CLI's)."""
    try:
        with reg.unit_of_work(who.actor) as uow:
            disclosures.add_recipient(
                uow,
                name,
                kind,
                country,
                purpose,
                agreement_ref=agreement or None,
                safeguard=safeguard or None,
                safeguard_ref=safeguard_ref or None,
                business_id=business_id or None,
            )
    except InvalidInput as exc:
        return _page(request, reg, who, error=f"{exc.field}: {exc.reason}", status_code=422)
    return RedirectResponse(url_in(page_language(request), PAGE), status_code=303)
