"""The record of processing activities on the DPO's side of the console (GDPR Art. 30(1)): the
same record `rekisteri ropa` writes, as a page, a PDF and JSON, in the page's language.

It holds no person's data (the catalogue, the settings and the recipient register, which holds
organisations), so reading it notes nothing in the audit trail; it is the DPO's alone all the
same, as the record is the DPO's to keep (guard(roles=...))."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from rekisteri.catalogue import Purpose, Role
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.entrypoints.web.staff import staff_page
from rekisteri.entrypoints.web.templating import page_language, render_document
from rekisteri.services.ropa.record import pdf_of, record_of

router = APIRouter(prefix="/console", tags=["staff console"], include_in_schema=False)

DpoOnly = Annotated[
    Principal, Depends(guard(Purpose.LEGAL_OBLIGATION, page=True, roles=(Role.DPO,)))
]


def _file(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


@router.get("/ropa", response_class=HTMLResponse)
def ropa_page(request: Request, reg: RegisterDep, who: DpoOnly) -> HTMLResponse:
    """The record in the page's language, with its PDF and JSON."""
    record = record_of(reg, page_language(request))
    return staff_page(request, reg, who, "console/ropa.html", {"record": record})


@router.get("/ropa.pdf")
def ropa_pdf(request: Request, reg: RegisterDep, who: DpoOnly) -> Response:
    record = record_of(reg, page_language(request))
    pdf = pdf_of(render_document("ropa_document.html", record.lang, {"record": record}))
    name = f"ropa-{record.lang.value}-{record.generated_on.isoformat()}.pdf"
    return Response(pdf, media_type="application/pdf", headers=_file(name))


@router.get("/ropa.json")
def ropa_json(request: Request, reg: RegisterDep, who: DpoOnly) -> JSONResponse:
    record = record_of(reg, page_language(request))
    name = f"ropa-{record.lang.value}-{record.generated_on.isoformat()}.json"
    return JSONResponse(record.as_json(), headers=_file(name))
