"""Segments in the console (issue 17 item 5d): the stored segments with their rules explained
in words and how many persons each places today, the form that builds a new one, and a link
to the marketing desk's audience by the segment (counts by exclusion reason). The same guard
and services as the CLI's `segment` commands (purpose profiling: marketing and the DPO)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from rekisteri.catalogue import Lang, Purpose, Words
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.segments import SegmentDefinition, SegmentField, SegmentRule, parse_rule
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.entrypoints.web.staff import staff_page
from rekisteri.entrypoints.web.templating import page_language, url_in
from rekisteri.services.marketing import segment_preview, segments

router = APIRouter(prefix="/console/segments", tags=["staff console"], include_in_schema=False)
PAGE = "/console/segments"
MAX_RULES = 10

Profiler = Annotated[Principal, Depends(guard(Purpose.PROFILING, page=True))]
ProfilerWrites = Annotated[Principal, Depends(guard(Purpose.PROFILING, writes=True, page=True))]

FIELD_WORDS: Mapping[SegmentField, Words] = {
    SegmentField.HEATING_TYPE: Words(
        "käyttöpaikan lämmitystapa", "förbrukningsställets uppvärmning", "the site's heating"
    ),
    SegmentField.HOUSING_TYPE: Words("asumismuoto", "boendeform", "housing type"),
    SegmentField.CONSUMPTION_KWH: Words(
        "arvioitu vuosikulutus, kWh", "uppskattad årsförbrukning, kWh", "yearly consumption, kWh"
    ),
    SegmentField.CONTRACT_ENDING_WITHIN_DAYS: Words(
        "määräaikainen sopimus päättyy päivän kuluessa",
        "tidsbundet avtal upphör inom dagar",
        "fixed-term contract ends within days",
    ),
    SegmentField.LANGUAGE: Words("äidinkieli", "modersmål", "mother tongue"),
    SegmentField.PERSON_KIND: Words("henkilön laji", "typ av person", "kind of person"),
}


def value_words(field: SegmentField, value: str, lang: Lang | str) -> str:
    """An enumerated value of a rule, for the page. One helper, so the register's shared
    words for codes can take its place in one line."""
    return value


def explain(rule: SegmentRule, lang: Lang | str) -> str:
    """A rule in words: 'the site's heating: electric or heat_pump'."""
    what = FIELD_WORDS[rule.field].in_(lang)
    if rule.field is SegmentField.CONSUMPTION_KWH:
        low = "" if rule.minimum is None else f"{rule.minimum}"
        high = "" if rule.maximum is None else f"{rule.maximum}"
        return f"{what}: {low}–{high}"
    if rule.field is SegmentField.CONTRACT_ENDING_WITHIN_DAYS:
        return f"{what}: {rule.days}"
    return f"{what}: " + " / ".join(value_words(rule.field, c, lang) for c in rule.choices)


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
                    "rules": [explain(r, lang) for r in definition.rules],
                    "counts": segment_preview.counts(uow, definition),
                    "created_by": s["created_by"],
                }
            )
    context = {
        "segments": shown,
        "error": error,
        "given": given or {},
        "fields": [(f.value, FIELD_WORDS[f].in_(lang)) for f in SegmentField],
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
