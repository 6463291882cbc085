"""Encryption keys: rotation, and the move from a single key to a keyring."""

from __future__ import annotations

from pathlib import Path

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

    Servers keyed by the key file follow it: they seal under the new key and open what was
    re-encrypted without a restart. Servers keyed by REKISTERI_SECRET_KEY cannot re-read it:
    restart them with the new keyring (until then they answer 503 for re-encrypted values).

    A job: runs as the system actor system:key-rotation, once an administrator has enabled it.
    """
    reg, actor = job(system_actors.KEY_ROTATION)
    try:
        added, counts = keys.rotate(reg, actor)
    except InvalidInput as exc:
        fail(f"{exc.field} {exc.reason}", 2)
    if added:
        console.print(added)
    for name, n in counts.items():
        console.print(f"{name}: {n} values re-encrypted under {reg.cipher.keyring.current}")


@app.command()
def keyring(
    out: Path = typer.Option(..., "--out", help="The new keyring file (created owner-only)."),
) -> None:
    """Move from a single base64 key to a keyring that can rotate.

    Writes a keyring holding the current key, the blind-index key (derived from a single key,
    now written out so it stays the same) and a new current key. Then either set
    REKISTERI_SECRET_KEY to the file's content, or unset it and set REKISTERI_KEY_FILE to the
    file, and run 'rekisteri keys rotate' to re-encrypt every value under the new key.

    Key management: runs as the system actor system:key-rotation, as `keys rotate` does.
    """
    reg, _ = job(system_actors.KEY_ROTATION)
    try:
        made = keys.to_keyring(reg, out)
    except InvalidInput as exc:
        fail(f"{exc.field}: {exc.reason}", 2)
    console.print(
        f"keyring written to {out}: keys {', '.join(sorted(made.keys))}, current {made.current}",
        soft_wrap=True,
    )
    console.print(
        "next: point REKISTERI_SECRET_KEY or REKISTERI_KEY_FILE at it and run "
        "'rekisteri keys rotate'",
        soft_wrap=True,
    )
