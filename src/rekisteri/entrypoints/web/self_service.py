"""The public form for starting a data subject request (GDPR Art. 15-21), in fi, sv and en.

Nobody is identified by a web form, so the request is created `received` with
received_how=web_form and marked as needing identity verification: the DPO checks who asked
(a callback to a known number, strong identification, an identity document) before anything is
disclosed or changed. The form asks no identity code, and its answer is the same whoever asks:
it never tells whether the register knows the person. Floods are held back by a honeypot field,
a signed start time and a count per client address (services/rights/web_form).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from rekisteri.catalogue import Category, Purpose
from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.requests import RequestKind
from rekisteri.entrypoints.api.client_address import client_address
from rekisteri.entrypoints.api.deps import RegisterDep, public
from rekisteri.entrypoints.web.templating import page_language, render_page
from rekisteri.services.rights import web_form
from rekisteri.services.unit_of_work import Actor

router = APIRouter(tags=["self-service"], include_in_schema=False)
REASON = (
    "the person's own request under GDPR Art. 15-21: anyone may make one; it is created "
    "unverified and nothing is disclosed before the requester's identity is verified"
)
SelfService = Depends(
    public(Purpose.LEGAL_OBLIGATION, Category.RIGHTS_REQUEST, Category.CONTACT, reason=REASON)
)
ACTOR = Actor("web form")
CORRECTION_MAX = 1000


def _form(
    request: Request,
    reg: RegisterDep,
    status_code: int = 200,
    *,
    started: str | None = None,
    **given: str,
) -> HTMLResponse:
    lang = page_language(request)
    context = {
        "settings": reg.settings,
        "kinds": [k.value for k in RequestKind],
        # A fresh start time each time the form is shown (sent back, it must be old enough),
        # unless the person is correcting a form whose time already passed the check: a quick
        # fix of one field is not a program filling in the form.
        "started": started or web_form.started(reg.cipher, reg.clock()),
        **given,
    }
    response = render_page(request, "request_form.html", lang, context, status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/request", response_class=HTMLResponse, dependencies=[SelfService])
def request_form(request: Request, reg: RegisterDep, kind: str = "access") -> HTMLResponse:
    return _form(request, reg, kind=kind)


@router.post("/request", response_class=HTMLResponse, dependencies=[SelfService])
def send_request(
    request: Request,
    reg: RegisterDep,
    kind: Annotated[str, Form(max_length=20)],
    name: Annotated[str, Form(max_length=200)],
    contact: Annotated[str, Form(max_length=200)],
    description: Annotated[str, Form(max_length=4000)] = "",
    correction: Annotated[str, Form(max_length=CORRECTION_MAX)] = "",
    customer_number: Annotated[str, Form(max_length=12)] = "",
    started: Annotated[str, Form(max_length=100)] = "",
    website: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse:
    """Create the request (received, unverified) and answer with its reference and due date.

    A refused post gets the form back with what the person wrote and a word on what to do:
    send it again (too fast, or the form's time is missing or old), or wait an hour or write
    to the DPO (too many from the address)."""
    lang = page_language(request)
    given = {"kind": kind, "name": name, "contact": contact, "description": description,
             "customer_number": customer_number, "correction": correction}  # fmt: skip
    # The honeypot: no person sees the field, programs that fill in every field do.
    if website:
        return _form(request, reg, 422, refused="trap", **given)
    try:
        web_form.check_started(reg.cipher, reg.settings, started, reg.clock())
        details = {
            "name": values.required_text(name, "name", max_len=200),
            "contact": values.required_text(contact, "contact", max_len=200),
            "description": values.text(description, "description", max_len=4000, required=False),
            "customer_number": values.text(
                customer_number, "customer_number", max_len=12, required=False
            ),
            # A rectification says what is wrong and what it should be: the DPO turns it into
            # the fields to correct (request changes) before fulfilling it.
            "correction": values.text(
                correction,
                "correction",
                max_len=CORRECTION_MAX,
                required=kind == RequestKind.RECTIFICATION.value,
            ),
            "language": lang.value,
        }
        address = client_address(request, reg.settings.trusted_proxies)
        with reg.unit_of_work(ACTOR) as uow:
            done = web_form.receive(uow, address, kind, {k: v for k, v in details.items() if v})
    except web_form.FormRefused as exc:
        throttled = exc.reason is web_form.Refusal.THROTTLED
        return _form(request, reg, 429 if throttled else 422, refused=exc.reason.value, **given)
    except InvalidInput as exc:
        # The start time passed its check before any field was read: keep it.
        return _form(request, reg, 422, started=started, error=exc.field, **given)
    context = {"settings": reg.settings, "done": done, "kind": kind}
    response = render_page(request, "request_receipt.html", lang, context)
    response.headers["Cache-Control"] = "no-store"
    return response
