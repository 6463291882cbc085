"""Key rotation: re-encrypt every sensitive value still sealed under an older key.

Works in batches, each its own transaction: an interrupted rotation leaves every value readable
(old keys stay in the keyring) and the next run carries on where it stopped. The run is one
operation for the audit trail: one change entry names every person whose sealed values were
sealed again (RegisterApp.changing tracks the batches' writes).
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Table, select, update

from rekisteri.adapters.crypto import Cipher, Keyring, key_file_lock, write_key_file
from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.register import attribute_change
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.catalogue import catalogue
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.unit_of_work import Actor, RegisterApp, Transaction

BATCH = 2000


def rotate(reg: RegisterApp, actor: Actor | None = None) -> tuple[str | None, dict[str, int]]:
    """Make a new key current and re-encrypt every sensitive value under it.

    With a key file, a new key is generated and added to it (old keys stay, so a rotation
    interrupted half-way still opens everything); returns what was done to the file. With
    REKISTERI_SECRET_KEY the operator puts the new key first in the keyring; this then
    re-encrypts what is still under older keys.
    """
    cfg = reg.settings
    keyring = reg.cipher.keyring
    if not cfg.secret_key:
        # One rotation at a time, from the file as it is now (another may just have written it),
        # keeping every key this process holds.
        with key_file_lock(cfg.key_file):
            on_file = Keyring.from_text(cfg.key_file.read_text(), str(cfg.key_file))
            held = Keyring(on_file.current, {**keyring.keys, **on_file.keys}, on_file.index_key)
            keyring = held.rotated()
            write_key_file(keyring, cfg.key_file)
            reg.cipher = Cipher(keyring, reg.cipher.source)
            return f"new key {keyring.current} added to {cfg.key_file}", reencrypt_all(reg, actor)
    if len(keyring.keys) == 1 and not cfg.secret_key.strip().startswith("{"):
        raise InvalidInput(
            "REKISTERI_SECRET_KEY",
            "holds a single key, from which the blind-index key is derived, so it cannot "
            "rotate: move to a keyring first with 'rekisteri keys keyring --out FILE', then "
            "set REKISTERI_SECRET_KEY to that file's content (or unset it and set "
            "REKISTERI_KEY_FILE=FILE) and run 'rekisteri keys rotate' again",
        )
    reg.cipher = Cipher(keyring, reg.cipher.source)
    return None, reencrypt_all(reg, actor)


def to_keyring(reg: RegisterApp, out: Path) -> Keyring:
    """Write a keyring that holds the register's keys as they are, its blind-index key written
    out (with a single key it is derived from that key, which is why a single key cannot
    rotate), and a new current key: values under the old key keep opening, lookups keep
    matching, and `keys rotate` with this keyring re-encrypts under the new key. The file is
    created owner-only and never written over."""
    if out.exists() or out.is_symlink():
        raise InvalidInput(
            "--out", f"{out} exists: give a new file (a keyring is never overwritten)"
        )
    keyring = reg.cipher.keyring.rotated()
    write_key_file(keyring, out)
    return keyring


def reencrypt_all(reg: RegisterApp, actor: Actor | None = None) -> dict[str, int]:
    """Every value under an older key sealed again; the run's change entry names `actor` (the
    job's system actor, when the command line runs it)."""
    with reg.changing(actor or Actor.system("key rotation")) as transaction:
        return _reencrypt_all(reg, transaction)


def _reencrypt_all(reg: RegisterApp, transaction: Transaction) -> dict[str, int]:
    current = reg.cipher.keyring.current
    counts: dict[str, int] = {}
    for attr in catalogue.encrypted():
        table: Table = metadata.tables[attr.table]
        ct_col, key_col, _ = (table.c[c] for c in attr.columns)
        done = 0
        while True:
            with transaction() as conn:
                rows = conn.execute(
                    select(table.c.id, ct_col, key_col)
                    .where(key_col.is_not(None), key_col != current)
                    .limit(BATCH)
                ).all()
                for row in rows:
                    plain = reg.cipher.open(attr.key, row[1], row[2])
                    sealed = reg.cipher.seal(attr.key, plain)
                    conn.execute(
                        update(table)
                        .where(table.c.id == row[0])
                        .values({ct_col.name: sealed.ciphertext, key_col.name: sealed.key_id})
                    )
            done += len(rows)
            if len(rows) < BATCH:
                break
        counts[attr.key] = done
    counts["attribute_change"] = _reencrypt_history(reg, transaction, current)
    counts["rights_request"] = _reencrypt_request_details(reg, transaction, current)
    return counts


def _reencrypt_history(reg: RegisterApp, transaction: Transaction, current: str) -> int:
    encrypted = [a.key for a in catalogue.encrypted()]
    done = 0
    with transaction() as conn:
        rows = conn.execute(
            select(
                attribute_change.c.id,
                attribute_change.c.attribute,
                attribute_change.c.old_value,
                attribute_change.c.new_value,
            ).where(attribute_change.c.attribute.in_(encrypted))
        ).all()
        for row in rows:
            values = {}
            for side in ("old_value", "new_value"):
                token = getattr(row, side)
                kid = reg.cipher.text_key_id(token) if token else None
                if kid and kid != current:
                    values[side] = reg.cipher.seal_text(
                        row.attribute, reg.cipher.open_text(row.attribute, token)
                    )
            if values:
                conn.execute(
                    update(attribute_change).where(attribute_change.c.id == row.id).values(**values)
                )
                done += 1
    return done


def _reencrypt_request_details(reg: RegisterApp, transaction: Transaction, current: str) -> int:
    """A rectification request keeps the corrected sensitive values sealed in its details."""
    done = 0
    with transaction() as conn:
        rows = conn.execute(
            select(rights_request.c.id, rights_request.c.details).where(
                rights_request.c.details.like('%"enc:%')
            )
        ).all()
        for row in rows:
            details = json.loads(row.details)
            changes = details.get("changes") or {}
            moved = False
            for field, token in changes.items():
                kid = reg.cipher.text_key_id(token) if isinstance(token, str) else None
                if kid and kid != current:
                    key = f"person.{field}"
                    changes[field] = reg.cipher.seal_text(key, reg.cipher.open_text(key, token))
                    moved = True
            if moved:
                conn.execute(
                    update(rights_request)
                    .where(rights_request.c.id == row.id)
                    .values(details=json.dumps(details, ensure_ascii=False))
                )
                done += 1
    return done
