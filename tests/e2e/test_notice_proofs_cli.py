"""`rekisteri notice --proofs`: each claim of the statement with its words and its tests.

The listing collects the tests with pytest itself; here it collects a small directory of tests
written for the occasion (the whole suite is collected by tests/unit/test_statement_proofs.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from rekisteri.entrypoints.cli.main import app

runner = CliRunner()

MARKED = """
import pytest


@pytest.mark.proves("P6.profiling-bases")
@pytest.mark.parametrize("n", [1, 2])
def test_profiling(n):
    assert n


@pytest.mark.proves("P6.no-such-claim")
def test_typo():
    pass


def test_unmarked():
    pass
"""


def _suite(tmp_path: Path) -> Path:
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_marked.py").write_text(MARKED, encoding="utf-8")
    return tests


def test_proofs_as_json_name_the_sentence_the_tests_and_the_gaps(tmp_path: Path) -> None:
    tests = _suite(tmp_path)
    result = runner.invoke(
        app, ["notice", "--lang", "sv", "--proofs", "--json", "--tests", str(tests)]
    )
    assert result.exit_code == 1, result.output  # gaps: unproven claims, an unknown id
    out = json.loads(result.stdout)
    rows = {row["id"]: row for row in out["claims"]}
    assert out["lang"] == "sv"
    profiling = rows["P6.profiling-bases"]
    assert profiling["section"] == "purposes"
    assert "Den rättsliga grunden för profileringen är" in profiling["sentences"][0]
    # One test, however many parameters it runs with.
    assert profiling["tests"] == ["tests/test_marked.py::test_profiling"]
    assert rows["P10.no-transfers"]["tests"] == []
    gaps = "\n".join(out["gaps"])
    assert "P6.no-such-claim: a marker names this id, which is no known claim" in gaps
    assert "P10.no-transfers: the statement makes this claim; no test is marked" in gaps
    assert "P6.profiling-bases" not in gaps


def test_proofs_as_text_and_a_directory_that_cannot_be_collected(tmp_path: Path) -> None:
    tests = _suite(tmp_path)
    listed = runner.invoke(app, ["notice", "--lang", "en", "--proofs", "--tests", str(tests)])
    assert listed.exit_code == 1
    assert "P6.profiling-bases  (section purposes)" in listed.stdout
    assert "  proved by tests/test_marked.py::test_profiling" in listed.stdout
    assert "  proved by NO TEST" in listed.stdout
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "test_broken.py").write_text("import no_such_module\n", encoding="utf-8")
    refused = runner.invoke(app, ["notice", "--proofs", "--tests", str(broken)])
    assert refused.exit_code == 2 and "could not collect" in refused.output
    missing = runner.invoke(app, ["notice", "--proofs", "--tests", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "is not a directory of tests" in missing.output
    assert runner.invoke(app, ["notice", "--json"]).exit_code == 2
