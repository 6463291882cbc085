"""Builds the register from settings: engine, keyring, migrations."""

from __future__ import annotations

import os

from rekisteri.adapters import audit_chain, db
from rekisteri.adapters.crypto import Cipher, KeyFile, Keyring, load_keyring, write_key_file
from rekisteri.config import Settings
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.unit_of_work import RegisterApp


def check_audit_switch(settings: Settings) -> None:
    """The audit trail (P7) is off only in benchmark mode, to measure what it costs."""
    if not settings.audit_enabled and settings.mode != "benchmark":
        raise InvalidInput(
            "REKISTERI_AUDIT_ENABLED",
            "false is refused: the audit trail may be off only to measure what it costs, "
            "with REKISTERI_MODE=benchmark, never in production",
        )


def open_register(settings: Settings) -> RegisterApp:
    """The register for these settings. With the audit off (benchmark mode only), the process
    first writes a keyed entry saying so: the gap in the trail is on record, and `audit
    verify` names it."""
    check_audit_switch(settings)
    keyring = load_keyring(settings.secret_key, settings.key_file)
    # A keyring from the key file follows that file, so a rotation by another process reaches
    # running servers; one from REKISTERI_SECRET_KEY is fixed for the life of the process.
    source = None if settings.secret_key else KeyFile(settings.key_file)
    reg = RegisterApp(db.make_engine(settings.database_url), Cipher(keyring, source), settings)
    if not settings.audit_enabled:
        _record_audit_off(reg)
    return reg


def _record_audit_off(reg: RegisterApp) -> None:
    entry = audit_chain.NewEntry(
        actor="system",
        role=None,
        subject_self=None,
        purpose=None,
        via=f"process {os.getpid()}",
        action=audit_chain.AUDIT_OFF_ACTION,
        outcome="allowed",
        categories=(),
        person_ids=(),
        what=f"the audit trail is off in this process (REKISTERI_MODE={reg.settings.mode}): "
        "what it reads and changes is not recorded",
    )
    with reg.engine.begin() as connection:
        audit_chain.append(connection, reg.cipher.audit_key, [entry], reg.clock())


def initialise(settings: Settings) -> list[str]:
    """Create or migrate the database; create a key file when no key is configured; begin a
    new register's audit trail with its first, keyed entry (a trail that later turns out empty
    was wiped, not never written)."""
    done: list[str] = []
    if not settings.secret_key and not settings.key_file.exists():
        write_key_file(Keyring.generate(), settings.key_file)
        done.append(f"created a new key file {settings.key_file} (keep it secret, back it up)")
    db.migrate(settings.database_url)
    done.append("database schema is up to date")
    reg = open_register(settings)
    try:
        with reg.engine.begin() as connection:
            began = audit_chain.begin(
                connection,
                reg.cipher.audit_key,
                actor="system",
                via="rekisteri init",
                at=reg.clock(),
            )
    finally:
        reg.engine.dispose()
    if began:
        done.append("audit trail begun")
    return done
