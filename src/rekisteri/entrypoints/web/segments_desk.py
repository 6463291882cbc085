"""Segments in the console (issue 17 item 5d): the stored segments with their rules explained
in words and how many persons each places today, the form that builds a new one, and a link
to the marketing desk's audience by the segment (counts by exclusion reason). The same guard
and services as the CLI's `segment` commands (purpose profiling: marketing and the DPO)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from rekisteri.catalogue import Purpose
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.segments import SegmentDefinition, SegmentField, parse_rule
from rekisteri.domain.value_words import segment_rule_words, value_word
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.entrypoints.web.staff import staff_page
from rekisteri.entrypoints.web.templating import page_language, url_in
from rekisteri.services.marketing import segment_preview, segments

router = APIRouter(prefix="/console/segments", tags=["staff console"], include_in_schema=False)
PAGE = "/console/segments"
MAX_RULES = 10

Profiler = Annotated[Principal, Depends(guard(Purpose.PROFILING, page=True))]
ProfilerWrites = Annotated[Principal, Depends(guard(Purpose.PROFILING, writes=True, page=True))]


def _page(
    request: Request,
    reg: RegisterDep,
    who: Principal,
    *,
    error: str = "",
    given: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = page_language(request)
    shown: list[dict[str, Any]] = []
    with reg.reading(who.actor) as uow:
        for s in segments.list_all(uow):
            _, definition = segments.get(uow, s["name"])
            shown.append(
                {
                    "name": s["name"],
                    "description": s["description"] or "",
                    "rules": [segment_rule_words(r, lang) for r in definition.rules],
                    "counts": segment_preview.counts(uow, definition),
                    "created_by": s["created_by"],
                }
            )
    context = {
        "segments": shown,
        "error": error,
        "given": given or {},
        "fields": [(f.value, value_word(f, lang)) for f in SegmentField],
    }
    return staff_page(request, reg, who, "console/segments.html", context, status_code)


@router.get("", response_class=HTMLResponse)
def segments_page(request: Request, reg: RegisterDep, who: Profiler) -> HTMLResponse:
    """The segments, what each places today, and the form for a new one."""
    return _page(request, reg, who)


@router.post("")
def add_segment(
    request: Request,
    reg: RegisterDep,
    who: ProfilerWrites,
    name: Annotated[str, Form(max_length=60)],
    rules: Annotated[str, Form(max_length=2000)],
    description: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Store a segment: one rule a line, FIELD=VALUE, all must hold (the CLI's rules)."""
    lines = [line.strip() for line in rules.splitlines() if line.strip()]
    try:
        if not lines or len(lines) > MAX_RULES:
            raise InvalidInput("rules", f"give 1-{MAX_RULES} rules, one a line")
        definition = SegmentDefinition(
            name.strip(), tuple(parse_rule(line) for line in lines), description.strip() or None
        )
        with reg.unit_of_work(who.actor) as uow:
            segments.add(uow, definition)
    except InvalidInput as exc:
        given = {"name": name, "rules": rules, "description": description}
        error = f"{exc.field}: {exc.reason}"
        return _page(request, reg, who, error=error, given=given, status_code=422)
    return RedirectResponse(url_in(page_language(request), PAGE), status_code=303)
