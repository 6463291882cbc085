"""A register keyed by a single base64 key cannot rotate (its blind-index key is derived from
that key): `keys rotate` says so (exit 2) and names the move, and the move really works: the
keyring `keys keyring` writes opens every value, finds people by identity code, and rotates."""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path

from tests.e2e.test_cli import run
from tests.support.cli_login import with_login

HETU = "131052-308T"


def test_a_single_key_is_refused_for_rotation_and_moved_to_a_keyring_that_rotates(
    database_url: str, tmp_path: Path
) -> None:
    single = base64.b64encode(secrets.token_bytes(32)).decode()
    env = {"REKISTERI_DATABASE_URL": database_url, "REKISTERI_SECRET_KEY": single}
    assert run(env, "init").returncode == 0
    env = with_login(env)
    added = run(
        env, "customer", "add", "--source", "order", "--first-names", "Aino",
        "--last-name", "Aalto", "--hetu", HETU, "--email", "aino@example.fi",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr

    refused = run(env, "keys", "rotate")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    error = " ".join(refused.stderr.split())
    assert "single key" in error and "rekisteri keys keyring --out FILE" in error

    out = tmp_path / "moved.keys"
    moved = run(env, "keys", "keyring", "--out", str(out))
    assert moved.returncode == 0, moved.stderr
    assert out.stat().st_mode & 0o077 == 0
    keyring = json.loads(out.read_text())
    assert len(keyring["keys"]) == 2 and keyring["keys"][keyring["current"]] != single
    again = run(env, "keys", "keyring", "--out", str(out))
    assert again.returncode == 2 and "exists" in again.stderr
    assert json.loads(out.read_text()) == keyring  # never written over

    # Documented step one: the keyring as REKISTERI_SECRET_KEY, then rotate.
    as_secret = env | {"REKISTERI_SECRET_KEY": out.read_text()}
    rotated = run(as_secret, "keys", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    assert "person.personal_identity_code: 1 values re-encrypted" in rotated.stdout
    shown = run(as_secret, "customer", "show", HETU, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["person"]["personal_identity_code"] == HETU

    # Or step two: the keyring as the key file, which `keys rotate` then rotates itself.
    as_file = env | {"REKISTERI_SECRET_KEY": ""}
    as_file["REKISTERI_KEY_FILE"] = str(out)
    rotated = run(as_file, "keys", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    assert len(json.loads(out.read_text())["keys"]) == 3
    shown = run(as_file, "customer", "show", HETU, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["person"]["personal_identity_code"] == HETU
