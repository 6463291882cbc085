"""Builds the register from settings: engine, keyring, migrations."""

from __future__ import annotations

from rekisteri.adapters import audit_chain, db
from rekisteri.adapters.crypto import Cipher, KeyFile, Keyring, load_keyring, write_key_file
from rekisteri.config import Settings
from rekisteri.services.unit_of_work import RegisterApp


def open_register(settings: Settings) -> RegisterApp:
    keyring = load_keyring(settings.secret_key, settings.key_file)
    # A keyring from the key file follows that file, so a rotation by another process reaches
    # running servers; one from REKISTERI_SECRET_KEY is fixed for the life of the process.
    source = None if settings.secret_key else KeyFile(settings.key_file)
    return RegisterApp(db.make_engine(settings.database_url), Cipher(keyring, source), settings)


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
