"""How fast the `rekisteri` command starts (issue 17, item 7).

Times, as subprocesses, the best of N runs of each:

    python -c pass                          the machine's floor: a bare Python start
    rekisteri --help                        target: within 0.3 s of the floor
    rekisteri customer --help
    rekisteri customer show 100001          target: under 0.8 s (logged in, a small demo register)

and prints each beside the floor and its target; then the help path's `-X importtime` figures
(less noisy than wall clock on a loaded machine): the cumulative import time, the biggest
packages imported and the project's own modules. Best of N, since a shared machine only ever adds
time.

Python compiles a module's source each time it is imported without its bytecode cache, and
an environment with PYTHONDONTWRITEBYTECODE set (and no __pycache__ beside the sources, as in a
source checkout) pays that on every start: more than the imports themselves. An installed
package has its bytecode; the bench measures that way by default, with a cache of its own
(PYTHONPYCACHEPREFIX in a temporary directory: the source tree is left as it is) warmed by one
run of each command. `--no-bytecode-cache` measures the environment as it is instead. Usage:

    python bench/bench_cli_start.py [--runs 7] [--customers 20] [--no-bytecode-cache]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.cli_login import with_login

SCRIPT = Path(sys.executable).with_name("rekisteri")
CLI = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "rekisteri.entrypoints.cli.main"]
MAIN_MODULE = "rekisteri.entrypoints.cli.main"


def best_of(runs: int, command: Sequence[str], env: Mapping[str, str]) -> float:
    best = float("inf")
    subprocess.run(command, env=dict(env), capture_output=True, timeout=300)  # warms the cache
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, env=dict(env), capture_output=True, text=True, timeout=300)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
        best = min(best, elapsed)
    return best


def demo_register(directory: Path, customers: int) -> dict[str, str]:
    """A small demo register in SQLite, and the environment of a logged-in DPO on it."""
    env = {
        **os.environ,
        "REKISTERI_DATABASE_URL": f"sqlite:///{directory / 'bench.db'}",
        "REKISTERI_KEY_FILE": str(directory / "keys.json"),
        "COLUMNS": "120",
    }
    for args in (["init"], ["demo", "--customers", str(customers), "--readings-days", "1"]):
        done = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            sys.exit(f"rekisteri {' '.join(args)} failed: {done.stderr.strip()}")
    return with_login(env)


IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_times(
    args: Sequence[str], env: Mapping[str, str]
) -> tuple[int, list[tuple[int, str]], list[str]]:
    """What the command imports: the cumulative import time (µs) of everything imported at
    the top level (under -m the command module runs as __main__, so its imports are those),
    that time by top-level package, biggest first, and the project's modules imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", MAIN_MODULE, *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    by_package: dict[str, int] = {}
    ours: list[str] = []
    for line in done.stderr.splitlines():
        found = IMPORT_LINE.match(line)
        if found is None:
            continue
        cumulative, depth, name = int(found[2]), len(found[3]), found[4]
        if depth == 1:
            package = name.split(".")[0]
            by_package[package] = by_package.get(package, 0) + cumulative
        if name.startswith("rekisteri"):
            ours.append(name)
    packages = sorted(((us, name) for name, us in by_package.items()), reverse=True)
    return sum(by_package.values()), packages, sorted(ours)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--customers", type=int, default=20)
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run as the environment is (with PYTHONDONTWRITEBYTECODE: every start compiles)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        env = demo_register(Path(directory), args.customers)
        if args.no_bytecode_cache:
            mode = f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')}"
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(directory) / "bytecode")
            mode = "bytecode cached, as installed"
        floor = best_of(args.runs, [sys.executable, "-c", "pass"], env)
        timed = [
            ("rekisteri --help", ["--help"], f"within 0.3 s of the floor ({floor + 0.3:.3f} s)"),
            ("rekisteri customer --help", ["customer", "--help"], "-"),
            ("rekisteri customer show 100001", ["customer", "show", "100001"], "under 0.8 s"),
        ]
        print(f"best of {args.runs} runs, as subprocesses ({sys.executable}; {mode})")
        print(f"{'command':34} {'best s':>8} {'- floor':>8}  target")
        print(f"{'python -c pass (the floor)':34} {floor:8.3f} {0:8.3f}  -")
        for label, command_args, target in timed:
            best = best_of(args.runs, [*CLI, *command_args], env)
            print(f"{label:34} {best:8.3f} {best - floor:8.3f}  {target}")

        for command_args in (["--help"], ["customer", "--help"]):
            total, packages, ours = import_times(command_args, env)
            print(f"\npython -X importtime -m {MAIN_MODULE} {' '.join(command_args)}:")
            print(f"  imports, cumulative: {total / 1000:.0f} ms; by top-level package:")
            for cumulative, name in packages[:12]:
                print(f"  {cumulative / 1000:8.1f} ms  {name}")
            print(f"  the project's modules ({len(ours)}): {' '.join(ours[:12])}", end="")
            print(" ..." if len(ours) > 12 else "")


if __name__ == "__main__":
    main()
