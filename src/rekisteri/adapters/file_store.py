"""One encrypted file store for files that hold personal data: call audio, access packages
waiting for the person's download, exports later (P16).

A file is sealed as it arrives, in chunks of `CHUNK` bytes, with AES-256-GCM under a key of its
own (derived from the keyring's current key and the file's random salt, `Cipher.file_key`).
Each chunk's nonce is the file's random prefix, the chunk's index and a final-chunk flag, and
its associated data holds the file's header, its name in the store, the index and the flag: a
chunk moved, dropped, repeated, taken from another file or cut off at the end does not open.
A reader gets only chunks that have been authenticated whole, so no unverified byte is used.
Plaintext is never written to disk: at most two chunks of it are held in memory while writing.

Files are owner-only (0600) in an owner-only directory (0700), written under a temporary name
and renamed when complete. Key rotation leaves stored files as they are: each names the key id
it was sealed under, and old keys stay in the keyring, so it opens as long as its key is kept.
Destroying a file unlinks it. Its key is derived from the keyring and the salt in the file's
own header, so a copy of the file kept elsewhere (a file-system snapshot, a disk image) still
opens while the keyring does: destruction is the unlink, not the key's (docs/architecture.md).

Layout on disk: `<root>/<2 hex>/<32 hex>.rkf`; the register names a file by `store:<32 hex>`.
File format: MAGIC, key-id length (1 byte), key id (ASCII), salt (16), nonce prefix (7), then
the chunks' ciphertexts (each `CHUNK` + 16 bytes but the last, which is shorter or as long).
"""

from __future__ import annotations

import os
import re
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rekisteri.adapters.crypto import Cipher
from rekisteri.domain.errors import DamagedFile, InvalidInput

CHUNK = 64 * 1024
TAG = 16
MAGIC = b"RKF1"
PREFIX = "store:"
_NAME = re.compile(r"[0-9a-f]{32}")
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


@dataclass(frozen=True)
class StoredFile:
    ref: str  # how the register names it: store:<32 hex>
    size: int  # plaintext bytes
    key_id: str


def is_stored(ref: str | None) -> bool:
    """Whether a file reference names a file of this store (others are kept elsewhere)."""
    return ref is not None and ref.startswith(PREFIX) and bool(_NAME.fullmatch(ref[len(PREFIX) :]))


def _nonce(prefix: bytes, index: int, final: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if final else 0)


def _aad(header: bytes, name: str, index: int, final: bool) -> bytes:
    return header + name.encode() + struct.pack(">IB", index, 1 if final else 0)


class FileStore:
    def __init__(self, root: Path, cipher: Cipher, chunk_size: int = CHUNK) -> None:
        self.root = root
        self.cipher = cipher
        self.chunk_size = chunk_size

    def _path(self, name: str) -> Path:
        return self.root / name[:2] / f"{name}.rkf"

    def _name(self, ref: str) -> str:
        if not is_stored(ref):
            raise InvalidInput("file", f"{ref!r} is not a file of the register's file store")
        return ref[len(PREFIX) :]

    def _directory(self, path: Path) -> None:
        for d in (self.root, path):
            d.mkdir(mode=0o700, exist_ok=True)
            os.chmod(d, 0o700)  # whatever the umask

    def writer(self, max_bytes: int | None = None, field: str = "file") -> SealingWriter:
        """A new file, sealed as it is written; `close()` keeps it, `discard()` (or leaving the
        `with` by an error) leaves nothing. Past `max_bytes` the write is refused (InvalidInput
        naming `field`) and nothing is kept."""
        name = secrets.token_hex(16)
        self._directory(self.root / name[:2])
        return SealingWriter(self, name, max_bytes, field)

    def read(self, ref: str) -> Iterator[bytes]:
        """The file's plaintext, chunk by chunk, each authenticated before it is given. A
        damaged file raises DamagedFile at the first chunk that fails (earlier chunks were
        sound); `verify` first when nothing may be used of a damaged file."""
        name = self._name(ref)
        try:
            fh = self._path(name).open("rb")  # closed by the generator
        except FileNotFoundError:
            raise DamagedFile(f"{ref}: the file is not in the store") from None
        return self._chunks(fh, name, ref)

    def _chunks(self, fh: BinaryIO, name: str, ref: str) -> Iterator[bytes]:
        with fh:
            head = fh.read(len(MAGIC) + 1)
            if len(head) != len(MAGIC) + 1 or not head.startswith(MAGIC):
                raise DamagedFile(f"{ref}: not a file of the store")
            kid = fh.read(head[-1])
            rest = fh.read(16 + 7)
            if len(kid) != head[-1] or len(rest) != 23:
                raise DamagedFile(f"{ref}: the header is cut short")
            header = head + kid + rest
            salt, prefix = rest[:16], rest[16:]
            _, key = self.cipher.file_key(salt, kid.decode("ascii", "replace"))
            aead = AESGCM(key)
            size = self.chunk_size + TAG
            block = fh.read(size)
            index = 0
            while True:
                following = fh.read(size) if len(block) == size else b""
                final = not following
                if len(block) < TAG:
                    raise DamagedFile(f"{ref}: chunk {index} is cut short")
                try:
                    plain = aead.decrypt(
                        _nonce(prefix, index, final), block, _aad(header, name, index, final)
                    )
                except InvalidTag:
                    raise DamagedFile(
                        f"{ref}: chunk {index} fails its check (altered, moved or cut off)"
                    ) from None
                yield plain
                if final:
                    return
                block, index = following, index + 1

    def verify(self, ref: str) -> int:
        """Check every chunk of the file; its plaintext size."""
        return sum(len(c) for c in self.read(ref))

    def key_id(self, ref: str) -> str:
        with open(self._path(self._name(ref)), "rb") as fh:
            head = fh.read(len(MAGIC) + 1)
            return fh.read(head[-1]).decode("ascii", "replace")

    def exists(self, ref: str) -> bool:
        return self._path(self._name(ref)).exists()

    def destroy(self, ref: str) -> bool:
        """Remove the file; False when it was not there (already destroyed)."""
        path = self._path(self._name(ref))
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        _sync_directory(path.parent)
        return True

    def stored(self) -> Iterator[tuple[str, float]]:
        """Every file of the store, with its modification time (for the sweep of orphans)."""
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if not sub.is_dir():
                continue
            for f in sorted(sub.glob("*.rkf")):
                if _NAME.fullmatch(f.stem):
                    yield PREFIX + f.stem, f.stat().st_mtime


class SealingWriter:
    """Seals what is written into a temporary file beside the final name."""

    def __init__(self, store: FileStore, name: str, max_bytes: int | None, field: str) -> None:
        self.store, self.name, self.max_bytes, self.field = store, name, max_bytes, field
        self.path = store._path(name)
        self.tmp = self.path.with_name(f".{name}.{secrets.token_hex(4)}.tmp")
        salt, prefix = secrets.token_bytes(16), secrets.token_bytes(7)
        self.key_id, key = store.cipher.file_key(salt)
        kid = self.key_id.encode("ascii")
        self.header = MAGIC + bytes([len(kid)]) + kid + salt + prefix
        self.prefix = prefix
        self.aead = AESGCM(key)
        self.pending = bytearray()  # plaintext not yet sealed: less than two chunks
        self.index = 0
        self.size = 0
        self.done = False
        fd = os.open(self.tmp, _FLAGS, 0o600)
        os.fchmod(fd, 0o600)
        self.fh = os.fdopen(fd, "wb")
        self.fh.write(self.header)

    def __enter__(self) -> SealingWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is not None or not self.done:
            self.discard()

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.max_bytes is not None and self.size > self.max_bytes:
            self.discard()
            raise InvalidInput(self.field, f"is larger than {self.max_bytes} bytes")
        self.pending += data
        # Keep the last full chunk back: only the end of the stream tells whether it is final.
        while len(self.pending) > self.store.chunk_size:
            self._seal(bytes(self.pending[: self.store.chunk_size]), final=False)
            del self.pending[: self.store.chunk_size]

    def _seal(self, plain: bytes, *, final: bool) -> None:
        nonce = _nonce(self.prefix, self.index, final)
        self.fh.write(
            self.aead.encrypt(nonce, plain, _aad(self.header, self.name, self.index, final))
        )
        self.index += 1

    def close(self) -> StoredFile:
        """Seal the final chunk and keep the file under its name."""
        self._seal(bytes(self.pending), final=True)
        self.pending.clear()
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self.tmp, self.path)
        _sync_directory(self.path.parent)
        self.done = True
        return StoredFile(PREFIX + self.name, self.size, self.key_id)

    def discard(self) -> None:
        self.pending.clear()
        if not self.fh.closed:
            self.fh.close()
        self.tmp.unlink(missing_ok=True)
        if self.done:
            self.path.unlink(missing_ok=True)
        self.done = True


def _sync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
