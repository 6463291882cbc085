"""Sealing and opening values, the keyring's text forms, and a cipher that follows its key file
through rotations by another process (adapters/crypto.py), on real keys and files.

tests/integration/test_encryption.py and tests/e2e/test_single_key_to_keyring.py check the
same through the register and the command line; these reach each function directly and run in
well under a second, so `make mutation` can check every mutant of the module against them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from rekisteri.adapters.crypto import (
    SECRET_KEY_SETTING,
    Cipher,
    KeyFile,
    Keyring,
    key_file_lock,
    load_keyring,
    write_key_file,
)
from rekisteri.domain.errors import KeyringError

HETU = "person.personal_identity_code"
IBAN = "billing_account.iban"
CODE = "131052-308T"
RAW = bytes(range(32))  # a single key, as REKISTERI_SECRET_KEY may give it
RAW_TEXT = base64.b64encode(RAW).decode()


def _hkdf(key: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(SHA256(), 32, salt=salt, info=info).derive(key)


# -- Keyring


def test_a_new_keyring_has_one_current_key_and_an_index_key() -> None:
    k = Keyring.generate()
    assert list(k.keys) == [k.current]
    assert k.current.startswith("k") and len(k.current) == 9
    int(k.current[1:], 16)  # "k" and eight hex digits
    assert len(k.keys[k.current]) == 32 and len(k.index_key) == 32
    assert k.index_key != k.keys[k.current]
    other = Keyring.generate()
    assert other.current != k.current and other.index_key != k.index_key


def test_a_rotation_adds_a_current_key_and_keeps_the_rest() -> None:
    k = Keyring.generate()
    r = k.rotated()
    assert r.current != k.current and r.current.startswith("k") and len(r.current) == 9
    assert list(r.keys) == [k.current, r.current]
    assert r.keys[k.current] == k.keys[k.current]
    assert len(r.keys[r.current]) == 32 and r.keys[r.current] != k.keys[k.current]
    assert r.index_key == k.index_key


def test_the_json_form_reads_back_as_the_same_keyring() -> None:
    k = Keyring.generate().rotated()
    data = json.loads(k.to_json())
    assert data == {
        "current": k.current,
        "keys": {kid: base64.b64encode(v).decode() for kid, v in k.keys.items()},
        "index_key": base64.b64encode(k.index_key).decode(),
    }
    assert k.to_json().startswith('{\n  "current"')  # indented: a file a person may read
    assert Keyring.from_text(k.to_json()) == k
    assert Keyring.from_text("\n  " + k.to_json() + "\n") == k  # as a file or a setting has it


def test_a_single_key_is_the_current_key_and_derives_the_index_key() -> None:
    k = Keyring.from_text(RAW_TEXT + "\n")
    kid = "e" + hashlib.sha256(RAW).hexdigest()[:8]
    assert k == Keyring(kid, {kid: RAW}, _hkdf(RAW, b"rekisteri blind index"))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "a key must be 32 bytes, base64-encoded"),  # no text: no key
        ("not base64!", "not a keyring"),
        # a key with a character outside base64 in it is refused, not read around
        (RAW_TEXT[:10] + "*" + RAW_TEXT[10:], "not a keyring"),
        (RAW_TEXT[:10] + "\n" + RAW_TEXT[10:], "not a keyring"),
        (base64.b64encode(b"short").decode(), "a key must be 32 bytes, base64-encoded"),
        ('{"current": "a", "keys": {"a": "' + RAW_TEXT + '"}}', "not a keyring"),
        ('{"current": "a", "keys": [], "index_key": "' + RAW_TEXT + '"}', "not a keyring"),
        ('{"current": "a", "keys": {"a": "' + RAW_TEXT + '"}, "index_key": 1}', "not a keyring"),
        ("{not json", "not a keyring"),
        (
            '{"current": "b", "keys": {"a": "' + RAW_TEXT + '"}, "index_key": "' + RAW_TEXT + '"}',
            "the keyring's current key is not among its keys",
        ),
        (
            '{"current": "a", "keys": {"a": "c2hvcnQ="}, "index_key": "' + RAW_TEXT + '"}',
            "a key must be 32 bytes, base64-encoded",
        ),
        (
            '{"current": "a", "keys": {"a": "' + RAW_TEXT + '"}, "index_key": "c2hvcnQ="}',
            "a key must be 32 bytes, base64-encoded",
        ),
    ],
)
def test_a_malformed_keyring_is_refused_in_one_line_naming_its_origin(text: str, says: str) -> None:
    with pytest.raises(KeyringError) as exc:
        Keyring.from_text(text)
    message = str(exc.value)
    if says == "not a keyring":
        says = "not a keyring (JSON with current, keys, index_key) nor a 32-byte base64 key"
    assert message == f"{SECRET_KEY_SETTING}: {says}"
    assert exc.value.__suppress_context__  # the parser's error (and the text) is not shown
    with pytest.raises(KeyringError) as in_file:
        Keyring.from_text(text, "the key file x")
    assert str(in_file.value) == f"the key file x: {says}"


def test_a_json_keyrings_key_ids_are_text() -> None:
    text = '{"current": "1", "keys": {"1": "' + RAW_TEXT + '"}, "index_key": "' + RAW_TEXT + '"}'
    assert Keyring.from_text(text) == Keyring("1", {"1": RAW}, RAW)


# -- loading and writing


def test_the_setting_comes_before_the_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "rekisteri.keys"
    k = Keyring.generate()
    write_key_file(k, key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text() == k.to_json()
    assert load_keyring(None, key_file) == k
    assert load_keyring("", key_file) == k
    assert load_keyring(RAW_TEXT, key_file) == Keyring.from_text(RAW_TEXT)
    key_file.write_text("{broken")
    with pytest.raises(KeyringError, match=f"^the key file {key_file}: not a keyring"):
        load_keyring(None, key_file)


def test_no_key_at_all_says_where_one_goes(tmp_path: Path) -> None:
    key_file = tmp_path / "rekisteri.keys"
    with pytest.raises(KeyringError) as exc:
        load_keyring(None, key_file)
    assert str(exc.value) == (
        f"no key: set REKISTERI_SECRET_KEY or create {key_file} (rekisteri init)"
    )


def test_a_second_rotation_waits_for_the_first(tmp_path: Path) -> None:
    key_file = tmp_path / "rekisteri.keys"
    order: list[str] = []
    second_started = threading.Event()

    def second() -> None:
        second_started.set()
        with key_file_lock(key_file):
            order.append("second")

    with key_file_lock(key_file):
        lock = tmp_path / "rekisteri.keys.lock"
        assert stat.S_IMODE(lock.stat().st_mode) == 0o600
        t = threading.Thread(target=second)
        t.start()
        second_started.wait(5)
        time.sleep(0.2)
        order.append("first")
    t.join(5)
    assert order == ["first", "second"]
    with key_file_lock(key_file):  # released: taken again at once
        pass


def test_the_lock_file_is_never_a_link(tmp_path: Path) -> None:
    key_file = tmp_path / "rekisteri.keys"
    (tmp_path / "rekisteri.keys.lock").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OSError), key_file_lock(key_file):
        pass
    assert not (tmp_path / "elsewhere").exists()


def test_a_key_files_signature_changes_when_it_is_replaced(tmp_path: Path) -> None:
    key_file = tmp_path / "rekisteri.keys"
    source = KeyFile(key_file)
    assert source.signature() is None
    k = Keyring.generate()
    write_key_file(k, key_file)
    first = source.signature()
    st = os.stat(key_file)
    assert first == (st.st_ino, st.st_size, st.st_mtime_ns)
    assert source.load() == k
    write_key_file(k.rotated(), key_file)
    assert source.signature() != first
    key_file.write_text("{broken")
    with pytest.raises(KeyringError) as exc:
        source.load()
    assert str(exc.value).startswith(f"the key file {key_file}: not a keyring")


# -- sealing and opening


def test_a_sealed_value_opens_under_its_attribute_only() -> None:
    k = Keyring.generate()
    cipher = Cipher(k)
    sealed = cipher.seal(HETU, CODE)
    assert sealed.key_id == k.current
    assert sealed.blind_index == cipher.blind_index(HETU, CODE)
    assert len(sealed.ciphertext) == 12 + len(CODE) + 16  # nonce, text, tag
    assert CODE.encode() not in sealed.ciphertext
    # The nonce leads and the attribute is the AAD: the value opens with AES-GCM itself.
    nonce, body = sealed.ciphertext[:12], sealed.ciphertext[12:]
    assert AESGCM(k.keys[k.current]).decrypt(nonce, body, HETU.encode()) == CODE.encode()
    assert cipher.open(HETU, sealed.ciphertext, sealed.key_id) == CODE
    with pytest.raises(InvalidTag):
        cipher.open(IBAN, sealed.ciphertext, sealed.key_id)
    again = cipher.seal(HETU, CODE)
    assert again.ciphertext[:12] != sealed.ciphertext[:12]  # a new nonce every time
    assert again.ciphertext != sealed.ciphertext


def test_a_value_sealed_under_a_key_not_held_names_the_key() -> None:
    sealed = Cipher(Keyring.generate()).seal(HETU, CODE)
    with pytest.raises(KeyringError) as exc:
        Cipher(Keyring.generate()).open(HETU, sealed.ciphertext, sealed.key_id)
    assert str(exc.value) == f"the keyring has no key {sealed.key_id!r}"


def test_a_rotated_keyring_seals_under_the_new_key_and_opens_the_old() -> None:
    k = Keyring.generate()
    old = Cipher(k).seal(HETU, CODE)
    rotated = Cipher(k.rotated())
    new = rotated.seal(HETU, CODE)
    assert new.key_id == rotated.keyring.current != k.current
    assert rotated.open(HETU, old.ciphertext, old.key_id) == CODE
    assert new.blind_index == old.blind_index


def test_the_text_form_names_its_key() -> None:
    k = Keyring.generate()
    cipher = Cipher(k)
    token = cipher.seal_text(HETU, "a:b:c")
    prefix, kid, data = token.split(":")
    assert (prefix, kid) == ("enc", k.current)
    raw = base64.b64decode(data, validate=True)
    assert cipher.open(HETU, raw, kid) == "a:b:c"
    assert cipher.open_text(HETU, token) == "a:b:c"
    assert Cipher.text_key_id(token) == k.current
    assert Cipher.text_key_id("plain:text:here") is None
    assert Cipher.text_key_id("enc:k1:data:more") == "k1"


def test_derived_keys_are_hkdf_of_the_index_key_and_survive_a_rotation() -> None:
    k = Keyring.generate()
    cipher = Cipher(k)
    assert cipher.audit_key == _hkdf(k.index_key, b"rekisteri audit chain")
    assert cipher.derived_key(b"request form") == _hkdf(k.index_key, b"request form")
    assert Cipher(k.rotated()).audit_key == cipher.audit_key
    assert cipher.audit_key != k.index_key


def test_a_files_key_is_derived_from_the_encryption_key_and_its_salt() -> None:
    k = Keyring.generate()
    r = k.rotated()
    cipher = Cipher(r)
    salt = b"s" * 16
    assert cipher.file_key(salt) == (
        r.current,
        _hkdf(r.keys[r.current], b"rekisteri file store", salt),
    )
    assert cipher.file_key(salt, k.current) == (
        k.current,
        _hkdf(k.keys[k.current], b"rekisteri file store", salt),
    )
    assert cipher.file_key(b"t" * 16)[1] != cipher.file_key(salt)[1]
    with pytest.raises(KeyringError) as exc:
        cipher.file_key(salt, "k00000000")
    assert str(exc.value) == "the keyring has no key 'k00000000'"


# -- following the key file


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "rekisteri.keys"
    write_key_file(Keyring.generate(), path)
    return path


def _follower(key_file: Path) -> Cipher:
    source = KeyFile(key_file)
    return Cipher(source.load(), source)


def test_a_cipher_follows_a_rotation_written_by_another_process(key_file: Path) -> None:
    server = _follower(key_file)
    first = server.keyring
    before = server.seal(HETU, CODE)
    rotated = first.rotated()
    write_key_file(rotated, key_file)  # `rekisteri keys rotate`, elsewhere
    # A value the rotation sealed opens here without a restart ...
    other = Cipher(rotated).seal(HETU, CODE)
    assert server.open(HETU, other.ciphertext, other.key_id) == CODE
    # ... and what this server seals now goes under the new key.
    assert server.seal(HETU, CODE).key_id == rotated.current
    assert server.keyring.current == rotated.current
    assert server.open(HETU, before.ciphertext, before.key_id) == CODE
    # The file it follows now is the rotated one: not read again until it is replaced.
    followed = server._keys
    server.seal(HETU, CODE)
    assert server._keys is followed


def test_sealing_rereads_a_replaced_file_before_it_seals(key_file: Path) -> None:
    server = _follower(key_file)
    rotated = server.keyring.rotated()
    write_key_file(rotated, key_file)
    assert server.seal(HETU, CODE).key_id == rotated.current
    assert server.file_key(b"s" * 16)[0] == rotated.current


def test_a_file_key_under_a_key_added_since_is_found_in_the_file(key_file: Path) -> None:
    server = _follower(key_file)
    rotated = server.keyring.rotated()
    write_key_file(rotated, key_file)
    salt = b"s" * 16
    assert server.file_key(salt, rotated.current) == (
        rotated.current,
        _hkdf(rotated.keys[rotated.current], b"rekisteri file store", salt),
    )


def test_a_key_asked_for_is_looked_for_in_the_file_even_if_it_looks_unchanged(
    key_file: Path,
) -> None:
    """A rotation may write a file of the same inode, size and modification time as the one
    this cipher read (within the clock's resolution): a key it is asked for and does not
    hold is looked for in the file all the same."""
    old = KeyFile(key_file).load()
    rotated = old.rotated()
    write_key_file(rotated, key_file)
    server = Cipher(old, KeyFile(key_file))  # the file's signature, the older keys
    salt = b"s" * 16
    assert server.seal(HETU, CODE).key_id == old.current  # nothing looks replaced
    assert server.file_key(salt, rotated.current)[0] == rotated.current
    sealed = Cipher(rotated).seal(HETU, CODE)
    server = Cipher(old, KeyFile(key_file))
    assert server.open(HETU, sealed.ciphertext, sealed.key_id) == CODE


def test_a_key_already_held_is_never_forgotten(key_file: Path) -> None:
    server = _follower(key_file)
    held = server.keyring
    sealed = server.seal(HETU, CODE)
    # A rotation that started from an older keyring, without this server's key.
    stranger = Keyring("kffffffff", {"kffffffff": RAW}, held.index_key)
    write_key_file(stranger, key_file)
    assert server.seal(HETU, "x").key_id == "kffffffff"
    assert set(server.keyring.keys) == {held.current, "kffffffff"}
    assert server.open(HETU, sealed.ciphertext, sealed.key_id) == CODE


def test_a_file_with_another_index_key_or_none_at_all_is_not_followed(key_file: Path) -> None:
    server = _follower(key_file)
    held = server.keyring
    write_key_file(Keyring.generate(), key_file)  # another register's keys
    assert server.seal(HETU, CODE).key_id == held.current
    assert server.keyring == held
    key_file.write_text("{broken")
    assert server.seal(HETU, CODE).key_id == held.current
    key_file.unlink()
    assert server.seal(HETU, CODE).key_id == held.current
    with pytest.raises(KeyringError, match="no key 'k00000000'"):
        server.open(HETU, b"\x00" * 40, "k00000000")


def test_an_unchanged_file_is_not_read_again(key_file: Path) -> None:
    server = _follower(key_file)
    keys = server._keys
    server.seal(HETU, CODE)
    assert server._keys is keys  # the signature alone said nothing changed
    server.open(HETU, server.seal(HETU, CODE).ciphertext, server.keyring.current)
    assert server._keys is keys
    # Asked for a key it does not hold, it reads the file even so (a rotation may have
    # written it within the same second, size and inode).
    with pytest.raises(KeyringError):
        server.open(HETU, b"\x00" * 40, "k00000000")
    assert server._keys is not keys
    assert server._keys.keyring == keys.keyring


def test_a_cipher_from_a_setting_follows_no_file(key_file: Path) -> None:
    held = Keyring.generate()
    cipher = Cipher(held)
    assert cipher.source is None
    assert cipher.seal(HETU, CODE).key_id == held.current
    with pytest.raises(KeyringError):
        cipher.open(HETU, b"\x00" * 40, "k00000000")
    assert cipher.keyring is held
