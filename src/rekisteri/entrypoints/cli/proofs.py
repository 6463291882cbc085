"""Which tests prove which claim of the privacy statement (`rekisteri notice --proofs`).

The tests are found by pytest's own collection, in a subprocess (`pytest --collect-only` with
the plugin in proof_markers.py), so a marker counts only where pytest sees it on a test.
`check` compares the claims of a set of statements with the markers: a claim without a test, a
marker naming a claim no statement makes, or an id nobody knows is each a gap.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import rekisteri
from rekisteri.entrypoints.cli.proof_markers import OUTPUT
from rekisteri.services.statement.model import Notice


class CollectionFailed(Exception):
    """pytest could not collect the tests, so the proofs are unknown."""


def collect_proofs(tests: Path) -> dict[str, list[str]]:
    """Each claim id the tests under `tests` are marked with, and the node ids of those tests."""
    if not tests.is_dir():
        raise CollectionFailed(f"{tests} is not a directory of tests")
    root = tests.resolve().parent
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "proofs.json"
        # The plugin comes from this very package, wherever the tests are run from.
        here = str(Path(rekisteri.__file__).resolve().parents[1])
        path = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, OUTPUT: str(out), "PYTHONPATH": path}
        # The command is fixed: this interpreter running pytest on the given directory.
        done = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "pytest",
                "--collect-only",
                "-q",
                "-p",
                "rekisteri.entrypoints.cli.proof_markers",
                "-p",
                "no:cacheprovider",
                str(tests.resolve().relative_to(root)),
            ],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not out.exists():
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            raise CollectionFailed(f"pytest could not collect {tests}:\n{tail}")
        data = json.loads(out.read_text(encoding="utf-8"))
    if data["bad"]:
        raise CollectionFailed("\n".join(data["bad"]))
    proofs: dict[str, list[str]] = data["proofs"]
    return proofs


@dataclass(frozen=True)
class ProofCheck:
    unproven: list[str] = field(default_factory=list)  # claims made, no test marked
    stale: list[str] = field(default_factory=list)  # markers for claims no statement makes
    unknown: list[str] = field(default_factory=list)  # markers for ids the claims list lacks
    unlisted: list[str] = field(default_factory=list)  # made, but not in the claims list

    @property
    def holds(self) -> bool:
        return not (self.unproven or self.stale or self.unknown or self.unlisted)

    def problems(self) -> list[str]:
        return (
            [
                f"{c}: the statement makes this claim; no test is marked for it"
                for c in self.unproven
            ]
            + [f"{c}: tests are marked for it but no statement makes it" for c in self.stale]
            + [f"{c}: a marker names this id, which is no known claim" for c in self.unknown]
            + [f"{c}: the statement makes it but the claims list lacks it" for c in self.unlisted]
        )


def check(
    notices: Iterable[Notice], proofs: Mapping[str, list[str]], known: Iterable[str]
) -> ProofCheck:
    made = set().union(*(n.claim_ids() for n in notices))
    known_ids = set(known)
    marked = set(proofs)
    return ProofCheck(
        unproven=sorted(made - marked),
        stale=sorted((marked & known_ids) - made),
        unknown=sorted(marked - known_ids),
        unlisted=sorted(made - known_ids),
    )
