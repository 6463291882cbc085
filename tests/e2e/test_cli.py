"""The command line as users and scripts use it: exit codes, one clear error line, output."""

from __future__ import annotations

import base64
import importlib.metadata
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest
from typer.testing import CliRunner, Result

from rekisteri.adapters.crypto import Keyring
from rekisteri.catalogue import Role
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access import system_actors
from rekisteri.services.unit_of_work import RegisterApp
from tests.integration.test_write_path import add_prospect
from tests.support.cli_login import as_staff, enable_jobs

BIN = str(Path(sys.executable).with_name("rekisteri"))


def run(
    env: dict[str, str], *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BIN, *args],
        env={**os.environ, **env},
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=300,
    )


def cs(env: dict[str, str]) -> dict[str, str]:
    """Logged in as customer service (what `customer show` showed before there was a login)."""
    return as_staff(env, Role.CUSTOMER_SERVICE)


@pytest.fixture
def env(database_url: str, keyring: Keyring) -> dict[str, str]:
    return {
        "REKISTERI_DATABASE_URL": database_url,
        "REKISTERI_SECRET_KEY": keyring.to_json(),
        "COLUMNS": "200",
    }


def test_init_creates_a_key_file_and_the_schema_on_a_fresh_directory(tmp_path: Path) -> None:
    # No REKISTERI_ setting of the surroundings: init must find its files in the directory.
    clean = {k: v for k, v in os.environ.items() if not k.startswith("REKISTERI_")}
    result = subprocess.run(
        [BIN, "init"], cwd=tmp_path, env=clean, text=True, capture_output=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    db_file = tmp_path / "rekisteri.db"
    with sqlite3.connect(db_file) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"person", "audit_entry", "alembic_version"} <= tables, "the schema is in the new file"
    keys = tmp_path / "rekisteri.keys"
    assert keys.stat().st_mode & 0o077 == 0, "the key file is readable only by its owner"
    Keyring.from_text(keys.read_text(), "the new key file")  # a keyring that loads
    written = keys.read_bytes()
    again = subprocess.run(
        [BIN, "init"], cwd=tmp_path, env=clean, text=True, capture_output=True, timeout=120
    )
    assert again.returncode == 0 and "created a new key" not in again.stdout
    assert keys.read_bytes() == written, "a second init keeps the key the data is sealed under"


def test_demo_then_show_a_coherent_person(env: dict[str, str], tmp_path: Path) -> None:
    made = run(env, "demo", "--customers", "300", "--seed", "1")
    assert made.returncode == 0, made.stderr
    assert "300 customers" in made.stdout
    shown = run(cs(env), "customer", "show", "100001", "--json")
    assert shown.returncode == 0, shown.stderr
    view = json.loads(shown.stdout)
    code = view["person"]["personal_identity_code"]
    assert code.endswith("****") and len(code) == 11  # masked for customer service
    assert view["contact_points"] and all(c["_source"]["source"] for c in view["contact_points"])
    assert view["contracts"] and view["sites"] and view["billing_accounts"]
    pretty = run(cs(env), "customer", "show", "100001")
    assert pretty.returncode == 0 and "contact points" in pretty.stdout and "****" in pretty.stdout
    # The demo's DPO logs in with the password and the TOTP secret the demo printed once.
    password = re.search(r"dpo +demo\.tietosuoja +(\S+)", made.stdout)
    secret = re.search(r"demo\.tietosuoja: second factor \(TOTP\) secret (\S+)", made.stdout)
    assert password and secret, made.stdout
    logged = subprocess.run(
        [BIN, "login"],
        env={**os.environ, **env, "XDG_CONFIG_HOME": str(tmp_path)},
        input=f"demo.tietosuoja\n{password[1]}\n{pyotp.TOTP(secret[1]).now()}\n",
        text=True,
        capture_output=True,
        timeout=120,
    )
    assert logged.returncode == 0 and "as demo.tietosuoja (dpo)" in logged.stdout, logged.stderr


def test_demo_is_deterministic_for_a_seed(
    env: dict[str, str], tmp_path: Path, keyring: Keyring
) -> None:
    other = {**env, "REKISTERI_DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}"}
    for e in (env, other):
        assert run(e, "demo", "--customers", "50", "--seed", "42").returncode == 0
    views = [
        json.loads(run(as_staff(e, Role.DPO), "customer", "show", "100020", "--json").stdout)
        for e in (env, other)
    ]
    for v in views:
        v.pop("history", None)
    assert views[0]["person"] == views[1]["person"]
    assert views[0]["contracts"] == views[1]["contracts"]


def test_add_a_customer_from_flags_and_refuse_a_bad_identity_code(env: dict[str, str]) -> None:
    assert run(env, "init").returncode == 0
    ok = run(
        cs(env),
        "customer",
        "add",
        "--source",
        "order",
        "--source-detail",
        "T-99",
        "--first-names",
        "Aino",
        "--last-name",
        "Aalto",
        "--hetu",
        "131052-308T",
        "--email",
        "aino@example.fi",
        "--phone",
        "040 765 4321",
        "--language",
        "fi",
    )
    assert ok.returncode == 0, ok.stderr
    number = ok.stdout.split("customer number ")[1].split()[0]
    bad = run(
        cs(env),
        "customer",
        "add",
        "--source",
        "order",
        "--first-names",
        "B",
        "--last-name",
        "C",
        "--hetu",
        "131052-308X",
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0, "one clear line"
    assert "personal_identity_code" in bad.stderr and "check" in bad.stderr.lower()
    missing = run(cs(env), "customer", "show", "999999")
    assert missing.returncode == 2 and "not found" in missing.stderr
    unknown_code = run(cs(env), "customer", "show", "010101-123N")
    assert unknown_code.returncode == 2 and "not found" in unknown_code.stderr
    assert "123N" not in unknown_code.stderr  # an identity code is never echoed back
    view = json.loads(run(as_staff(env, Role.DPO), "customer", "show", number, "--json").stdout)
    assert view["person"]["personal_identity_code"] == "131052-308T"
    assert view["person"]["_source"]["detail"] == "T-99"


def test_add_from_a_json_file_and_a_prospect_without_permission(
    env: dict[str, str], tmp_path: Path
) -> None:
    assert run(env, "init").returncode == 0
    doc = tmp_path / "person.json"
    doc.write_text(
        json.dumps(
            {
                "kind": "legal",
                "organisation_name": "Esimerkki Oy",
                "business_id": "2630573-4",
                "contact_points": [{"kind": "email", "value": "info@esimerkki.example"}],
            }
        )
    )
    assert (
        run(cs(env), "customer", "add", "--source", "trade_register", "--file", str(doc)).returncode
        == 0
    )
    doc.write_text(
        json.dumps(
            {"kind": "natural", "relationship": "prospect", "first_names": "P", "last_name": "Q"}
        )
    )
    refused = run(
        cs(env), "customer", "add", "--source", "competition_or_event", "--file", str(doc)
    )
    assert refused.returncode == 2 and "P3" in refused.stderr
    doc.write_text("{not json")
    broken = run(cs(env), "customer", "add", "--source", "order", "--file", str(doc))
    assert broken.returncode == 2 and "--file" in broken.stderr


def test_rectify_from_the_command_line(env: dict[str, str]) -> None:
    assert run(env, "demo", "--customers", "20", "--seed", "3").returncode == 0
    done = run(
        cs(env),
        "customer",
        "rectify",
        "100001",
        "--set",
        "customer_class=vip",
        "--reason",
        "asked by the customer",
        "--source",
        "customer_contact",
    )
    assert done.returncode == 0 and "person.customer_class" in done.stdout
    view = json.loads(run(cs(env), "customer", "show", "100001", "--json").stdout)
    assert view["history"][-1]["new_value"] == "vip"
    bad = run(
        cs(env),
        "customer",
        "rectify",
        "100001",
        "--set",
        "shoe_size=44",
        "--reason",
        "x",
        "--source",
        "customer_contact",
    )
    assert bad.returncode == 2 and "shoe_size" in bad.stderr


def test_rectify_refuses_a_bad_birth_year_in_one_line_and_stores_a_good_one(
    env: dict[str, str], register: RegisterApp
) -> None:
    """Run in process by typer's runner: what the command itself answers (exit 2, one line)."""
    number = add_prospect(register).customer_number

    def rectify(year: str) -> Result:
        args = ["customer", "rectify", number, "--set", f"birth_year={year}", "--reason", "told"]
        return CliRunner().invoke(cli, [*args, "--source", "customer_contact"], env=cs(env))

    for junk in ("abc", "5"):
        bad = rectify(junk)
        assert bad.exit_code == 2, bad.output
        assert bad.stderr.strip().count("\n") == 0, "one clear line"
        assert "birth_year" in bad.stderr and "Traceback" not in bad.output
    done = rectify("1987")
    assert done.exit_code == 0, done.output
    assert "person.birth_year" in done.stdout
    shown = CliRunner().invoke(cli, ["customer", "show", number, "--json"], env=cs(env))
    assert json.loads(shown.stdout)["person"]["birth_year"] == 1987


def test_keys_rotate_with_a_key_file(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("REKISTERI_")}
    clean["COLUMNS"] = "200"
    assert (
        subprocess.run(
            [BIN, "demo", "--customers", "30"],
            cwd=tmp_path,
            env=clean,
            capture_output=True,
            timeout=300,
        ).returncode
        == 0
    )
    before = json.loads((tmp_path / "rekisteri.keys").read_text())
    here = {
        "REKISTERI_DATABASE_URL": f"sqlite:///{tmp_path / 'rekisteri.db'}",
        "REKISTERI_KEY_FILE": str(tmp_path / "rekisteri.keys"),
    }
    enable_jobs(here, system_actors.KEY_ROTATION)
    rotated = subprocess.run(
        [BIN, "keys", "rotate"],
        cwd=tmp_path,
        env=clean,
        text=True,
        capture_output=True,
        timeout=300,
    )
    assert rotated.returncode == 0, rotated.stderr
    after = json.loads((tmp_path / "rekisteri.keys").read_text())
    assert after["current"] != before["current"] and before["current"] in after["keys"]
    assert "re-encrypted" in rotated.stdout
    shown = subprocess.run(
        [BIN, "customer", "show", "100001", "--json"],
        cwd=tmp_path,
        env=as_staff(clean | here, Role.DPO),
        text=True,
        capture_output=True,
        timeout=60,
    )
    assert (
        shown.returncode == 0
        and len(json.loads(shown.stdout)["person"]["personal_identity_code"]) == 11
    )


def test_usage_errors_exit_2() -> None:
    result = subprocess.run([BIN, "customer", "show"], text=True, capture_output=True, timeout=60)
    assert result.returncode == 2 and "error" in result.stderr.lower()


def test_the_script_runs_main_which_maps_usage_and_domain_errors() -> None:
    scripts = importlib.metadata.entry_points(group="console_scripts")
    assert scripts["rekisteri"].value == "rekisteri.entrypoints.cli.main:main"


@pytest.mark.parametrize(
    "secret",
    [
        "not base64 at all!",
        base64.b64encode(b"sixteen byte key").decode(),  # a key of the wrong length
        '{"current": "k1", "keys": {}}',  # a keyring without its index key
        '{"current": "k2", "keys": {"k1": "' + base64.b64encode(bytes(32)).decode() + '"}, '
        '"index_key": "' + base64.b64encode(bytes(32)).decode() + '"}',
        "{broken json",
    ],
)
def test_a_malformed_secret_key_is_one_line_naming_the_setting(
    database_url: str, secret: str
) -> None:
    env = {"REKISTERI_DATABASE_URL": database_url, "REKISTERI_SECRET_KEY": secret}
    result = run(env, "customer", "show", "100001")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: REKISTERI_SECRET_KEY: ")
    assert "Traceback" not in result.stderr and secret not in result.stderr
