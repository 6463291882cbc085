"""The encrypted backup file: a header, then the database's bytes in chunks of AES-GCM.

Layout: `MAGIC`, the header's length (4 bytes, big-endian), the header (JSON: what the backup
holds and the moment it was taken), then chunks, each its length (4 bytes; the top bit marks
the last chunk) and its ciphertext with the GCM tag. Every chunk's associated data is the
header's hash, the chunk's number and whether it is the last, so a changed header, a chunk
changed, dropped, repeated or moved, or a file cut short is refused when its chunk is read.

The file's key is HMAC(backup key, the file's random salt), the backup key derived from the
keyring (Cipher.derived_key): a new key per file, so chunk nonces (the chunk's number) never
repeat under one key. Bytes are encrypted as they stream in: nothing in plain text touches the
disk.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"REKISTERI-BACKUP-1\n"
CHUNK = 1 << 20  # 1 MiB of plain text per chunk
_LAST = 1 << 31
_MAX_HEADER = 64 * 1024
_TAG = 16
_SALT = re.compile(r"(?:[0-9a-f]{2}){16,64}")  # 16 to 64 bytes; new_salt() writes 32


class BackupFileError(Exception):
    """The file is not a backup, was changed, cut short, or the key is not its key."""


@dataclass(frozen=True)
class Header:
    dialect: str  # sqlite | postgresql
    taken_at: str  # ISO time, UTC
    audit_seq: int  # the last audit entry the backup holds
    # The last erasure-journal entry the backup holds: a record for people; a restore reads
    # which entries it holds from the journal itself (PostgreSQL numbers them out of order).
    journal_position: int
    salt: str  # hex, random per file

    def to_bytes(self) -> bytes:
        return json.dumps(self.__dict__, sort_keys=True, separators=(",", ":")).encode()

    @staticmethod
    def of(data: bytes) -> Header:
        try:
            raw: dict[str, Any] = json.loads(data)
            header = Header(
                str(raw["dialect"]),
                str(raw["taken_at"]),
                int(raw["audit_seq"]),
                int(raw["journal_position"]),
                str(raw["salt"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise BackupFileError(f"the backup's header cannot be read ({exc})") from None
        # The salt keys the file (_file_key): a crafted one must be refused here, in one line,
        # not fail later as a ValueError out of bytes.fromhex.
        if not _SALT.fullmatch(header.salt):
            raise BackupFileError("the backup's header cannot be read (its salt is not hex)")
        return header


def new_salt() -> str:
    return secrets.token_hex(32)


def _file_key(backup_key: bytes, header: Header) -> AESGCM:
    return AESGCM(hmac.new(backup_key, bytes.fromhex(header.salt), hashlib.sha256).digest())


def _aad(header_hash: bytes, number: int, last: bool) -> bytes:
    return header_hash + struct.pack(">Q?", number, last)


def _nonce(number: int) -> bytes:
    return struct.pack(">IQ", 0, number)


def write(out: IO[bytes], backup_key: bytes, header: Header, data: Iterable[bytes]) -> int:
    """Encrypt `data` (any pieces) into `out` in chunks; returns the plain bytes written."""
    head = header.to_bytes()
    out.write(MAGIC + struct.pack(">I", len(head)) + head)
    aead, header_hash = _file_key(backup_key, header), hashlib.sha256(head).digest()
    number, total, pending = 0, 0, bytearray()

    def emit(piece: bytes, last: bool) -> None:
        nonlocal number
        sealed = aead.encrypt(_nonce(number), piece, _aad(header_hash, number, last))
        out.write(struct.pack(">I", len(sealed) | (_LAST if last else 0)) + sealed)
        number += 1

    for piece in data:
        total += len(piece)
        pending += piece
        while len(pending) > CHUNK:
            emit(bytes(pending[:CHUNK]), False)
            del pending[:CHUNK]
    emit(bytes(pending), True)
    return total


def read_header(source: IO[bytes]) -> Header:
    """The header of the file at `source`'s start (read from where `source` is)."""
    return _header(source)[0]


def _header(source: IO[bytes]) -> tuple[Header, bytes]:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupFileError("not a backup of the register (its first bytes differ)")
    length = struct.unpack(">I", _exactly(source, 4, "the header's length"))[0]
    if length > _MAX_HEADER:
        raise BackupFileError("the backup's header is too long")
    raw = _exactly(source, length, "the header")
    return Header.of(raw), raw


def chunks(source: IO[bytes], backup_key: bytes) -> Iterator[bytes]:
    """The plain bytes of the file at `source`'s start, chunk by chunk, each verified before it
    is given; raises BackupFileError at the first chunk that does not open (changed, out of
    place, the wrong key) or when the file ends before its last chunk or goes on after it."""
    header, raw = _header(source)
    header_hash = hashlib.sha256(raw).digest()
    aead = _file_key(backup_key, header)
    number = 0
    while True:
        word = struct.unpack(">I", _exactly(source, 4, f"chunk {number}"))[0]
        last, length = bool(word & _LAST), word & ~_LAST
        if length > CHUNK + _TAG:
            raise BackupFileError(f"chunk {number} is longer than any chunk the register writes")
        sealed = _exactly(source, length, f"chunk {number}")
        try:
            plain = aead.decrypt(_nonce(number), sealed, _aad(header_hash, number, last))
        except InvalidTag:
            raise BackupFileError(
                f"chunk {number} does not verify: the file was changed, or it was made under "
                "another keyring"
            ) from None
        yield plain
        number += 1
        if last:
            if source.read(1):
                raise BackupFileError("bytes follow the backup's last chunk")
            return


def verify(source: IO[bytes], backup_key: bytes) -> int:
    """Read every chunk of the file at `source`'s start (nothing kept); the plain size.
    Raises BackupFileError."""
    return sum(len(c) for c in chunks(source, backup_key))


def _exactly(source: IO[bytes], n: int, what: str) -> bytes:
    data = source.read(n)
    if len(data) != n:
        raise BackupFileError(f"the backup ends inside {what}: it was cut short")
    return data
