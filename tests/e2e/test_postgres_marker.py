"""The `postgres` marker selects exactly the cases that run on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# One module with tests on the `database_url` fixture's own parameters, one parametrising it
# indirectly per case.
MODULES = ["tests/integration/test_encryption.py", "tests/hostile/test_hostile_files.py"]


def collected(*args: str) -> list[str]:
    env = {**os.environ, "REKISTERI_TEST_BACKENDS": "sqlite,postgresql"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            *args,
            *MODULES,
        ],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_the_postgres_marker_selects_the_postgresql_cases_and_only_them() -> None:
    everything = collected()
    on_postgresql = collected("-m", "postgres")
    assert on_postgresql, "-m postgres selects the PostgreSQL cases"
    assert all("postgresql" in case for case in on_postgresql)
    rest = set(everything) - set(on_postgresql)
    assert rest and not any("postgresql" in case for case in rest), "each of them is marked"
    assert set(MODULES) == {case.split("::")[0] for case in on_postgresql}
