"""A real OpenID provider for the sign-on tests: tests/oidc/provider.mjs (the npm package
oidc-provider) on Node, started on a free local port with one client and the accounts' groups
in a JSON file the test may rewrite between logins.

Node and the package are installed by `make test` (scripts/system-deps.sh runs `npm ci` in
tests/oidc); without them the test is skipped with the reason, or fails under CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[1] / "oidc"
SCRIPT = HERE / "provider.mjs"
CLIENT_ID = "rekisteri"


@dataclass
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    accounts: Path

    def set_groups(self, **groups: list[str]) -> None:
        """The groups of each account from the next login on."""
        self.accounts.write_text(json.dumps(groups), encoding="utf-8")


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):  # CI installs Node and the package (make test)
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def openid_provider(
    port: int, app_url: str, directory: Path, **groups: list[str]
) -> Iterator[Provider]:
    """The provider on 127.0.0.1:`port`, its client redirecting to the register at `app_url`."""
    node = shutil.which("node")
    if node is None:
        _unavailable("Node.js is missing: the sign-on test needs it (scripts/system-deps.sh)")
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        _unavailable("oidc-provider is not installed: run `npm ci` in tests/oidc (make test)")
    provider = Provider(
        f"http://127.0.0.1:{port}", CLIENT_ID, "a client secret of the test provider",
        directory / "accounts.json",
    )  # fmt: skip
    provider.set_groups(**groups)
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": provider.client_id,
        "OIDC_CLIENT_SECRET": provider.client_secret,
        "OIDC_REDIRECT_URI": f"{app_url}/login/sso/callback",
        "OIDC_POST_LOGOUT_URI": f"{app_url}/login",
        "OIDC_ACCOUNTS": str(provider.accounts),
    }
    log = directory / "provider.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(node), str(SCRIPT)], cwd=HERE, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 30
            while b"ready " not in log.read_bytes():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the OpenID provider did not start: {log.read_text()}")
                time.sleep(0.05)
            yield provider
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
