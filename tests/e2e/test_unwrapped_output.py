"""Lines the command line prints are never wrapped when piped: a 200-character preference link,
a long path in an error line, each stays whole on one line, through CliRunner (not a terminal,
80 columns) and through a real pipe to another process."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rekisteri.config import Settings
from rekisteri.entrypoints.cli.main import app
from rekisteri.services.unit_of_work import RegisterApp
from tests.e2e.test_cli import BIN
from tests.integration.marketing_helpers import add_person
from tests.support.cli_login import with_login

BASE = "https://" + "preferences-" * 12 + "energia.example.fi"


@pytest.fixture
def env(settings: Settings, register: RegisterApp) -> dict[str, str]:
    return with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
            "REKISTERI_PUBLIC_BASE_URL": BASE,
        }
    )


def _piped(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # No COLUMNS: the width a pipe gets by default (80) is what wrapped these lines.
    clean = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | env
    # capture_output: both streams are pipes to this process, as in `rekisteri ... | grep`.
    return subprocess.run([BIN, *args], env=clean, capture_output=True, text=True, timeout=120)


def test_a_long_preference_link_is_one_line(register: RegisterApp, env: dict[str, str]) -> None:
    person_id = add_person(register)
    runner = CliRunner()
    result = runner.invoke(app, ["consent", "link", str(person_id)], env=env | {"COLUMNS": None})
    assert result.exit_code == 0, result.output
    link = result.stdout.rstrip("\n")
    assert len(link) >= 200 and link.startswith(f"{BASE}/preferences/") and "\n" not in link

    piped = _piped(env, "consent", "link", str(person_id))
    assert piped.returncode == 0, piped.stderr
    line = piped.stdout.rstrip("\n")
    assert len(line) >= 200 and line.startswith(f"{BASE}/preferences/") and "\n" not in line


def test_an_error_line_naming_a_long_path_is_one_line(env: dict[str, str], tmp_path: Path) -> None:
    missing = tmp_path / ("a-long-folder-name-" * 8) / "bans.csv"
    runner = CliRunner()
    result = runner.invoke(app, ["import", "bans", str(missing)], env=env | {"COLUMNS": None})
    assert result.exit_code == 2
    assert str(missing) in result.stderr and result.stderr.count("\n") == 1, result.stderr

    piped = _piped(env, "import", "bans", str(missing))
    assert piped.returncode == 2
    assert str(missing) in piped.stderr and piped.stderr.count("\n") == 1, piped.stderr


def test_a_table_piped_keeps_every_cell_whole(register: RegisterApp, env: dict[str, str]) -> None:
    """`request list` through a pipe (80 columns): the reference, kind and flags the DPO copies
    are whole, not cut with an ellipsis to fit the width."""
    person = add_person(register)
    made = CliRunner().invoke(
        app,
        [
            *("request", "new", str(person), "--kind", "rectification"),
            *("--received-how", "email", "--details", '{"changes": {"first_names": "Maija"}}'),
        ],
        env=env,
    )
    assert made.exit_code == 0, made.output
    reference = made.stdout.split(":")[0]
    piped = _piped(env, "request", "list")
    assert piped.returncode == 0, piped.stderr
    assert "…" not in piped.stdout, piped.stdout
    assert (
        reference in piped.stdout
        and "rectification" in piped.stdout
        and "unverified" in piped.stdout
    )
