"""The Jinja2 environment of the pages: one per language, each with its gettext catalogue.

One environment per language keeps rendering thread-safe (Jinja2's gettext is installed on
the environment, not on a render call). Templates get `_()`/`ngettext()`, the filters
`date`, `longdate`, `datetime`, `number` and `euros` in the page's formats, `word` and `coded`
for codes in the page's words, the language switch, and
`url()`, which keeps the language in every link.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from rekisteri.catalogue import Lang
from rekisteri.domain.segments import parse_rule
from rekisteri.domain.value_words import column_value_word, segment_rule_words, value_word
from rekisteri.entrypoints.web import formats
from rekisteri.entrypoints.web.i18n import LANGUAGES, negotiate, translations

STATIC_DIR = Path(__file__).with_name("static")


@cache
def environment(lang: Lang) -> Environment:
    env = Environment(
        loader=PackageLoader("rekisteri.entrypoints.web", "templates"),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = lambda d: formats.format_date(d, lang)
    env.filters["longdate"] = lambda d: formats.format_date(d, lang, "long")
    env.filters["datetime"] = lambda d: formats.format_datetime(d, lang)
    env.filters["number"] = lambda n, digits=0: formats.format_number(n, lang, digits)
    env.filters["euros"] = lambda cents: formats.format_euros(cents, lang)
    # Codes in words (domain/value_words): `member|word`, or `text|coded("table", "column")`
    # for a value a page has only as stored text.
    env.filters["word"] = lambda member: value_word(member, lang)
    env.filters["coded"] = lambda value, table, column: (
        "" if value is None else column_value_word(table, column, str(value), lang)
    )
    # A segment's rule as the services state it (`heating_type=electric`), in words.
    env.filters["segment_rule"] = lambda text: segment_rule_words(parse_rule(text), lang)
    env.globals["lang"] = lang.value
    env.globals["languages"] = LANGUAGES
    return env


def page_language(request: Request) -> Lang:
    return negotiate(request.query_params.get("lang"), request.headers.get("accept-language"))


def url_in(lang: Lang, path: str, **params: str) -> str:
    """A link on this site in `lang`: the language goes in the address, never in a cookie."""
    return f"{path}?{urlencode({**params, 'lang': lang.value})}"


def render_page(
    request: Request,
    template: str,
    lang: Lang,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    page_path: str | None = None,
) -> HTMLResponse:
    """A page in `lang`, with a language switch that leads to this same page in the others
    (`page_path` when the page answers a form's post: the switch leads to the page, not to
    the post's address)."""
    path = page_path or request.url.path
    others = {k: v for k, v in request.query_params.items() if k != "lang"}
    html = (
        environment(lang)
        .get_template(template)
        .render(
            **(context or {}),
            path=path,
            url=lambda target, **params: url_in(lang, target, **params),
            switch_url=lambda code: url_in(Lang(code), path, **others),
        )
    )
    headers = {"Content-Language": lang.value, "Vary": "Accept-Language"}
    return HTMLResponse(html, status_code=status_code, headers=headers)


def render_document(template: str, lang: Lang, context: dict[str, Any]) -> str:
    """A standalone HTML document (no site around it), such as the statement printed by the CLI."""
    css = (STATIC_DIR / "site.css").read_text(encoding="utf-8")
    return environment(lang).get_template(template).render(**context, inline_css=css)
