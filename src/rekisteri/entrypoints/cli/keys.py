"""Encryption keys: rotation."""

from __future__ import annotations

import typer

from rekisteri.adapters.crypto import write_key_file
from rekisteri.entrypoints.cli.common import console, fail, register, settings
from rekisteri.services.register.keys import reencrypt_all

app = typer.Typer(help="Encryption keys of sensitive identifiers.", no_args_is_help=True)


@app.command()
def rotate() -> None:
    """Make a new key current and re-encrypt every sensitive value under it.

    With a key file, a new key is generated and added to it (old keys stay so that a rotation
    interrupted half-way still opens everything). With REKISTERI_SECRET_KEY, put the new key
    first in the keyring yourself; this then re-encrypts what is still under older keys.
    """
    cfg = settings()
    reg = register()
    keyring = reg.cipher.keyring
    if not cfg.secret_key:
        keyring = keyring.rotated()
        write_key_file(keyring, cfg.key_file)
        console.print(f"new key {keyring.current} added to {cfg.key_file}")
    elif len(keyring.keys) == 1 and not cfg.secret_key.strip().startswith("{"):
        fail(
            "REKISTERI_SECRET_KEY holds one key: give a keyring (JSON) with the new key "
            "current to rotate",
            2,
        )
    from rekisteri.adapters.crypto import Cipher

    reg.cipher = Cipher(keyring)
    counts = reencrypt_all(reg)
    for name, n in counts.items():
        console.print(f"{name}: {n} values re-encrypted under {keyring.current}")
