"""Builds the register from settings: engine, keyring, migrations."""

from __future__ import annotations

from rekisteri.adapters import db
from rekisteri.adapters.crypto import Cipher, Keyring, load_keyring, write_key_file
from rekisteri.config import Settings
from rekisteri.services.unit_of_work import RegisterApp


def open_register(settings: Settings) -> RegisterApp:
    keyring = load_keyring(settings.secret_key, settings.key_file)
    return RegisterApp(db.make_engine(settings.database_url), Cipher(keyring), settings)


def initialise(settings: Settings) -> list[str]:
    """Create or migrate the database; create a key file when no key is configured."""
    done: list[str] = []
    if not settings.secret_key and not settings.key_file.exists():
        write_key_file(Keyring.generate(), settings.key_file)
        done.append(f"created a new key file {settings.key_file} (keep it secret, back it up)")
    db.migrate(settings.database_url)
    done.append("database schema is up to date")
    return done
