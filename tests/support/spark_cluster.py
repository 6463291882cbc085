"""A real Spark standalone cluster on localhost: a master and workers of one core each, every
one its own Java process, started from the PySpark wheel's `spark-class` (the wheel has no
start-master.sh). The archive's jobs run on it as on a real cluster; only the master URL
differs (docs/scale.md). Used by tests/integration/test_archive_jobs.py and bench/."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(log: Path, pattern: str, count: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        if len(re.findall(pattern, text)) >= count:
            return
        if proc.poll() is not None:
            raise RuntimeError(f"a Spark process exited ({proc.returncode}):\n{text[-3000:]}")
        time.sleep(0.2)
    raise RuntimeError(f"Spark did not start in time; {log}:\n{log.read_text()[-3000:]}")


@contextmanager
def standalone_cluster(workdir: Path, workers: int = 2, memory: str = "1g") -> Iterator[str]:
    """Start the cluster, yield its master URL (spark://127.0.0.1:PORT), stop it."""
    if shutil.which("java") is None:
        raise RuntimeError("no Java runtime: scripts/system-deps.sh installs one")
    home = spark_home()
    workdir.mkdir(parents=True, exist_ok=True)
    env = os.environ | {
        "SPARK_HOME": str(home),
        # The workers' scratch space, outside site-packages.
        "SPARK_WORKER_DIR": str(workdir / "work"),
        "SPARK_LOCAL_DIRS": str(workdir / "local"),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_NO_DAEMONIZE": "1",
    }
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    procs: list[subprocess.Popen[bytes]] = []

    def start(name: str, *args: str) -> tuple[subprocess.Popen[bytes], Path]:
        log = workdir / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [str(home / "bin" / "spark-class"), *args],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        procs.append(proc)
        return proc, log

    try:
        master, master_log = start(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(_free_port()),
        )  # fmt: skip
        _wait_for(master_log, r"Starting Spark master at", 1, master)
        for n in range(workers):
            start(
                f"worker-{n}",
                "org.apache.spark.deploy.worker.Worker",
                url, "--cores", "1", "--memory", memory, "--host", "127.0.0.1",
                "--webui-port", str(_free_port()), "--work-dir", str(workdir / f"work-{n}"),
            )  # fmt: skip
        _wait_for(master_log, r"Registering worker", workers, master)
        yield url
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, 15)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
