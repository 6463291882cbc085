"""`rekisteri keys rotate`, run in a process of its own while `rekisteri serve` serves: the
server keeps reading every value (the rotation re-encrypted them under a key the server did not
hold when it started) and seals what it writes afterwards under the new current key; requests
running during the rotation never get a 5xx."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from rekisteri.adapters.crypto import Cipher, Keyring, write_key_file
from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.access import system_actors
from rekisteri.services.bootstrap import open_register
from rekisteri.services.register.keys import reencrypt_all, rotate
from rekisteri.services.unit_of_work import RegisterApp
from tests.e2e.test_api import PERSON, token_for
from tests.e2e.test_served_log import wait_until_healthy
from tests.support.cli_login import enable_jobs
from tests.support.live_server import free_port
from tests.support.registered import nth_hetu

THREADS = 4


@pytest.fixture
def key_file_settings(database_url: str, tmp_path: Path) -> Settings:
    """The register keyed by a key file (the file `keys rotate` replaces), no secret setting."""
    key_file = tmp_path / "rekisteri.keys"
    write_key_file(Keyring.generate(), key_file)
    return Settings(database_url=database_url, secret_key=None, key_file=key_file)


@pytest.fixture
def reg(key_file_settings: Settings) -> Iterator[RegisterApp]:
    app = open_register(key_file_settings)
    enable_jobs(app, system_actors.KEY_ROTATION)  # `keys rotate` is a job of that actor
    yield app
    app.engine.dispose()


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "REKISTERI_SECRET_KEY"}
    return env | {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_KEY_FILE": str(settings.key_file),
    }


@contextmanager
def served(settings: Settings, log: Path) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "rekisteri.entrypoints.cli.main", "serve"]
    with log.open("w") as out:
        server = subprocess.Popen(
            [*command, "--port", str(port)],
            env=_env(settings),
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


def _rotation(settings: Settings) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "rekisteri.entrypoints.cli.main", "keys", "rotate"],
        env=_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _post(client: httpx.Client, n: int, headers: dict[str, str]) -> httpx.Response:
    body = {**PERSON, "personal_identity_code": nth_hetu(n), "source_detail": f"order {n}"}
    return client.post("/api/v1/persons", json=body, headers=headers)


def _masked(hetu: str) -> str:
    return hetu[:7] + "****"


def _key_of(reg: RegisterApp, person_id: int) -> str:
    with reg.engine.connect() as conn:
        key_id: str = conn.execute(
            select(person.c.hetu_key).where(person.c.id == person_id)
        ).scalar_one()
    return key_id


def test_a_served_process_reads_and_seals_under_a_keyring_rotated_by_another(
    reg: RegisterApp, key_file_settings: Settings, tmp_path: Path
) -> None:
    cs = token_for(reg, Role.CUSTOMER_SERVICE)
    old = Keyring.from_text(key_file_settings.key_file.read_text()).current
    with (
        served(key_file_settings, tmp_path / "server.log") as base,
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        before = _post(client, 1, cs)
        assert before.status_code == 201, before.text
        assert _key_of(reg, before.json()["id"]) == old

        rotation = _rotation(key_file_settings)
        output, _ = rotation.communicate(timeout=120)
        assert rotation.returncode == 0, output
        new = Keyring.from_text(key_file_settings.key_file.read_text()).current
        assert new != old and _key_of(reg, before.json()["id"]) == new  # re-encrypted

        read = client.get(f"/api/v1/persons/{before.json()['id']}/identity-code", headers=cs)
        assert read.status_code == 200, read.text
        # Customer service sees the code masked, which takes opening it all the same.
        assert read.json()["personal_identity_code"] == _masked(nth_hetu(1))

        after = _post(client, 2, cs)
        assert after.status_code == 201, after.text
        assert _key_of(reg, after.json()["id"]) == new
        read = client.get(f"/api/v1/persons/{after.json()['id']}/identity-code", headers=cs)
        assert read.status_code == 200 and read.json()["personal_identity_code"] == _masked(
            nth_hetu(2)
        )


def test_requests_running_during_a_rotation_get_no_server_error(
    reg: RegisterApp, key_file_settings: Settings, tmp_path: Path
) -> None:
    cs = token_for(reg, Role.CUSTOMER_SERVICE)
    statuses: list[int] = []
    failures: list[BaseException] = []
    kept = threading.Lock()
    with served(key_file_settings, tmp_path / "server.log") as base:
        with httpx.Client(base_url=base, timeout=60) as client:
            ids = [_post(client, n, cs).json()["id"] for n in range(20)]
        started = threading.Barrier(THREADS + 1)
        numbers = itertools.count(len(ids))  # identity codes of their own, below 898
        rotation_done = threading.Event()

        def work(t: int) -> None:
            # Reads of values the rotation re-encrypts and writes of new ones, from before the
            # rotation starts until a few requests after it has ended.
            with httpx.Client(base_url=base, timeout=60) as client:
                started.wait(timeout=120)
                n, after = 0, 0
                while after < 5:
                    if rotation_done.is_set():
                        after += 1
                    n += 1
                    with kept:
                        number = next(numbers) if n % 3 == 0 else None
                    try:
                        if number is None or number >= 898:
                            path = f"/api/v1/persons/{ids[(t + n) % len(ids)]}/identity-code"
                            code = client.get(path, headers=cs).status_code
                        else:
                            code = _post(client, number, cs).status_code
                    except Exception as exc:  # kept and counted with the answers
                        with kept:
                            failures.append(exc)
                        continue
                    with kept:
                        statuses.append(code)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
        for thread in threads:
            thread.start()
        started.wait(timeout=120)
        rotation = _rotation(key_file_settings)
        output, _ = rotation.communicate(timeout=300)
        rotation_done.set()
        for thread in threads:
            thread.join(timeout=300)
    assert rotation.returncode == 0, output
    assert not failures, failures[:3]
    server_errors = [s for s in statuses if s >= 500]
    assert server_errors == [], f"{len(server_errors)} of {len(statuses)} answered 5xx"
    assert set(statuses) <= {200, 201}, sorted(set(statuses))
    new = Keyring.from_text(key_file_settings.key_file.read_text()).current
    with reg.engine.connect() as conn:
        keys = set(conn.execute(select(person.c.hetu_key)).scalars())
    # Anything written while the rotation ran and sealed under the old key is opened still
    # (the old key stays in the keyring); what is written after it is under the new one.
    assert new in keys


def test_a_server_keyed_by_the_secret_setting_answers_503_naming_the_key_it_lacks(
    register: RegisterApp,
) -> None:
    """REKISTERI_SECRET_KEY cannot be re-read by a running process: after a rotation through it
    the old server does not hold the new key, and says so (503), never a 500."""
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    client = TestClient(create_app(register), raise_server_exceptions=False)
    created = client.post("/api/v1/persons", json=PERSON, headers=cs)
    assert created.status_code == 201, created.text
    rotated = register.cipher.keyring.rotated()
    elsewhere = RegisterApp(register.engine, Cipher(rotated), register.settings)
    reencrypt_all(elsewhere)

    answer = client.get(f"/api/v1/persons/{created.json()['id']}/identity-code", headers=cs)
    assert answer.status_code == 503, answer.text
    assert rotated.current in answer.json()["detail"]
    assert "restart the server" in answer.json()["detail"]


def test_two_rotations_one_after_the_other_from_a_stale_keyring_lose_no_key(
    reg: RegisterApp, key_file_settings: Settings
) -> None:
    """A rotation started by a process that read the key file before another rotation wrote it
    (two administrators, or cron and a manual run) extends the file as it is now: the other's
    new key stays, and every value sealed under it still opens."""
    client = TestClient(create_app(reg))
    headers = token_for(reg, Role.DPO)
    created = client.post(
        "/api/v1/persons",
        json={**PERSON, "personal_identity_code": nth_hetu(7), "source_detail": "order 7"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    stale = open_register(key_file_settings)  # holds the keyring as it was: one key
    try:
        first, _ = rotate(reg)  # writes a second key and seals every value under it
        assert first is not None
        second, _ = rotate(stale)  # from its stale keyring, once the first has ended
        assert second is not None
        on_file = Keyring.from_text(key_file_settings.key_file.read_text())
        assert len(on_file.keys) == 3, sorted(on_file.keys)
        fresh = open_register(key_file_settings)
        try:
            answer = TestClient(create_app(fresh)).get(
                f"/api/v1/persons/{nth_hetu(7)}/identity-code", headers=headers
            )
            assert answer.status_code == 200, answer.text
        finally:
            fresh.engine.dispose()
    finally:
        stale.engine.dispose()
