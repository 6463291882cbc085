"""`rekisteri serve` logs requests without the identity codes and signed links in them: an
identity code given as a person key or a search term, or a preference-centre link (which opens
the person's settings), would otherwise stand in plain text in the server's access log."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rekisteri.config import Settings
from tests.support.live_server import free_port
from tests.support.people import HETU

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
LINK = "eyJlIjoxNzAwMDAwMDAwLCJrIjoicyJ9.c2lnbmF0dXJlLXRoYXQtb3BlbnMtdGhlLXBhZ2U"


def test_access_log_holds_no_identity_code_and_no_signed_link(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    env = os.environ | {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": settings.secret_key or "",
    }
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "rekisteri.entrypoints.cli.main", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            httpx.get(f"{base}/api/v1/persons/{HETU}")
            httpx.get(f"{base}/api/v1/search", params={"q": HETU})
            httpx.get(f"{base}/preferences/{LINK}")
        finally:
            server.terminate()
            server.wait(timeout=20)
    text = log.read_text()
    assert "/api/v1/persons/" in text and "/preferences/" in text  # the requests were logged
    assert HETU not in text
    assert HETU.replace("+", "%2B") not in text
    assert LINK not in text
