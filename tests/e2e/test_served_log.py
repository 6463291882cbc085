"""`rekisteri serve` logs requests without the personal data in them: an identity code given as a
person key or a search term, or a preference-centre link (which opens the person's settings),
would otherwise stand in plain text in the server's access log; so would e-mail addresses,
phone numbers, metering points and account numbers, however percent-encoded, and the values
of a statement that failed with a 500."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.services.bootstrap import open_register
from rekisteri.services.unit_of_work import RegisterApp
from tests.support.live_server import free_port
from tests.support.people import HETU
from tests.support.staff import tokens_per_role

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
LINK = "eyJlIjoxNzAwMDAwMDAwLCJrIjoicyJ9.c2lnbmF0dXJlLXRoYXQtb3BlbnMtdGhlLXBhZ2U"


def wait_until_healthy(base: str, log: Path) -> None:
    """Poll the started server's /healthz until it answers (its log is the failure's message)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)


@contextmanager
def served(settings: Settings, log: Path) -> Iterator[str]:
    """`rekisteri serve` in a process of its own, its output in `log`; yields its base URL."""
    port = free_port()
    env = os.environ | {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": settings.secret_key or "",
    }
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "rekisteri.entrypoints.cli.main", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_healthy(base, log)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=20)


def test_access_log_holds_no_identity_code_and_no_signed_link(
    settings: Settings, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    with served(settings, log) as base:
        httpx.get(f"{base}/api/v1/persons/{HETU}")
        httpx.get(f"{base}/api/v1/search", params={"q": HETU})
        httpx.get(f"{base}/preferences/{LINK}")
    text = log.read_text()
    assert "/api/v1/persons/" in text and "/preferences/" in text  # the requests were logged
    assert HETU not in text
    assert HETU.replace("+", "%2B") not in text
    assert LINK not in text


# Each identifier, and what of it must not be in the log in any spelling.
SPELLED = {
    "identity code": ("131052%2D308T", "308T"),
    "twice encoded": ("131052%252D308T", "308T"),
    "e-mail": ("ulpukka.kyllonen%40example.fi", "kyllonen"),
    "phone": ("%2B358401234567", "401234567"),
    "national phone": ("040%20765%204321", "765"),
    "metering point": ("643006966022791278", "6602279"),
    "account": ("FI21%201234%205600%200007%2085", "5600"),
}


def test_the_server_log_holds_no_personal_data_in_any_spelling_nor_a_500s_values(
    register: RegisterApp, settings: Settings, tmp_path: Path
) -> None:
    live = open_register(settings)  # the server's clock, not the test's: the token is valid now
    try:
        token = tokens_per_role(live)[Role.CUSTOMER_SERVICE]
    finally:
        live.engine.dispose()
    staff = {"Authorization": f"Bearer {token}"}
    with register.engine.begin() as conn:  # the database refuses: the request ends in a 500
        conn.execute(
            text(
                "CREATE TRIGGER refuse_persons BEFORE INSERT ON person "
                "BEGIN SELECT RAISE(ABORT, 'the database refuses'); END"
            )
        )
    person = {
        "kind": "natural",
        "first_names": "Ulpukka",
        "last_name": "Kyllönen",
        "personal_identity_code": "131052-308T",
        "source": "order",
        "contact_points": [
            {"kind": "email", "value": "ulpukka.kyllonen@example.fi"},
            {"kind": "phone", "value": "040 765 4321"},
        ],
    }
    log = tmp_path / "server.log"
    with served(settings, log) as base:
        for spelled, _ in SPELLED.values():
            httpx.get(f"{base}/api/v1/persons/{spelled}", headers=staff)
            httpx.get(f"{base}/api/v1/search?q={spelled}", headers=staff)
        httpx.get(f"{base}/preferences/{LINK.replace('.', '%2E')}")
        failed = httpx.post(f"{base}/api/v1/persons", json=person, headers=staff)
    assert failed.status_code == 500
    logged = log.read_text()
    assert "Exception in ASGI application" in logged and "INSERT INTO person" in logged
    assert "/api/v1/search?q=[haku]" in logged and "/api/v1/persons/[puhelin]" in logged
    for kind, (_, part) in SPELLED.items():
        assert part not in logged, kind
    index = register.cipher.blind_index("person.personal_identity_code", "131052-308T")
    for value in ("Ulpukka", "Kyllönen", "ulpukka", index, LINK[:20]):
        assert value not in logged, value
