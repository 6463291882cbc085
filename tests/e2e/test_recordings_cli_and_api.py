"""Call recordings through the doors: `rekisteri recording add|list|play|export` and the API's
streamed PUT and GET. The audio is never on disk in plain (the data directory and the system
temporary directory are searched for a run of its samples), a body over 1 MB streams past the
form spooling and the NUL check, and a role that may not read recordings hears nothing."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.register import call_recording
from rekisteri.catalogue import Role
from rekisteri.config import Settings, file_store_path
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.e2e.test_api import token_for
from tests.integration.marketing_helpers import add_person
from tests.support.audio import marker_of, wav_bytes
from tests.support.cli_login import as_staff, with_login
from tests.support.live_server import serve

AUDIO = wav_bytes(40.0)  # 1.28 MB: more than Starlette spools in memory, many chunks
SYSTEM = Actor("tester")


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temporary directory as this process sees it, kept apart to be searched."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


@pytest.fixture
def incoming(tmp_path: Path) -> Path:
    """The phone system's drop folder: plain audio by nature, the one place not searched."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    path = folder / "call.wav"
    path.write_bytes(AUDIO)
    return path


def plain_copies(root: Path, marker: bytes) -> list[Path]:
    """Files under `root` (the drop folder aside) that hold `marker`."""
    return [
        p
        for p in root.rglob("*")
        if p.is_file() and p.parent.name != "incoming" and marker in p.read_bytes()
    ]


def recordings(reg: RegisterApp) -> int:
    with reg.reading(SYSTEM) as uow:
        return int(uow.execute(select(func.count()).select_from(call_recording)).scalar_one())


def audited(reg: RegisterApp, what: str) -> list[tuple[str, str]]:
    with reg.reading(SYSTEM) as uow:
        rows = uow.execute(
            select(audit_entry.c.actor, audit_entry.c.via).where(audit_entry.c.what == what)
        ).all()
    return [(r.actor, r.via) for r in rows]


@pytest.fixture
def cli(settings: Settings) -> Iterator[tuple[CliRunner, dict[str, str]]]:
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
            "REKISTERI_FILE_STORE_DIR": str(file_store_path(settings)),
        },
        Role.CUSTOMER_SERVICE,
    )
    yield CliRunner(), env


@pytest.mark.proves("P18.recordings-encrypted")
def test_cli_takes_in_plays_and_exports_never_a_plain_copy(
    cli: tuple[CliRunner, dict[str, str]],
    register: RegisterApp,
    incoming: Path,
    temp_dir: Path,
    tmp_path: Path,
) -> None:
    runner, env = cli
    pid = add_person(register)
    added = runner.invoke(
        app,
        ["recording", "add", str(pid), str(incoming), "--recorded-at",
         "2026-03-02T09:15:00+02:00", "--duration", "40", "--call-id", "pbx-7"],
        env=env,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    rid = int(added.output.split()[2])
    assert f"call recording {rid} added (wav, {len(AUDIO)} bytes)" in added.output
    assert plain_copies(tmp_path, marker_of(AUDIO)) == []
    assert plain_copies(temp_dir, marker_of(AUDIO)) == []

    listed = runner.invoke(app, ["recording", "list", str(pid), "--json"], env=env)
    assert listed.exit_code == 0 and '"duration_seconds": 40' in listed.output
    played = runner.invoke(app, ["recording", "play", str(rid)], env=env)
    assert played.exit_code == 0 and played.stdout_bytes == AUDIO
    out = tmp_path / "outgoing" / "call.wav"
    out.parent.mkdir()
    exported = runner.invoke(app, ["recording", "export", str(rid), "--out", str(out)], env=env)
    assert exported.exit_code == 0, exported.output
    assert out.read_bytes() == AUDIO and (out.stat().st_mode & 0o777) == 0o600
    played_by = [actor for actor, _ in audited(register, f"call recording {rid} played")]
    assert played_by == ["demo.asiakaspalvelu"]
    assert [v.split()[:3] for _, v in audited(register, f"call recording {rid} exported")] == [
        ["rekisteri", "recording", "export"]
    ]


@pytest.mark.proves("P18.recordings-encrypted")
def test_cli_refuses_what_is_not_audio_and_roles_that_may_not_hear(
    cli: tuple[CliRunner, dict[str, str]], register: RegisterApp, tmp_path: Path
) -> None:
    runner, env = cli
    pid = add_person(register)
    text = tmp_path / "call.wav"
    text.write_bytes(b"not a recording at all, just some text pretending" * 100)
    refused = runner.invoke(
        app,
        ["recording", "add", str(pid), str(text), "--recorded-at", "2026-03-02T09:15:00+02:00",
         "--duration", "40"],
        env=env,
    )  # fmt: skip
    assert refused.exit_code == 2
    assert f"{text}: AUDIO: is not audio the register takes" in " ".join(refused.output.split())
    assert recordings(register) == 0 and list(register.files.stored()) == []

    text.write_bytes(AUDIO)
    added = runner.invoke(
        app,
        ["recording", "add", str(pid), str(text), "--recorded-at", "2026-03-02T09:15:00+02:00",
         "--duration", "40"],
        env=env,
    )  # fmt: skip
    rid = added.output.split()[2]
    marketing = as_staff(env, Role.MARKETING)
    denied = runner.invoke(app, ["recording", "play", rid], env=marketing)
    assert denied.exit_code == 1 and "not allowed" in denied.output
    assert denied.stdout_bytes.find(AUDIO[:100]) == -1
    denied = runner.invoke(
        app,
        ["recording", "add", str(pid), str(text), "--recorded-at", "2026-03-02T09:15:00+02:00",
         "--duration", "40"],
        env=marketing,
    )  # fmt: skip
    assert denied.exit_code == 1 and recordings(register) == 1


def _chunks(data: bytes, size: int = 50_000) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


@pytest.mark.proves("P18.recordings-encrypted")
def test_api_streams_an_upload_over_a_megabyte_in_and_back_out(
    register: RegisterApp, temp_dir: Path, tmp_path: Path
) -> None:
    pid = add_person(register)
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    params = {"recorded_at": "2026-03-02T09:15:00+02:00", "duration_seconds": "40"}
    url = f"/api/v1/persons/{pid}/recordings"
    with serve(create_app(register)) as base, httpx.Client(base_url=base, timeout=60) as http:
        # Streamed (chunked, no Content-Length), past the 1 MiB default body limit.
        put = http.put(
            url, params=params, content=_chunks(AUDIO), headers={**cs, "Content-Type": "audio/wav"}
        )
        assert put.status_code == 201, put.text
        rid = put.json()["id"]
        assert plain_copies(tmp_path, marker_of(AUDIO)) == []
        assert plain_copies(temp_dir, marker_of(AUDIO)) == []
        got = http.get(f"/api/v1/recordings/{rid}/audio", headers=cs)
        assert got.status_code == 200 and got.content == AUDIO
        assert got.headers["content-type"] == "audio/wav"
        listed = http.get(url, headers=cs).json()
        assert [(r["id"], r["duration_seconds"], r["audio_kept"]) for r in listed] == [
            (rid, 40, True)
        ]
        # Refused, nothing stored: a wrong type, bytes that are not audio, a role that may not.
        for kind, body in (("text/plain", AUDIO), ("audio/wav", b"%PDF" + AUDIO)):
            bad = http.put(url, params=params, content=body, headers={**cs, "Content-Type": kind})
            assert bad.status_code == 422, bad.text
        ogg = http.put(
            url, params=params, content=AUDIO, headers={**cs, "Content-Type": "audio/ogg"}
        )
        assert ogg.status_code == 422 and "is audio/wav, not audio/ogg" in ogg.json()["detail"]
        mk = token_for(register, Role.MARKETING)
        assert http.get(f"/api/v1/recordings/{rid}/audio", headers=mk).status_code == 403
        put = http.put(
            url, params=params, content=AUDIO, headers={**mk, "Content-Type": "audio/wav"}
        )
        assert put.status_code == 403
    assert audited(register, f"call recording {rid} played") == [
        ("user.customer_service", "GET /api/v1/recordings/{recording_id}/audio")
    ]
    assert recordings(register) == 1 and len(list(register.files.stored())) == 1


def test_api_refuses_a_recording_over_the_limit_and_keeps_nothing(register: RegisterApp) -> None:
    small = dataclasses.replace(
        register, settings=register.settings.model_copy(update={"max_recording_bytes": 1_000_000})
    )
    pid = add_person(small)
    cs = token_for(small, Role.CUSTOMER_SERVICE)
    params = {"recorded_at": "2026-03-02T09:15:00+02:00", "duration_seconds": "40"}
    with serve(create_app(small)) as base, httpx.Client(base_url=base, timeout=60) as http:
        declared = http.put(
            f"/api/v1/persons/{pid}/recordings", params=params, content=AUDIO,
            headers={**cs, "Content-Type": "audio/wav"},
        )  # fmt: skip
        assert declared.status_code == 413
        try:
            streamed = http.put(
                f"/api/v1/persons/{pid}/recordings", params=params, content=_chunks(AUDIO),
                headers={**cs, "Content-Type": "audio/wav"},
            )  # fmt: skip
            assert streamed.status_code == 413
        except httpx.HTTPError:
            pass  # the server closed the connection mid-body: refused all the same
    assert recordings(small) == 0
    assert [p for p in file_store_path(small.settings).rglob("*") if p.is_file()] == []
