"""`rekisteri notice`: the privacy statement on the command line, in every language and format."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rekisteri.catalogue import catalogue, label
from rekisteri.entrypoints.cli.main import app

runner = CliRunner()


def test_notice_in_swedish_covers_every_category_of_the_catalogue() -> None:
    result = runner.invoke(app, ["notice", "--lang", "sv"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("DATASKYDDSBESKRIVNING")
    for category in catalogue.categories():
        assert label(category, "sv") in out, category
    for n, heading in enumerate(("PERSONUPPGIFTSANSVARIG", "KONTAKTPERSON"), start=1):
        assert f"{n}. {heading}" in out
    assert "11. KAKOR" in out and "Uppdaterad 1.11.2026" in out


@pytest.mark.parametrize(("lang", "first"), [("fi", "# Tietosuojaseloste"), ("en", "# Privacy")])
def test_notice_as_markdown(lang: str, first: str) -> None:
    result = runner.invoke(app, ["notice", "--lang", lang, "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(first)
    assert result.output.count("\n## ") == 11


def test_notice_as_a_standalone_html_document() -> None:
    result = runner.invoke(app, ["notice", "--lang", "sv", "--format", "html"])
    assert result.exit_code == 0, result.output
    html = result.output
    assert '<html lang="sv">' in html and "<style>" in html and 'id="cookies"' in html
    assert "/static/" not in html, "the document needs nothing from the server"


def test_an_unknown_language_is_bad_input_and_needs_no_database(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("REKISTERI_")}
    binary = str(Path(sys.executable).with_name("rekisteri"))
    bad = subprocess.run(
        [binary, "notice", "--lang", "de"], cwd=tmp_path, env=clean, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "de" in bad.stderr
    good = subprocess.run(
        [binary, "notice", "--lang", "fi"], cwd=tmp_path, env=clean, capture_output=True, text=True
    )
    assert good.returncode == 0 and "TIETOSUOJASELOSTE" in good.stdout
    assert list(tmp_path.iterdir()) == [], "printing the statement creates no database or key"
