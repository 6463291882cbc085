"""The DPO's desk and the marketing desk of the staff console.

DPO: days of the last week when the public form brought more requests than the alert level,
requests by due date (overdue first), recording loans past their deadline, who read a person's
data, and the retention run's last result. Marketing: an audience by channel, purpose
and segment, its counts by exclusion reason, and the list as CSV. A list for our own marketing
is no disclosure (the reads are in the audit trail); a list for the group's companies leaves
the register and is recorded as a disclosure to the chosen recipient (P8).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from rekisteri.catalogue import Category, Lang, LawfulBasis, Purpose, Words
from rekisteri.domain import values
from rekisteri.domain.consent import Channel
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.domain.marketing import (
    AUDIENCE_PURPOSE_TITLES,
    CONTACTABLE_TITLE,
    EXCLUSION_TITLES,
    EXPLANATIONS,
    AudiencePurpose,
    Exclusion,
)
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.requests import RequestKind
from rekisteri.domain.transfers import DisclosureKind, RecipientKind
from rekisteri.domain.value_words import value_word
from rekisteri.domain.wording import channel_label
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.entrypoints.web import request_words, retention_desk
from rekisteri.entrypoints.web.i18n import translations
from rekisteri.entrypoints.web.staff import staff_page
from rekisteri.entrypoints.web.templating import page_language
from rekisteri.services import exports
from rekisteri.services.access.audit import who_read
from rekisteri.services.access.disclosures import disclose, find_recipient, list_recipients
from rekisteri.services.access.recording_loans import overdue_recording_loans
from rekisteri.services.breaches import records as breach_records
from rekisteri.services.marketing import audience as audiences
from rekisteri.services.marketing import segments
from rekisteri.services.register.person_view import resolve_person
from rekisteri.services.rights import desk, retention, web_form
from rekisteri.services.unit_of_work import UnitOfWork

router = APIRouter(prefix="/console", tags=["staff console"], include_in_schema=False)
C = Category
DM = Purpose.DIRECT_MARKETING

DpoDesk = Annotated[
    Principal,
    Depends(
        guard(Purpose.LEGAL_OBLIGATION, C.RIGHTS_REQUEST, C.RECORDING, C.ACCESS_LOG, page=True)
    ),
]
# The breach register is the DPO's (the scopes are the access log's, which only the DPO reads).
BreachDesk = Annotated[Principal, Depends(guard(Purpose.LEGAL_OBLIGATION, C.ACCESS_LOG, page=True))]
MarketingDesk = Annotated[
    Principal, Depends(guard(DM, C.MARKETING, C.CONTACT, C.IDENTITY, page=True))
]
Discloser = Annotated[Principal, Depends(guard(DM, C.DISCLOSURE, writes=True, page=True))]
COLUMNS = ("customer_number", "name", "language", "email", "phone", "street", "postal_code",
           "post_office", "country")  # fmt: skip
# The downloads are opened by people in a spreadsheet: headers and languages in the page's
# language (the CLI's --out files, read by programs and mailing houses, keep stable headers).
HEADERS: dict[str, Words] = {
    "customer_number": Words("asiakasnumero", "kundnummer", "customer number"),
    "name": Words("nimi", "namn", "name"),
    "language": Words("kieli", "språk", "language"),
    "email": Words("sähköposti", "e-post", "e-mail"),
    "phone": Words("puhelin", "telefon", "phone"),
    "street": Words("katuosoite", "gatuadress", "street address"),
    "postal_code": Words("postinumero", "postnummer", "postal code"),
    "post_office": Words("postitoimipaikka", "postort", "post office"),
    "country": Words("maa", "land", "country"),
}
LANGUAGES: dict[str, Words] = {
    "fi": Words("suomi", "finska", "Finnish"),
    "sv": Words("ruotsi", "svenska", "Swedish"),
    "en": Words("englanti", "engelska", "English"),
}
# Lists for these purposes leave the register: they go to the group's companies.
LEAVES_THE_REGISTER = frozenset({AudiencePurpose.GROUP_MARKETING})


@router.get("/dpo", response_class=HTMLResponse)
def dpo_desk(
    request: Request,
    reg: RegisterDep,
    who: DpoDesk,
    person: Annotated[str, Query(max_length=20)] = "",
    show: Annotated[str, Query(max_length=10)] = "open",
    kind: Annotated[str, Query(max_length=20)] = "",
    q: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    """What needs the DPO's attention first, and the audit trail of one person on request.
    The requests are found by state (open, due soon, overdue, done, all), kind, and reference
    or requester's name: done ones stay findable."""
    lang = page_language(request)
    _ = translations(lang).gettext
    context: dict[str, Any] = {"person": person, "trail": None, "error": ""}
    show = show if show in request_words.FILTERS else "open"
    kind = kind if kind in {k.value for k in RequestKind} else ""
    context |= {"show": show, "kind": kind, "q": q, "words": request_words}
    context["filters"] = [(f, _(w)) for f, w in request_words.FILTERS.items()]
    context["kinds"] = [(k.value, value_word(k, lang)) for k in RequestKind]
    with reg.reading(who.actor) as uow:
        listed = desk.listing(uow, show, kind, q)
        # Overdue first, then by due date (the listing is by due date already).
        if show != "done":
            listed.sort(key=lambda r: (not r["overdue"], r["due_on"]))
        context["requests"] = listed
        context["loans"] = overdue_recording_loans(uow)
        context["retention"] = retention.last_run(uow)
        context["retention_said"] = retention_desk.shown(uow, context["retention"], lang)
        context["form_alerts"] = web_form.alerts(uow)
        context["form_alert_level"] = reg.settings.request_form_daily_alert
        context["today"] = uow.today()
        if person.strip():
            try:
                context["trail"] = who_read(uow, resolve_person(uow, person.strip()), limit=200)
            except NotFound:
                context["error"] = "not found"
    return staff_page(request, reg, who, "console/dpo.html", context)


@router.get("/breaches", response_class=HTMLResponse)
def breaches_desk(request: Request, reg: RegisterDep, who: BreachDesk) -> HTMLResponse:
    """The breach register: each breach's 72-hour deadline and the time left, overdue first."""
    with reg.reading(who.actor) as uow:
        listed = breach_records.listing(uow)
    for b in listed:
        left = abs(b["remaining_seconds"]) // 60
        b["hours"], b["minutes"] = f"{left // 60}", f"{left % 60:02d}"
    listed.sort(key=lambda b: b["state"] != "overdue")  # stable: newest first within
    context = {"breaches": listed, "now": reg.clock()}
    return staff_page(request, reg, who, "console/breaches.html", context)


def _spec(uow: UnitOfWork, channel: str, purpose: str, segment: str) -> audiences.AudienceSpec:
    definition = segments.get(uow, segment)[1] if segment else None
    return audiences.AudienceSpec(
        values.enum_value(AudiencePurpose, purpose, "purpose"),
        values.enum_value(Channel, channel, "channel"),
        definition,
    )


@router.get("/marketing", response_class=HTMLResponse)
def marketing_desk(
    request: Request,
    reg: RegisterDep,
    who: MarketingDesk,
    channel: Annotated[str, Query(max_length=10)] = "",
    purpose: Annotated[str, Query(max_length=20)] = "",
    segment: Annotated[str, Query(max_length=60)] = "",
) -> HTMLResponse:
    """Build an audience and see who is left out and why (nobody's data is listed here)."""
    lang = page_language(request)
    _ = translations(lang).gettext
    context: dict[str, Any] = {
        "channel": channel,
        "purpose": purpose,
        "segment": segment,
        "channels": [(c.value, channel_label(c.value, lang)) for c in Channel],
        "purposes": [(p.value, _(AUDIENCE_PURPOSE_TITLES[p])) for p in AudiencePurpose],
        "counts": None,
        "error": "",
        "leaves": purpose in {p.value for p in LEAVES_THE_REGISTER},
    }
    with reg.reading(who.actor) as uow:
        context["segments"] = segments.list_all(uow)
        context["recipients"] = [
            r
            for r in list_recipients(uow)
            if r["active"] and r["kind"] in (RecipientKind.SUBSIDIARY, RecipientKind.PARTNER)
        ]
        if channel and purpose:
            try:
                with audiences.build(uow, _spec(uow, channel, purpose, segment)) as found:
                    context["counts"] = _count_rows(found.counts(), _)
            except (InvalidInput, NotFound) as exc:
                context["error"] = str(exc)
    return staff_page(request, reg, who, "console/marketing.html", context)


def _count_rows(counts: dict[str, int], _: Any) -> list[tuple[str, str, str, int]]:
    """(reason code, title, why, persons) in the page's language; the contactable first."""
    out = []
    for reason, n in counts.items():
        if reason == "contactable":
            out.append((reason, _(CONTACTABLE_TITLE), "", n))
        else:
            e = Exclusion(reason)
            out.append((reason, _(EXCLUSION_TITLES[e]), _(EXPLANATIONS[e]), n))
    return out


def _csv(rows: list[dict[str, Any]], lang: Lang) -> bytes:
    def cell(row: dict[str, Any], column: str) -> Any:
        value = row.get(column)
        if column == "language" and value in LANGUAGES:
            return LANGUAGES[value].in_(lang)
        return value

    header = [HEADERS[c].in_(lang) for c in COLUMNS]
    return exports.spreadsheet_csv(header, ([cell(row, c) for c in COLUMNS] for row in rows))


def _download(data: bytes, name: str) -> Response:
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/marketing/audience.csv")
def audience_csv(
    request: Request,
    reg: RegisterDep,
    who: MarketingDesk,
    channel: Annotated[str, Query(max_length=10)],
    purpose: Annotated[str, Query(max_length=20)],
    segment: Annotated[str, Query(max_length=60)] = "",
) -> Response:
    """The contactable persons for our own use: not a disclosure; each read is audited."""
    with reg.reading(who.actor) as uow:
        spec = _spec(uow, channel, purpose, segment)
        if spec.purpose in LEAVES_THE_REGISTER:
            raise RuleViolation("this list leaves the register: download it as a disclosure")
        with audiences.build(uow, spec) as found:
            data = _csv(list(found.rows()), page_language(request))
    return _download(data, f"audience-{spec.purpose.value}-{spec.channel.value}.csv")


@router.post("/marketing/disclosure.csv")
def disclosed_csv(
    request: Request,
    reg: RegisterDep,
    who: Discloser,
    channel: Annotated[str, Form(max_length=10)],
    purpose: Annotated[str, Form(max_length=20)],
    recipient: Annotated[str, Form(max_length=200)],
    segment: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    """A list that leaves the register: recorded as a disclosure to the recipient first."""
    with reg.unit_of_work(who.actor) as uow:
        spec = _spec(uow, channel, purpose, segment)
        to = find_recipient(uow, recipient)
        with audiences.build(uow, spec) as found:
            rows = list(found.rows())
        done = disclose(
            uow,
            to,
            kind=DisclosureKind.GROUP_MARKETING,
            purpose=DM,
            basis=LawfulBasis.LEGITIMATE_INTEREST,
            categories=[C.IDENTITY, C.CONTACT],
            person_ids=[r["id"] for r in rows],
            reason=coded(Reason.AUDIENCE, spec.purpose.value, spec.channel.value, to.name),
            reference=to.agreement_ref,
            required_kinds=[RecipientKind.SUBSIDIARY, RecipientKind.PARTNER],
        )
    data = _csv(rows, page_language(request))
    return _download(data, f"disclosure-{done.disclosure_id}-{spec.channel.value}.csv")
