"""The mutation score of a `make mutation` run, over the mutants its MUTANTS patterns name.

Reads `mutmut results --all true` on stdin; prints the count of each status and the score
(killed, timeouts included, over the mutants checked), then every survivor, one a line.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from collections import Counter


def main(patterns: list[str]) -> int:
    status: dict[str, str] = {}
    for line in sys.stdin:
        name, sep, verdict = line.strip().rpartition(": ")
        if sep and any(fnmatch.fnmatch(name, p) for p in patterns):
            status[name] = verdict
    counts = Counter(status.values())
    caught = counts["killed"] + counts["timeout"]
    checked = sum(n for verdict, n in counts.items() if verdict != "not checked")
    print(", ".join(f"{verdict}: {n}" for verdict, n in sorted(counts.items())))
    if checked:
        print(f"score: {caught}/{checked} = {100 * caught / checked:.1f} %")
    for name, verdict in sorted(status.items()):
        if verdict not in ("killed", "timeout", "not checked"):
            print(f"{verdict}: {name}")
    return 0


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:] or ["*"])
        sys.stdout.flush()
    except BrokenPipeError:
        # Piped into `head`, which has stopped reading: the rest goes nowhere, quietly (the
        # interpreter's own flush at exit would fail on the closed pipe again).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)
