"""Encryption keys: rotation."""

from __future__ import annotations

import typer

from rekisteri.domain.errors import InvalidInput
from rekisteri.entrypoints.cli.common import console, fail, job
from rekisteri.services.access import system_actors
from rekisteri.services.register import keys

app = typer.Typer(help="Encryption keys of sensitive identifiers.", no_args_is_help=True)


@app.command()
def rotate() -> None:
    """Make a new key current and re-encrypt every sensitive value under it.

    With a key file, a new key is generated and added to it (old keys stay so that a rotation
    interrupted half-way still opens everything). With REKISTERI_SECRET_KEY, put the new key
    first in the keyring yourself; this then re-encrypts what is still under older keys.
    A job: runs as the system actor system:key-rotation, once an administrator has enabled it.
    """
    reg, _ = job(system_actors.KEY_ROTATION)
    try:
        added, counts = keys.rotate(reg)
    except InvalidInput as exc:
        fail(f"{exc.field} {exc.reason}", 2)
    if added:
        console.print(added)
    for name, n in counts.items():
        console.print(f"{name}: {n} values re-encrypted under {reg.cipher.keyring.current}")
