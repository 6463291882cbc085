"""`rekisteri notice --lang fi|sv|en [--format text|markdown|html]`: the privacy statement (P17).

The statement is built from the catalogue, the settings and the recipient register's transfers
outside the EU/EEA (services/statement/notice.py); this module only lays it out. It creates no
database: a register not yet created has no recipients. `--proofs` lists each claim the
statement makes with the tests marked as proving it (proofs.py).
"""

from __future__ import annotations

import sys
import textwrap
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path

import typer

from rekisteri.catalogue import Lang, catalogue
from rekisteri.entrypoints.cli.common import fail, print_json, settings
from rekisteri.entrypoints.cli.proofs import CollectionFailed, check, collect_proofs
from rekisteri.entrypoints.web.formats import format_date
from rekisteri.services.access.transfers import configured_transfers
from rekisteri.services.statement.claims import known_claims
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


@dataclass
class ProofRow:
    id: str
    section: str
    sentences: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)


def proof_rows(notice: Notice, proofs: dict[str, list[str]]) -> list[ProofRow]:
    """Each claim once, in reading order: its sentences in the statement's language and tests."""
    rows: dict[str, ProofRow] = {}
    for claim in notice.claims():
        row = rows.setdefault(claim.id, ProofRow(claim.id, claim.section))
        if claim.sentence not in row.sentences:
            row.sentences.append(claim.sentence)
        row.tests = proofs.get(claim.id, [])
    return list(rows.values())


def print_proofs(notice: Notice, tests: Path, as_json: bool) -> None:
    try:
        proofs = collect_proofs(tests)
    except CollectionFailed as exc:
        fail(str(exc))
    rows = proof_rows(notice, proofs)
    verdict = check([notice], proofs, known_claims(catalogue))
    # Markers for claims only another variant of the statement makes (transfers, when none are
    # registered here) are no gap of this one; the proof test checks every variant.
    gaps = replace(verdict, stale=[]).problems()
    if as_json:
        print_json({"lang": notice.lang.value, "claims": [asdict(r) for r in rows], "gaps": gaps})
    else:
        for row in rows:
            sys.stdout.write(f"{row.id}  (section {row.section})\n")
            for sentence in row.sentences:
                for line in textwrap.wrap(sentence, WIDTH - 4, break_on_hyphens=False):
                    sys.stdout.write(f"    {line}\n")
            for test in row.tests or ["NO TEST"]:
                sys.stdout.write(f"  proved by {test}\n")
            sys.stdout.write("\n")
        n_tests = len({t for r in rows for t in r.tests})
        sys.stdout.write(f"{len(rows)} claims, {n_tests} tests marked for them\n")
        for gap in gaps:
            sys.stderr.write(f"gap: {gap}\n")
    if gaps:
        raise typer.Exit(1)


def install(app: typer.Typer) -> None:
    @app.command()
    def notice(
        lang: Lang = typer.Option(Lang.FI, "--lang", help="fi, sv or en"),
        fmt: Format = typer.Option(Format.TEXT, "--format", help="text, markdown or html"),
        proofs: bool = typer.Option(
            False,
            "--proofs",
            help="list each claim the statement makes, its words and the tests marked "
            "@pytest.mark.proves for it (collected by pytest from --tests); exit 1 on a gap",
        ),
        tests: Path = typer.Option(
            Path("tests"), "--tests", help="the test directory --proofs collects"
        ),
        as_json: bool = typer.Option(False, "--json", help="with --proofs: as JSON"),
    ) -> None:
        """Print the privacy statement, generated from the catalogue, the settings and the
        recipient register (its transfers outside the EU/EEA)."""
        own = settings()
        built = build_notice(
            catalogue,
            own,
            lang,
            recipients=regular_recipients(),
            transfers=configured_transfers(own),
        )
        if proofs:
            print_proofs(built, tests, as_json)
            return
        if as_json:
            fail("--json goes with --proofs")
        render = {
            Format.TEXT: render_text,
            Format.MARKDOWN: render_markdown,
            Format.HTML: render_html,
        }[fmt]
        sys.stdout.write(render(built))
