"""Encryption at rest for sensitive identifiers (AES-GCM) and keyed blind indexes (HMAC-SHA256).

Keys come from REKISTERI_SECRET_KEY or a key file; never from the repository. A keyring holds
several encryption keys (each value stores the id of the key that sealed it, so keys can rotate)
and one blind-index key, which does not rotate with them, so lookups keep working.

A cipher loaded from a key file follows that file: `rekisteri keys rotate`, run in another
process while servers run, replaces it, and every cipher re-reads it before it seals (so new
values go under the new current key) and when asked to open a value under a key it does not
hold (so values the rotation re-encrypted keep opening).
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from rekisteri.adapters.private_files import replacing
from rekisteri.domain.errors import KeyringError

SECRET_KEY_SETTING = "REKISTERI_SECRET_KEY"  # noqa: S105 - the setting's name, not a secret


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, bytes]
    index_key: bytes

    @staticmethod
    def generate() -> Keyring:
        kid = "k" + secrets.token_hex(4)
        return Keyring(kid, {kid: AESGCM.generate_key(bit_length=256)}, secrets.token_bytes(32))

    def rotated(self) -> Keyring:
        kid = "k" + secrets.token_hex(4)
        return Keyring(kid, {**self.keys, kid: AESGCM.generate_key(bit_length=256)}, self.index_key)

    def to_json(self) -> str:
        return json.dumps(
            {
                "current": self.current,
                "keys": {k: _b64(v) for k, v in self.keys.items()},
                "index_key": _b64(self.index_key),
            },
            indent=2,
        )

    @staticmethod
    def from_text(text: str, origin: str = SECRET_KEY_SETTING) -> Keyring:
        """A keyring (JSON) or a single base64 key; `origin` names where the text came from in
        the one-line error a malformed one gets (never the text itself: it is the secret)."""
        try:
            return Keyring._parse(text.strip())
        except KeyringError as exc:
            raise KeyringError(f"{origin}: {exc}") from None
        except (ValueError, KeyError, TypeError, AttributeError):
            raise KeyringError(
                f"{origin}: not a keyring (JSON with current, keys, index_key) nor a "
                "32-byte base64 key"
            ) from None

    @staticmethod
    def _parse(text: str) -> Keyring:
        if text.startswith("{"):
            data = json.loads(text)
            keys = {str(k): _key(v) for k, v in data["keys"].items()}
            if data["current"] not in keys:
                raise KeyringError("the keyring's current key is not among its keys")
            return Keyring(data["current"], keys, _key(data["index_key"]))
        # A single base64 key: the index key is derived from it, so it cannot rotate.
        key = _key(text)
        kid = "e" + hashlib.sha256(key).hexdigest()[:8]
        index = HKDF(SHA256(), 32, salt=None, info=b"rekisteri blind index").derive(key)
        return Keyring(kid, {kid: key}, index)


def _key(text: str) -> bytes:
    key = _unb64(text)
    if len(key) != 32:
        raise KeyringError("a key must be 32 bytes, base64-encoded")
    return key


def load_keyring(secret: str | None, key_file: Path) -> Keyring:
    if secret:
        return Keyring.from_text(secret)
    if key_file.exists():
        return Keyring.from_text(key_file.read_text(), f"the key file {key_file}")
    raise KeyringError(f"no key: set {SECRET_KEY_SETTING} or create {key_file} (rekisteri init)")


def write_key_file(keyring: Keyring, key_file: Path) -> None:
    """Write atomically with owner-only permissions: a half-written keyring loses data. The
    temporary file has a random name and is created exclusively: a link planted at a known name
    would otherwise receive the keys."""
    with replacing(key_file) as fh:
        fh.write(keyring.to_json().encode())


@contextmanager
def key_file_lock(key_file: Path) -> Iterator[None]:
    """Hold the key file's lock (`<key file>.lock`, owner-only) while a rotation reads, extends
    and writes the keyring and re-encrypts under it: two rotations at once would each write a
    keyring without the other's new key, and values sealed under the lost key would never open
    again. A second rotation waits for the first."""
    lock = key_file.with_name(key_file.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


class KeyFile:
    """A key file another process may replace (`keys rotate` writes a new file and renames it
    over the old one): its identity (inode, size, modification time) tells when to re-read."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def load(self) -> Keyring:
        return Keyring.from_text(self.path.read_text(), f"the key file {self.path}")


@dataclass(frozen=True)
class _Keys:
    """One keyring with its AEADs, swapped as a whole so a thread never sees half of each."""

    keyring: Keyring
    aead: dict[str, AESGCM]
    signature: tuple[int, int, int] | None

    @staticmethod
    def of(keyring: Keyring, signature: tuple[int, int, int] | None) -> _Keys:
        return _Keys(keyring, {k: AESGCM(v) for k, v in keyring.keys.items()}, signature)


@dataclass(frozen=True)
class Sealed:
    ciphertext: bytes
    key_id: str
    blind_index: str


class Cipher:
    """Seals and opens values of one attribute at a time; the attribute key is the AAD,
    so a ciphertext moved to another column does not open."""

    def __init__(self, keyring: Keyring, source: KeyFile | None = None) -> None:
        # `source`: the key file the keyring was read from, followed when it is replaced.
        self.source = source
        self._keys = _Keys.of(keyring, source.signature() if source else None)
        self._reloading = threading.Lock()
        # The audit chain's HMAC key, derived from the index key so it survives key rotation.
        self.audit_key = self.derived_key(b"rekisteri audit chain")

    @property
    def keyring(self) -> Keyring:
        return self._keys.keyring

    def derived_key(self, info: bytes) -> bytes:
        """A key of its own for one use (`info` names it), derived from the index key, which
        never rotates: the audit chain's tags, identity-code lookup digests, the request
        form's signed times. None of them equals a blind index."""
        return HKDF(SHA256(), 32, salt=None, info=info).derive(self.keyring.index_key)

    def file_key(self, salt: bytes, key_id: str | None = None) -> tuple[str, bytes]:
        """A key of one stored file (adapters/file_store.py), derived from an encryption key
        with the file's random salt: the current key for a new file, `key_id` for one sealed
        earlier. Files keep the key id they were sealed with: a rotation leaves them as they
        are (old keys stay in the keyring), so they open under the key they name."""
        if key_id is None:
            keys = self._follow()
            key_id = keys.keyring.current
        else:
            keys = self._keys
            if key_id not in keys.keyring.keys:
                keys = self._follow(force=True)
        key = keys.keyring.keys.get(key_id)
        if key is None:
            raise KeyringError(f"the keyring has no key {key_id!r}")
        derived = HKDF(SHA256(), 32, salt=salt, info=b"rekisteri file store").derive(key)
        return key_id, derived

    def _follow(self, *, force: bool = False) -> _Keys:
        """The keys, re-read first when the key file was replaced (or, with `force`, whenever
        there is a key file). A file that does not parse, or whose index key differs (which
        would orphan every blind index and the audit chain's key), leaves the keys as they are;
        a value under a key still unknown then fails naming the key."""
        keys = self._keys
        if self.source is None:
            return keys
        signature = self.source.signature()
        if signature is None or (signature == keys.signature and not force):
            return keys
        with self._reloading:
            keys = self._keys
            if signature == keys.signature and not force:
                return keys
            try:
                keyring = self.source.load()
            except (KeyringError, OSError):
                return keys
            if keyring.index_key != keys.keyring.index_key:
                return keys
            # Never forget a key already held: a file written by a rotation that started from
            # an older keyring must not orphan what was sealed under a key it did not know.
            merged = Keyring(
                keyring.current, {**keys.keyring.keys, **keyring.keys}, keyring.index_key
            )
            self._keys = keys = _Keys.of(merged, signature)
            return keys

    def blind_index(self, attribute: str, value: str) -> str:
        msg = attribute.encode() + b"\x00" + value.encode()
        return hmac.new(self.keyring.index_key, msg, hashlib.sha256).hexdigest()

    def seal(self, attribute: str, value: str) -> Sealed:
        nonce = secrets.token_bytes(12)
        keys = self._follow()
        kid = keys.keyring.current
        ct = nonce + keys.aead[kid].encrypt(nonce, value.encode(), attribute.encode())
        return Sealed(ct, kid, self.blind_index(attribute, value))

    def open(self, attribute: str, ciphertext: bytes, key_id: str) -> str:
        aead = self._keys.aead.get(key_id)
        if aead is None:
            # Sealed under a key added since this cipher read its keyring (a rotation by
            # another process): re-read the key file once before giving up.
            aead = self._follow(force=True).aead.get(key_id)
        if aead is None:
            raise KeyringError(f"the keyring has no key {key_id!r}")
        return aead.decrypt(ciphertext[:12], ciphertext[12:], attribute.encode()).decode()

    # Text form, for places that hold a value in a text column (the change history).
    def seal_text(self, attribute: str, value: str) -> str:
        sealed = self.seal(attribute, value)
        return f"enc:{sealed.key_id}:{_b64(sealed.ciphertext)}"

    def open_text(self, attribute: str, token: str) -> str:
        _, kid, data = token.split(":", 2)
        return self.open(attribute, _unb64(data), kid)

    @staticmethod
    def text_key_id(token: str) -> str | None:
        return token.split(":", 2)[1] if token.startswith("enc:") else None
