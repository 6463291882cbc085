"""`rekisteri backup` and `rekisteri restore` from the command line: a job writes the backup
(owner-only), a restore over a register that holds data needs --replace and an administrator,
a changed backup exits 2 naming the file and the chunk, and after a restore the person erased
since the backup is still erased and `audit verify` holds."""

from __future__ import annotations

import json
import struct
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from rekisteri.adapters import backup_file
from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.domain.register import Provenance
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.rights import erasure, objection
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.cli_login import as_staff, with_login
from tests.support.registered import add_person


def _persons(reg: RegisterApp, pid: int) -> int:
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(person.c.id == pid)).scalar_one())


def test_backup_then_erase_then_restore_from_the_command_line(
    register: RegisterApp, settings: Settings, tmp_path: Path
) -> None:
    pid = add_person(register, 1)
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
            "COLUMNS": "200",
        }
    )
    administrator = as_staff(env, Role.ADMINISTRATOR)
    out = tmp_path / "nightly.backup"
    runner = CliRunner()
    taken = runner.invoke(cli, ["backup", "--out", str(out)], env=env)
    assert taken.exit_code == 0, taken.output
    assert "backup written" in taken.output and out.stat().st_mode & 0o777 == 0o600

    objects = add_person(register, 2)
    with register.unit_of_work(Actor("tietosuoja.dpo")) as uow:
        prov = Provenance.of("customer_contact", uow.now(), "letter")
        erasure.erase_person(uow, pid, prov, reason="asked by letter")
        # Not journalled (docs/backups.md): the restore must say it undoes this.
        objection.record_objection(
            uow, objects, prov, captured_how="letter", wording="Älkää markkinoiko"
        )
    assert _persons(register, pid) == 0

    refused = runner.invoke(cli, ["restore", str(out)], env=administrator)
    assert refused.exit_code == 2 and "--replace" in refused.output
    not_admin = runner.invoke(cli, ["restore", str(out), "--replace"], env=env)
    assert not_admin.exit_code == 1 and "not allowed" in not_admin.output

    restored = runner.invoke(cli, ["restore", str(out), "--replace"], env=administrator)
    assert restored.exit_code == 0, restored.output
    assert "1 erasures" in restored.output
    assert "warning: objections, marketing bans" in restored.output
    assert "the restore undoes them" in restored.output
    register.engine.dispose()
    assert _persons(register, pid) == 0
    verified = runner.invoke(cli, ["audit", "verify"], env=env)
    assert verified.exit_code == 0 and "intact" in verified.output, verified.output

    changed = bytearray(out.read_bytes())
    changed[-40] ^= 0x01
    out.write_bytes(bytes(changed))
    tampered = runner.invoke(cli, ["restore", str(out), "--replace"], env=administrator)
    assert tampered.exit_code == 2
    assert str(out) in tampered.output and "does not verify" in tampered.output

    # A crafted header (its salt not hex): one line naming the file, exit 2, no traceback.
    head = json.dumps(
        {"dialect": "sqlite", "taken_at": "x", "audit_seq": 1, "journal_position": 0, "salt": "zz"}
    ).encode()
    out.write_bytes(backup_file.MAGIC + struct.pack(">I", len(head)) + head)
    crafted = runner.invoke(cli, ["restore", str(out), "--replace"], env=administrator)
    assert crafted.exit_code == 2, crafted.output  # an uncaught ValueError would exit 1
    assert str(out) in crafted.output and "salt is not hex" in crafted.output
    assert "Traceback" not in crafted.output
