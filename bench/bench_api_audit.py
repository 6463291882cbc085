"""What the audit trail costs a read: GET /api/v1/persons/{key} with audit on and off.

One run: a fresh register (SQLite by default; --backend postgresql starts a PostgreSQL server
with its durable defaults, fsync and synchronous_commit on; or --database-url), a
customer-service token, then the API served by uvicorn with 2 worker processes, loaded from a
second process on localhost (wrk from Debian when it can be had, else a bounded Python load
generator). Each setting is measured --rounds times, alternating (the machine is shared, so its
neighbours' load comes and goes); the best and the median round are reported, each round's own
cost, and the server's CPU per request (uvicorn workers, and the PostgreSQL server when this
script started it), which a busy machine disturbs far less than requests per second. The
machine's own limit beside it: the same server answering /healthz (no login, no personal data,
one trivial query).

What "audit on" promises here: a response leaves only after its entry is committed (reads of
concurrent requests share one commit, adapters/audit_appender.py). How durable that commit is:
PostgreSQL (as started here) flushes its WAL to disk before the commit returns, so an answered
read's entry survives a power cut. SQLite with WAL and synchronous=NORMAL (the default) survives
the process being killed, but a power cut or an OS crash can roll back the last transactions
before the WAL was synced at a checkpoint (the chain then ends earlier and still verifies, but
entries of reads already answered are gone); --sqlite-synchronous full syncs every commit.

    python bench/bench_api_audit.py [--seconds 10] [--connections 16] [--rounds 3]
        [--backend sqlite|postgresql] [--database-url URL] [--sqlite-synchronous normal|full]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.postgres import PostgresServer

from rekisteri.adapters.crypto import Keyring
from rekisteri.catalogue import Purpose, Role
from rekisteri.config import Settings
from rekisteri.demo.customers import generate
from rekisteri.services.access import accounts
from rekisteri.services.bootstrap import initialise, open_register
from rekisteri.services.unit_of_work import Actor


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wrk() -> str | None:
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "wrk"],
            capture_output=True,
            timeout=300,
            check=False,
        )
    return shutil.which("wrk")


def _prepare(env: dict[str, str], customers: int) -> tuple[str, str]:
    settings = Settings(
        **{  # type: ignore[arg-type]
            k.removeprefix("REKISTERI_").lower(): v
            for k, v in env.items()
            if k.startswith("REKISTERI_")
        }
    )
    initialise(settings)
    reg = open_register(settings)
    result = generate(reg, customers, seed=7)
    with reg.unit_of_work(Actor("bench")) as uow:
        accounts.add_user(uow, "bench.cs", Role.CUSTOMER_SERVICE)
        token = accounts.issue_token(uow, "bench.cs", "bench", [Purpose.CUSTOMER_RELATIONSHIP])
    reg.engine.dispose()
    return token, result.sample_customer_numbers[0]


class Server:
    def __init__(self, env: dict[str, str], audit: bool) -> None:
        self.port = _free_port()
        # The audit may be off only in benchmark mode; each server process then records that
        # it ran with the audit off (a gap `audit verify` names).
        off = {"REKISTERI_AUDIT_ENABLED": "false", "REKISTERI_MODE": "benchmark"}
        self.env = env | ({"REKISTERI_AUDIT_ENABLED": "true"} if audit else off)
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = ""

    @property
    def pgid(self) -> int:
        assert self.proc is not None
        return self.proc.pid  # start_new_session: the server leads its own process group

    def __enter__(self) -> Server:
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn",
                "rekisteri.entrypoints.api.app:create_app_from_environment", "--factory",
                "--host", "127.0.0.1", "--port", str(self.port), "--workers", "2",
                "--log-level", "warning", "--no-access-log",
            ],
            env=self.env,
            start_new_session=True,
        )  # fmt: skip
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    self.base = base
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def __exit__(self, *_: Any) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _load_wrk(wrk: str, url: str, headers: dict[str, str], seconds: int, conns: int) -> dict:
    args = [wrk, "-t2", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    out = subprocess.run(
        [*args, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": int(errors.group(1)) if errors else 0}


def _python_load(url: str, headers: dict[str, str], seconds: int, conns: int) -> dict:
    """Runs in a child process (see main): threads each with one keep-alive connection."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        mine, bad = [], 0
        with httpx.Client(headers=headers, timeout=10) as client:
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                ok = client.get(url).status_code == 200
                mine.append(time.perf_counter() - t0)
                bad += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    n = len(latencies)
    return {
        "rps": n / elapsed,
        "p50": latencies[n // 2] * 1000,
        "p99": latencies[min(n - 1, int(n * 0.99))] * 1000,
        "errors": errors[0],
    }


_TICK = os.sysconf("SC_CLK_TCK")


def _process_cpu(wanted: Callable[[int, int, int], bool]) -> float:
    """CPU seconds (user + system, and of reaped children) of the processes `wanted(pid, ppid,
    pgrp)` picks, from /proc: on a shared machine the server's CPU per request is steadier
    than its requests per second."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        ppid, pgrp = int(fields[1]), int(fields[2])
        if wanted(int(entry.name), ppid, pgrp):
            total += sum(int(f) for f in fields[11:15])
    return total / _TICK


def server_cpu(server_pgid: int, postmaster: int | None) -> Callable[[], float]:
    """The uvicorn master and workers, and the PostgreSQL server with its backends."""

    def wanted(pid: int, ppid: int, pgrp: int) -> bool:
        return pgrp == server_pgid or (postmaster is not None and postmaster in (pid, ppid))

    return lambda: _process_cpu(wanted)


def measure(
    base: str,
    path: str,
    headers: dict[str, str],
    seconds: int,
    conns: int,
    cpu: Callable[[], float],
) -> dict:
    url = base + path
    wrk = _wrk()
    if wrk:
        _load_wrk(wrk, url, headers, 2, conns)  # warm-up
        before = cpu()
        result = _load_wrk(wrk, url, headers, seconds, conns) | {"tool": "wrk"}
    else:
        # A second process, so the load generator does not share this script's interpreter.
        spec = json.dumps([url, headers, seconds, conns])
        here = str(Path(__file__).parent)
        code = (
            f"import json,sys; sys.path.insert(0, {here!r}); import bench_api_audit as b; "
            "a=json.loads(sys.argv[1]); print(json.dumps(b._python_load(*a)))"
        )
        before = cpu()
        out = subprocess.run(
            [sys.executable, "-c", code, spec], capture_output=True, text=True, check=True,
            timeout=seconds + 60,
        )  # fmt: skip
        result = json.loads(out.stdout) | {"tool": "python threads"}
    served = max(1.0, result["rps"] * seconds)
    return result | {"cpu_ms": (cpu() - before) * 1000 / served}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", default=None, help="an existing empty database")
    parser.add_argument(
        "--sqlite-synchronous",
        choices=("normal", "full"),
        default="normal",
        help="full: every commit synced to disk (an answered read's entry survives power loss)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rekisteri-bench-"))
    server: PostgresServer | None = None
    url = args.database_url
    if url is None and args.backend == "postgresql":
        server = PostgresServer(durable=True)
        server.start()
        admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE bench"))
        admin.dispose()
        url = server.url("bench")
    env = dict(os.environ)
    env["REKISTERI_DATABASE_URL"] = url or f"sqlite:///{work / 'bench.db'}"
    env["REKISTERI_SECRET_KEY"] = Keyring.generate().to_json()
    env["REKISTERI_SQLITE_SYNCHRONOUS"] = args.sqlite_synchronous.upper()
    try:
        token, number = _prepare(env, args.customers)
        auth = {"Authorization": f"Bearer {token}"}
        runs: dict[str, list[dict]] = {"limit": [], "off": [], "on": []}
        postmaster = server.postmaster_pid() if server is not None else None
        for round_ in range(args.rounds):
            with Server(env, audit=True) as served:
                cpu = server_cpu(served.pgid, postmaster)
                runs["limit"].append(
                    measure(served.base, "/healthz", {}, args.seconds, args.connections, cpu)
                )
            for audit in (False, True):
                with Server(env, audit=audit) as served:
                    cpu = server_cpu(served.pgid, postmaster)
                    path = f"/api/v1/persons/{number}"
                    r = measure(served.base, path, auth, args.seconds, args.connections, cpu)
                key = "on" if audit else "off"
                runs[key].append(r)
                print(
                    f"round {round_ + 1} audit {key}: {r['rps']:.0f} req/s, "
                    f"{r['cpu_ms']:.2f} server CPU ms/request",
                    file=sys.stderr,
                )
        backend = env["REKISTERI_DATABASE_URL"].split(":")[0]
        if server is not None:
            backend += " (durable: fsync and synchronous_commit on)"
        elif backend == "sqlite":
            backend += f" (WAL, synchronous={args.sqlite_synchronous.upper()})"
        for pick in ("best", "median"):
            _report({k: _pick(v, pick) for k, v in runs.items()}, backend, args, pick)
        _report_rounds(runs)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def _report_rounds(runs: dict[str, list[dict]]) -> None:
    """Each round's cost from its own neighbouring off and on runs (the noise shows here), and
    the cost in server CPU per request (steadier on a shared machine: when the server is
    CPU-bound, throughput falls by the share of CPU the audit adds)."""
    pairs = list(zip(runs["off"], runs["on"], strict=True))
    costs = [1 - on["rps"] / off["rps"] for off, on in pairs]
    print("audit cost of throughput per round: " + ", ".join(f"{c:.1%}" for c in costs))
    cpu = [1 - off["cpu_ms"] / on["cpu_ms"] for off, on in pairs]
    print(
        "share of server CPU per request the audit takes, per round: "
        + ", ".join(f"{c:.1%}" for c in cpu)
        + f" (median {statistics.median(cpu):.1%})"
    )


def _pick(runs: list[dict], how: str) -> dict:
    ordered = sorted(runs, key=lambda r: r["rps"])
    return ordered[-1] if how == "best" else ordered[len(ordered) // 2]


def _report(results: dict[str, dict], backend: str, args: argparse.Namespace, pick: str) -> None:
    rows = [
        ("GET /healthz (machine's HTTP limit)", results["limit"]),
        ("GET /api/v1/persons/{key}, audit off", results["off"]),
        ("GET /api/v1/persons/{key}, audit on", results["on"]),
    ]
    print(
        f"\nAPI read of one customer: {backend}, uvicorn 2 workers, {args.connections} "
        f"connections, {args.seconds} s x {args.rounds} rounds per setting, {pick} round, "
        f"load by {results['on']['tool']}"
    )
    print(
        f"{'what':<42} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'CPU ms/req':>10}"
    )
    for name, r in rows:
        print(
            f"{name:<42} {r['rps']:>8.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>8} "
            f"{r['cpu_ms']:>10.2f}"
        )
    cost = 1 - results["on"]["rps"] / results["off"]["rps"]
    verdict = "within" if cost < 0.20 else "OVER"
    print(f"audit costs {cost:.1%} of throughput ({verdict} the 20 % target)")


if __name__ == "__main__":
    main()
