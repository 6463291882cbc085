"""`rekisteri notice --lang fi|sv|en [--format text|markdown|html]`: the privacy statement (P17).

The statement is built from the catalogue and the settings
(services/statement/notice.py); this module only lays it out. It needs no database.
"""

from __future__ import annotations

import sys
import textwrap
from enum import StrEnum

import typer

from rekisteri.catalogue import Lang, catalogue
from rekisteri.entrypoints.cli.common import settings
from rekisteri.entrypoints.web.formats import format_date
from rekisteri.services.statement.notice import Heading, Lines, Notice, Paragraph, build_notice
from rekisteri.services.statement.recipients import regular_recipients

WIDTH = 88


class Format(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"


def render_text(notice: Notice) -> str:
    out: list[str] = [notice.title.upper(), notice.subtitle, notice.register_name, ""]

    def para(s: str, indent: str = "", first: str | None = None) -> None:
        out.extend(
            textwrap.wrap(
                s,
                WIDTH,
                initial_indent=indent if first is None else first,
                subsequent_indent=indent,
                break_on_hyphens=False,
            )
        )

    for section in notice.sections:
        out.append(f"{section.number}. {section.title.upper()}")
        out.append("")
        for block in section.blocks:
            if isinstance(block, Paragraph):
                para(block.text)
            elif isinstance(block, Lines):
                out.extend(block.lines)
            elif isinstance(block, Heading):
                out.append(block.text)
                out.append("-" * len(block.text))
                continue
            else:
                for item in block.items:
                    para(f"{item.term}: {item.text}" if item.text else item.term, "  ", "• ")
                    for note in item.notes:
                        para(note, "      ", "    – ")
            out.append("")
    out.append(f"{notice.updated_label} {format_date(notice.updated_on, notice.lang)}")
    return "\n".join(out) + "\n"


def render_markdown(notice: Notice) -> str:
    out: list[str] = [f"# {notice.title}", "", f"*{notice.subtitle}*", "", notice.register_name, ""]
    for section in notice.sections:
        out += [f"## {section.number}. {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(block.text)
            elif isinstance(block, Lines):
                out.append("  \n".join(block.lines))
            elif isinstance(block, Heading):
                out.append(f"### {block.text}")
            else:
                for item in block.items:
                    out.append(f"- **{item.term}**" + (f": {item.text}" if item.text else ""))
                    out.extend(f"  - {note}" for note in item.notes)
            out.append("")
    out.append(f"{notice.updated_label} {format_date(notice.updated_on, notice.lang)}")
    return "\n".join(out) + "\n"


def render_html(notice: Notice) -> str:
    from rekisteri.entrypoints.web.templating import render_document

    return render_document("notice_document.html", notice.lang, {"notice": notice})


def install(app: typer.Typer) -> None:
    @app.command()
    def notice(
        lang: Lang = typer.Option(Lang.FI, "--lang", help="fi, sv or en"),
        fmt: Format = typer.Option(Format.TEXT, "--format", help="text, markdown or html"),
    ) -> None:
        """Print the privacy statement, generated from the catalogue and the settings."""
        built = build_notice(catalogue, settings(), lang, recipients=regular_recipients())
        render = {
            Format.TEXT: render_text,
            Format.MARKDOWN: render_markdown,
            Format.HTML: render_html,
        }[fmt]
        sys.stdout.write(render(built))
