"""`rekisteri --help` starts without importing what the commands stand on (issue 17, item 7).

No timings here (bench/bench_cli_start.py measures them): what a start imports is what makes it
slow, and that is asserted by module name. The listing of the lazily imported commands must
read exactly as the listing of the imported ones.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import typer.main

from rekisteri.entrypoints.cli.lazy import LazyGroup
from rekisteri.entrypoints.cli.main import COMMANDS, app

# What the help path must not import: the settings (pydantic-settings), the database layer,
# the services and adapters below them, data frames, and any command module.
HEAVY = (
    "sqlalchemy",
    "pydantic_settings",
    "polars",
    "rekisteri.config",
    "rekisteri.services",
    "rekisteri.adapters",
    "rekisteri.catalogue",
    "rekisteri.entrypoints.cli.common",
    "rekisteri.entrypoints.cli.customer",
)

# Runs the `rekisteri` script's entry point as the script does, then tells which modules the
# process imported (on stderr, the help is on stdout).
PROBE = """
import json, sys
sys.argv = ["rekisteri", *sys.argv[1:]]
from rekisteri.entrypoints.cli.main import main
try:
    main()
except SystemExit as exited:
    sys.stderr.write(json.dumps({"status": exited.code, "modules": sorted(sys.modules)}))
"""


def start(*args: str) -> tuple[int, str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env={**os.environ, "COLUMNS": "200"},
        text=True,
        capture_output=True,
        timeout=120,
    )
    seen = json.loads(done.stderr.splitlines()[-1])
    return seen["status"], done.stdout, seen["modules"]


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if m in HEAVY or m.startswith(tuple(f"{h}." for h in HEAVY))]


def test_help_imports_no_settings_database_services_or_adapters() -> None:
    status, out, modules = start("--help")
    assert status == 0
    assert heavy(modules) == []
    # ... and still lists every command with its help.
    for name in COMMANDS:
        assert f" {name} " in out
    assert "Customers and prospects." in out


def test_a_group_is_imported_when_it_is_asked_for() -> None:
    status, out, modules = start("customer", "--help")
    assert status == 0 and "show" in out
    assert "rekisteri.entrypoints.cli.customer" in modules
    assert "rekisteri.entrypoints.cli.request" not in modules  # only the group asked for
    # Data frames are for consumption and exports; opening the register does not need them.
    assert "polars" not in modules


def test_the_lazy_listing_reads_as_the_imported_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")

    def listing(load: bool) -> str:
        group = typer.main.get_command(app)
        assert isinstance(group, LazyGroup)
        if load:
            group.load_all()
        with pytest.raises(SystemExit) as exited:
            group.main(["--help"], prog_name="rekisteri")
        assert exited.value.code == 0
        return capsys.readouterr().out

    lazy, loaded = listing(load=False), listing(load=True)
    assert "Log in as a staff user" in lazy
    assert lazy == loaded


def test_every_table_entry_is_a_command_of_its_module() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, LazyGroup)
    group.load_all()
    for name in COMMANDS:
        command = group.get_command(None, name)
        assert command.name == name
        assert command.callback is not None or hasattr(command, "commands")
