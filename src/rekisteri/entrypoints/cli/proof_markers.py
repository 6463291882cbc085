"""A pytest plugin that writes down which tests are marked as proving which claims.

Loaded only into the `pytest --collect-only` that services the proof listing (proofs.py):
it reads the `proves` markers of the collected tests, so markers are found the way pytest finds
them, never by searching the text of the test files.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

OUTPUT = "REKISTERI_PROOFS_OUT"


def test_id(nodeid: str) -> str:
    """The test's node id without its parameters: one test, whatever it runs on."""
    return re.sub(r"\[.*\]$", "", nodeid)


def pytest_collection_finish(session: Any) -> None:
    found: dict[str, set[str]] = {}
    bad: list[str] = []
    for item in session.items:
        for mark in item.iter_markers("proves"):
            if not mark.args or not all(isinstance(a, str) for a in mark.args):
                bad.append(f"{item.nodeid}: proves() takes one or more claim ids as strings")
                continue
            for claim in mark.args:
                found.setdefault(claim, set()).add(test_id(item.nodeid))
    with open(os.environ[OUTPUT], "w", encoding="utf-8") as out:
        json.dump({"proofs": {c: sorted(t) for c, t in found.items()}, "bad": bad}, out)
